"""Fixtures shared by every test: an app on a migrated database, users, tokens, devices."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from acusight.stack import free_port

# The session's real Label Studio, one server for every directory's tests (tests/flows, tests/clients).
from tests.flows.label_studio_server import label_studio, label_studio_env
from webapp import create_app
from webapp.auth import issue_access_token
from webapp.extensions import db
from webapp.migrate import upgrade
from webapp.models import Base, User
from webapp.services import users
from webapp.unit_of_work import unit_of_work

# Set to a PostgreSQL URL to run the suite there; SQLite otherwise.
TEST_DATABASE_ENV = "ACUSIGHT_TEST_DATABASE_URL"


def _fresh_postgres(url: str) -> str:
    """A new, empty database next to the one named in ``url``; returns its URL."""
    base = make_url(url)
    name = f"{base.database or 'acusight_test'}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _drop_postgres(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database for the session: PostgreSQL when asked for, else a SQLite file."""
    pg = os.environ.get(TEST_DATABASE_ENV)
    if pg:
        url = _fresh_postgres(pg)
        upgrade(url)
        yield url
        _drop_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        upgrade(url)
        yield url


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Extra settings for the ``app`` fixture; a test module overrides this fixture to set some."""
    return {}


class CommittingClient(FlaskClient):
    """The test client, committing first what the test did through services directly (as a command
    would, in its own unit of work): the request shares the test's session, and a request that fails
    rolls back only what it did itself."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if has_app_context():  # the test's own thread (others have no session of the test's)
            db.session.commit()
        return super().open(*args, **kwargs)


@pytest.fixture
def app(database_url: str, data_dir: Path, app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app({"data_dir": data_dir, "database_url": database_url, **app_config})
    app.config["TESTING"] = True
    app.test_client_class = CommittingClient
    with app.app_context():
        yield app
        empty_database()


def empty_database() -> None:
    """End the app's session, empty every table (whatever the backend) and close its connections, so
    the next test starts from nothing. Inside the app's context."""
    db.session.rollback()
    with db.engine.begin() as conn, audit_log_unlocked(conn):
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    db.engine.dispose()


@contextmanager
def audit_log_unlocked(conn: Connection) -> Iterator[None]:
    """The audit log's append-only triggers off inside ``conn``'s transaction, as only the database's
    owner (superuser, on PostgreSQL) can turn them off: the tests empty every table between tests, the
    log included. On PostgreSQL for this transaction only, and without the table lock that disabling
    the triggers would wait for."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        yield
        return
    triggers = conn.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")
    ).all()
    for name, _ in triggers:
        conn.execute(text(f'DROP TRIGGER "{name}"'))
    yield
    for _, sql in triggers:
        conn.execute(text(sql))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_user(app: Flask) -> Any:
    """Create a user: make_user(role="admin", org="Acme") -> User."""
    counter = iter(range(1, 10_000))

    def _make(role: str = "admin", org: str = "Acme", email: str | None = None) -> User:
        email = email or f"{role}{next(counter)}@{org.lower().replace(' ', '-')}.test"
        with unit_of_work(db.session):  # committed: a request that fails must not roll it back
            return users.create(db.session, email, org, role)

    return _make


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_access_token(user)}"}


@pytest.fixture
def admin(make_user: Any) -> User:
    return make_user("admin")


@pytest.fixture
def admin_headers(admin: User) -> dict[str, str]:
    return bearer(admin)


@pytest.fixture
def provision(client: FlaskClient) -> Any:
    """Provision a device through the API: provision(headers, serial=..., **token_args) -> body."""

    def _provision(headers: dict[str, str], serial: str = "SN-1", **token_args: Any) -> dict[str, Any]:
        token = client.post(
            "/api/provisioning-tokens", json={"name": "t", **token_args}, headers=headers
        ).get_json()["data"]["token"]
        resp = client.post(
            "/api/devices/provision",
            json={"token": token, "serial_number": serial, "name": f"cam {serial}"},
        )
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["data"]

    return _provision


def png_bytes(seed: int, size: int = 24) -> bytes:
    """A small, unique, real PNG: noise seeded by ``seed``."""
    import io

    import numpy as np
    from PIL import Image as PILImage

    rng = np.random.default_rng(seed)
    buf = io.BytesIO()
    PILImage.fromarray(rng.integers(0, 255, (size, size, 3), dtype=np.uint8)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def labeled_project(client: FlaskClient, provision: Any) -> Any:
    """Through the API: a project, a device in it that uploads ``n`` images, each labeled.

    labeled_project(headers, n=12, labels=("cat", "dog"), name="pets") -> {"project_id", "device_key",
    "images": [{"id", "sha256", "label"}]}; image i gets labels[i % len(labels)].
    """

    def _make(
        headers: dict[str, str],
        n: int = 12,
        labels: tuple[str, ...] = ("cat", "dog"),
        name: str = "pets",
        seed: int = 0,
    ) -> dict[str, Any]:
        resp = client.post(
            "/api/data/projects",
            json={"name": name, "task_type": "classification", "labels": list(labels)},
            headers=headers,
        )
        assert resp.status_code == 201, resp.get_json()
        project_id = resp.get_json()["data"]["id"]
        key = provision(headers, f"{name}-cam-{seed}", project_id=project_id)["api_key"]
        images = []
        for i in range(n):
            up = client.post(
                "/api/device/images/upload",
                data={"file": (io.BytesIO(png_bytes(seed * 100_000 + i)), f"img{i}.png")},
                headers={"X-Device-Key": key},
                content_type="multipart/form-data",
            )
            assert up.status_code == 201, up.get_json()
            image = up.get_json()["data"]
            label = labels[i % len(labels)]
            ann = client.post(
                "/api/data/annotations", json={"image_id": image["id"], "label": label}, headers=headers
            )
            assert ann.status_code == 201, ann.get_json()
            images.append({"id": image["id"], "sha256": image["sha256"], "label": label})
        return {"project_id": project_id, "device_key": key, "images": images}

    return _make


# --- a real S3-compatible server (moto), for the blob store and the DVC remote ----------------------

AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A moto S3 server in its own process on a free port, for the whole session."""
    port = free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(url, timeout=1)
                break
            except requests.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto server did not start") from None
                time.sleep(0.2)
        with pytest.MonkeyPatch.context() as mp:
            for name, value in AWS_ENV.items():
                mp.setenv(name, value)
            yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    import boto3

    name = f"acusight-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(Bucket=name)
    return name


__all__ = ["label_studio", "label_studio_env"]  # fixtures, registered by being here
