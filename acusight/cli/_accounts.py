"""What the accounts commands (`acusight users`, `acusight orgs`) share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from webapp import create_app
from webapp.errors import AppError
from webapp.extensions import db
from webapp.migrate import upgrade
from webapp.settings import get_settings
from webapp.unit_of_work import unit_of_work

ORG_HELP = "Organization name or slug (`acusight orgs list`); it must exist: `acusight orgs create NAME`"


@contextmanager
def accounts_session() -> Iterator[Session]:
    """A migrated database session for an accounts command; service errors become CLI errors."""
    app = create_app()
    with app.app_context():
        upgrade(get_settings(app).database_url)
        try:
            # One unit of work per command: committed when it ends, rolled back when it fails.
            with unit_of_work(db.session) as session:
                yield session
        except AppError as exc:
            raise click.ClickException(f"{exc.message}{': ' + exc.details if exc.details else ''}") from exc
