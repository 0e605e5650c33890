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

ORG_HELP = "Organization name or slug (`acusight orgs list`); it must exist: `acusight orgs create NAME`"


@contextmanager
def accounts_session() -> Iterator[Session]:
    """A migrated database session for an accounts command; service errors become CLI errors."""
    app = create_app()
    with app.app_context():
        upgrade(app.extensions["acusight.settings"].database_url)
        try:
            yield db.session
        except AppError as exc:
            raise click.ClickException(f"{exc.message}{': ' + exc.details if exc.details else ''}") from exc
