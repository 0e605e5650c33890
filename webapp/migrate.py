"""Alembic migrations run from code: `acusight db upgrade`, app start and tests."""

from __future__ import annotations

import warnings
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.exc import SAWarning

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation would choke on a '%' in a password.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    with warnings.catch_warnings():
        # SQLite cannot reflect the expression index on organizations (lower(name)); batch migrations of
        # tables that refer to organizations reflect it and warn at every fresh start. The index is
        # untouched unless a batch migration recreates organizations itself: such a migration must
        # create the index again.
        warnings.filterwarnings(
            "ignore", message="Skipped unsupported reflection of expression-based index", category=SAWarning
        )
        command.upgrade(alembic_config(url), revision)


def revision(url: str, message: str) -> None:
    """Autogenerate a migration from the models (a developer's command)."""
    command.revision(alembic_config(url), message=message, autogenerate=True)
