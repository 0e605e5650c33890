"""Which data dir a command uses, where that choice came from, and opening the platform's database there.

Every command that reads or writes the platform's state takes ``--data-dir`` (else ``ACUSIGHT_DATA_DIR``,
else ``./var`` of the current folder). Only the commands that set a platform up (``db upgrade``,
``serve``, ``up``, ``demo``, ``service-key``) may create a data dir, a database or a secret key; every
other command refuses a data dir without a database (exit 2, one line naming the data dir, where it
came from and how to choose another) and leaves nothing behind.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click
from click.core import ParameterSource
from flask import Flask

from acusight_settings import Settings

ENV_VAR = "ACUSIGHT_DATA_DIR"
DEFAULT = Path("var")
HELP = (
    "Where the platform keeps its state: database, blobs, secret key, logs (default: ./var of the "
    f"current folder, or {ENV_VAR})"
)
CHOOSE = f"choose another with --data-dir DIR or {ENV_VAR}"

F = TypeVar("F", bound=Callable[..., Any])


class DataDirError(click.ClickException):
    """The data dir (or its database, or its key) cannot serve this command: exit 2, one line."""

    exit_code = 2


@dataclass(frozen=True)
class DataDir:
    """A resolved data dir and where the choice came from: ``--data-dir``, ``ACUSIGHT_DATA_DIR`` or the
    default."""

    path: Path
    source: str

    def describe(self) -> str:
        if self.source == "default":
            return f"{self.path} (the default: ./var of the current folder)"
        return f"{self.path} (from {self.source})"


def _resolve(ctx: click.Context, param: click.Parameter, value: Path) -> DataDir:
    source = ctx.get_parameter_source(param.name or "data_dir")
    origin = {ParameterSource.COMMANDLINE: "--data-dir", ParameterSource.ENVIRONMENT: ENV_VAR}
    return DataDir(Path(value).expanduser().resolve(), origin.get(source, "default"))  # type: ignore[arg-type]


def data_dir_option(command: F) -> F:
    """``--data-dir DIR`` (or ACUSIGHT_DATA_DIR), handed to the command as a :class:`DataDir`."""
    return click.option(
        "--data-dir",
        "data_dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar=ENV_VAR,
        default=DEFAULT,
        callback=_resolve,
        help=HELP,
    )(command)


def database_url(data_dir: DataDir) -> str:
    """ACUSIGHT_DATABASE_URL, or the SQLite file of the data dir (as the API derives it)."""
    return Settings.load(data_dir=data_dir.path).database_url or f"sqlite:///{data_dir.path / 'acusight.db'}"


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL: say so without echoing it (it may hold a password)
        return "ACUSIGHT_DATABASE_URL"


def _sqlite_revisions(path: Path) -> set[str] | None:
    """The Alembic revisions of a SQLite file opened read-only (never created); None: no such table."""
    uri = f"file:{path}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone() is None:
            return None
        return {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}


def _server_revisions(url: str) -> set[str] | None:
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    finally:
        engine.dispose()


def _head_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from webapp.migrate import alembic_config

    return set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def require_database(data_dir: DataDir, url: str, *, current: bool) -> None:
    """Refuse (exit 2) a data dir without the platform's database, without creating anything; with
    ``current``, also a database whose migrations are behind this acusight's."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    make = f"{CHOOSE}, or make one there: `acusight db upgrade --data-dir {data_dir.path}` (or `acusight up`)"
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise DataDirError("ACUSIGHT_DATABASE_URL is not a database URL") from exc
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            return
        path = Path(parsed.database)
        if not path.exists():
            raise DataDirError(f"no database at {path} in data dir {data_dir.describe()}; {make}")
        try:
            revisions = _sqlite_revisions(path)
        except sqlite3.Error as exc:
            raise DataDirError(
                f"{path} cannot be read as a database ({exc}), in data dir {data_dir.describe()}; {CHOOSE}"
            ) from exc
        where = str(path)
    else:
        where = _safe(url)
        try:
            revisions = _server_revisions(url)
        except SQLAlchemyError as exc:
            first = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            raise DataDirError(
                f"cannot reach the database at {where} (ACUSIGHT_DATABASE_URL): {first}"
            ) from exc
    if revisions is None:
        raise DataDirError(f"{where} holds no Acusight tables (data dir {data_dir.describe()}); {make}")
    heads = _head_revisions()
    if current and revisions != heads:
        raise DataDirError(
            f"the database at {where} is at migration {', '.join(sorted(revisions)) or 'none'}, not this "
            f"acusight's {', '.join(sorted(heads))}: `acusight db upgrade --data-dir {data_dir.path}` "
            "applies the missing ones (a database migrated by a newer acusight needs that one)"
        )


def _only_empty_folders(path: Path) -> bool:
    return all(p.is_dir() for p in path.rglob("*"))


@contextmanager
def platform(data_dir: DataDir, *, writes: bool = False, signs: bool = False) -> Iterator[Flask]:
    """The app of an existing platform, inside its app context, for an operator's command.

    Refuses a data dir without a database (exit 2). ``writes``: the command changes records, and
    applies pending migrations first; without it the database must already be current. ``signs``: the
    command signs with the secret key, which must exist and be the one the API last started with
    (:mod:`acusight.cli._keys`). A command that signs nothing never makes a secret key, and a data dir
    that did not exist (a database elsewhere) is gone again afterwards.
    """
    from acusight.cli import _keys
    from webapp import create_app
    from webapp.migrate import upgrade

    url = database_url(data_dir)
    require_database(data_dir, url, current=not writes)
    existed = data_dir.path.exists()
    overrides: dict[str, Any] = {"data_dir": data_dir.path}
    key = _keys.find(data_dir)
    if signs:
        _keys.require_serving_key(data_dir, key)
    elif key is None:
        # Nothing is signed: an ephemeral key, so that no <data dir>/secret_key is made on the way.
        overrides["secret_key"] = secrets.token_urlsafe(48)
    try:
        app = create_app(overrides)
        if writes:
            upgrade(url)
        with app.app_context():
            yield app
    finally:
        if not existed and data_dir.path.exists() and _only_empty_folders(data_dir.path):
            shutil.rmtree(data_dir.path)


def is_new(data_dir: DataDir) -> bool:
    """Whether the data dir is missing or empty (a setup command is about to make it)."""
    return not data_dir.path.exists() or not any(data_dir.path.iterdir())


def setup_app(data_dir: DataDir, *, announce: bool = True) -> Flask:
    """The app of a command that may set a platform up: the data dir, its database and key are made when
    missing (and, with ``announce``, that is said on stderr)."""
    from webapp import create_app

    if announce and is_new(data_dir):
        click.echo(f"new data dir {data_dir.describe()}", err=True)
    return create_app({"data_dir": data_dir.path})


def export_env(data_dir: DataDir) -> None:
    """Hand the data dir to what this process starts or reads from the environment (a worker's flows)."""
    os.environ[ENV_VAR] = str(data_dir.path)
