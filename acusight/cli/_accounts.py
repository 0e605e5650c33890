"""What the operator's commands on records share: one session on an existing platform, and its errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from acusight.cli._datadir import DataDir, platform
from webapp.errors import AppError
from webapp.extensions import db
from webapp.unit_of_work import unit_of_work

ORG_HELP = "Organization name or slug (`acusight orgs list`); it must exist: `acusight orgs create NAME`"


def app_error(exc: AppError) -> click.ClickException:
    """A service's refusal as the command's one-line error."""
    return click.ClickException(f"{exc.message}{': ' + exc.details if exc.details else ''}")


@contextmanager
def accounts_session(data_dir: DataDir, *, writes: bool = True, signs: bool = False) -> Iterator[Session]:
    """A session on the data dir's existing database (none there: exit 2) for one command; service
    errors become one-line errors. ``writes``: the command changes records (pending migrations are
    applied first); ``signs``: it signs with the API's secret key (see :func:`platform`)."""
    with platform(data_dir, writes=writes, signs=signs):
        try:
            # One unit of work per command: committed when it ends, rolled back when it fails.
            with unit_of_work(db.session) as session:
                yield session
        except AppError as exc:
            raise app_error(exc) from exc
