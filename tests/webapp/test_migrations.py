"""Alembic migrations create exactly the tables the models declare, on the test's backend."""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, insert, select
from sqlalchemy.exc import IntegrityError

from tests.conftest import TEST_DATABASE_ENV, _drop_postgres, _fresh_postgres
from webapp.migrate import upgrade
from webapp.models import Base, Image, Organization


def test_models_and_migrations_agree(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ; add a migration: {diff}"


def test_images_without_a_capture_time_take_their_upload_time(tmp_path: Path) -> None:
    """0003 backfills captured_at from created_at before making it NOT NULL, on the test's backend."""
    pg = os.environ.get(TEST_DATABASE_ENV)
    url = _fresh_postgres(pg) if pg else f"sqlite:///{tmp_path / 'old.db'}"
    images = Image.__table__
    created = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    captured = datetime(2026, 4, 30, 8, 0, tzinfo=UTC)
    row = {"byte_size": 1, "width": 1, "height": 1, "format": "jpeg", "status": "new", "tags": []}
    row |= {"labeled": False, "created_at": created, "updated_at": created}
    try:
        upgrade(url, "0002")
        engine = create_engine(url)
        with engine.begin() as conn:
            org = conn.execute(
                insert(Organization.__table__).values(name="Old", slug="old").returning(Organization.id)
            ).scalar_one()
            for sha, at in (("a" * 64, None), ("b" * 64, captured)):
                conn.execute(insert(images).values(organization_id=org, sha256=sha, captured_at=at, **row))
        engine.dispose()

        upgrade(url)
        engine = create_engine(url)
        with engine.connect() as conn:
            stored = conn.execute(select(images.c.captured_at).order_by(images.c.sha256)).scalars().all()
            with pytest.raises(IntegrityError):
                conn.execute(
                    insert(images).values(organization_id=org, sha256="c" * 64, captured_at=None, **row)
                )
        engine.dispose()
        assert stored == [created, captured]
    finally:
        if pg:
            _drop_postgres(url)


def test_organization_names_made_unique_in_any_case(tmp_path: Path) -> None:
    """0004 keeps the oldest of colliding names, renames later ones with their slug, then enforces it."""
    pg = os.environ.get(TEST_DATABASE_ENV)
    url = _fresh_postgres(pg) if pg else f"sqlite:///{tmp_path / 'old.db'}"
    orgs = Organization.__table__
    at = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    try:
        upgrade(url, "0003")
        engine = create_engine(url)
        with engine.begin() as conn:
            for name, slug in (("Acme", "acme"), ("Other", "other"), ("ACME", "acme-2"), ("acme", "acme-3")):
                conn.execute(insert(orgs).values(name=name, slug=slug, created_at=at, updated_at=at))
        engine.dispose()

        upgrade(url)
        engine = create_engine(url)
        with engine.connect() as conn:
            names = conn.execute(select(orgs.c.name).order_by(orgs.c.id)).scalars().all()
            with pytest.raises(IntegrityError):
                conn.execute(insert(orgs).values(name="oThEr", slug="other-2", created_at=at, updated_at=at))
        engine.dispose()
        assert names == ["Acme", "Other", "ACME (acme-2)", "acme (acme-3)"]
    finally:
        if pg:
            _drop_postgres(url)
