"""Which data dir a command uses: --data-dir, ACUSIGHT_DATA_DIR or ./var; none there is one clear line
(exit 2) and nothing is created; `users token` signs only with the key the API signs with."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import cast

import click
import jwt
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text

from acusight.cli import main
from acusight.cli._keys import record_serving_key
from acusight.stack import Child, Progress, Stack, free_port
from webapp.migrate import upgrade
from webapp.settings import Settings

READS = [
    ["users", "token", "ops@acme.test"],
    ["users", "domain", "list"],
    ["orgs", "list"],
    ["orgs", "quota", "show", "acme"],
    ["orgs", "label-studio", "list"],
    ["devices", "list"],
    ["devices", "show", "1"],
    ["projects", "list"],
    ["jobs", "list"],
    ["jobs", "show", "1", "--follow"],
    ["fsck"],
]
WRITES = [
    ["orgs", "create", "Acme"],
    ["users", "create", "a@acme.test", "--org", "acme", "--role", "admin"],
    ["devices", "disable", "1"],
    ["deploy", "1", "--device", "1"],
    ["checkins", "prune"],
    ["reap"],
]


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new user's shell in some other folder: no ACUSIGHT_* variable that picks a data dir, database
    or key."""
    for name in ("ACUSIGHT_DATA_DIR", "ACUSIGHT_DATABASE_URL", "ACUSIGHT_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "somewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def _invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def _no_database(result: Result, where: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    assert where in lines[0] and "--data-dir DIR or ACUSIGHT_DATA_DIR" in lines[0], lines[0]


@pytest.mark.parametrize("args", READS + WRITES, ids=lambda a: " ".join(a[:2]))
def test_no_database_in_the_default_data_dir(elsewhere: Path, args: list[str]) -> None:
    result = _invoke(*args)
    _no_database(result, f"no database at {elsewhere / 'var' / 'acusight.db'}")
    assert "(the default: ./var of the current folder)" in result.output
    assert list(elsewhere.iterdir()) == []  # no var/, no database, no secret key


def test_where_the_choice_came_from(elsewhere: Path, tmp_path: Path) -> None:
    given = tmp_path / "given"
    _no_database(_invoke("devices", "list", "--data-dir", str(given)), f"{given} (from --data-dir)")
    from_env = tmp_path / "from-env"
    _no_database(
        _invoke("jobs", "list", env={"ACUSIGHT_DATA_DIR": str(from_env)}), "(from ACUSIGHT_DATA_DIR)"
    )
    # The option wins over the variable.
    _no_database(
        _invoke("orgs", "list", "--data-dir", str(given), env={"ACUSIGHT_DATA_DIR": str(from_env)}),
        f"{given} (from --data-dir)",
    )
    assert not given.exists() and not from_env.exists()


def test_an_empty_or_foreign_file_is_not_a_database(elsewhere: Path) -> None:
    var = elsewhere / "var"
    var.mkdir()
    (var / "acusight.db").touch()  # what `users token` used to leave behind
    _no_database(_invoke("users", "token", "a@b.c"), "holds no Acusight tables")
    assert sorted(p.name for p in var.iterdir()) == ["acusight.db"]
    assert (var / "acusight.db").stat().st_size == 0
    (var / "acusight.db").write_bytes(b"not sqlite at all, " * 100)
    _no_database(_invoke("orgs", "list"), "cannot be read as a database")


def test_an_unreachable_database_server_is_one_line(elsewhere: Path) -> None:
    port = free_port()  # nothing listens there
    env = {"ACUSIGHT_DATABASE_URL": f"postgresql+psycopg://u:hunter2@127.0.0.1:{port}/db"}
    result = _invoke("orgs", "list", env=env)
    assert result.exit_code == 2 and "cannot reach the database at" in result.output, result.output
    assert "hunter2" not in result.output and len(result.output.strip().splitlines()) == 1


def _migrated(data_dir: Path) -> str:
    data_dir.mkdir(parents=True)
    url = f"sqlite:///{data_dir / 'acusight.db'}"
    upgrade(url)
    return url


def test_reading_makes_no_secret_key_and_writing_works(elsewhere: Path) -> None:
    var = elsewhere / "var"
    _migrated(var)
    assert _invoke("orgs", "list").output == ""
    assert _invoke("devices", "list", "--data-dir", str(var)).exit_code == 1  # no organization yet
    assert not (var / "secret_key").exists()
    made = _invoke("orgs", "create", "Acme")
    assert made.exit_code == 0 and "slug acme" in made.output, made.output
    assert _invoke("orgs", "list").output.split("\t")[1:] == ["acme", "Acme\n"]


def test_a_database_behind_this_acusight_is_named(elsewhere: Path) -> None:
    url = _migrated(elsewhere / "var")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'an-old-one'"))
    engine.dispose()
    result = _invoke("devices", "list")
    assert result.exit_code == 2 and "is at migration an-old-one, not this acusight's" in result.output
    assert "acusight db upgrade --data-dir" in result.output


def test_a_database_elsewhere_leaves_no_data_dir_behind(tmp_path: Path, database_url: str) -> None:
    absent = tmp_path / "absent"
    result = _invoke("orgs", "list", "--data-dir", str(absent), env={"ACUSIGHT_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert not absent.exists()


# --- the key `users token` signs with -------------------------------------------------------------------


@pytest.fixture
def platform_with_user(elsewhere: Path) -> Path:
    var = elsewhere / "var"
    _migrated(var)
    assert _invoke("orgs", "create", "Acme").exit_code == 0
    assert _invoke("users", "create", "ops@acme.test", "--org", "acme", "--role", "admin").exit_code == 0
    return var


def _verifies(token: str, key: str) -> bool:
    """Whether the API, signing with ``key``, takes the token."""
    try:
        jwt.decode(token, key, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        return False
    return True


def test_users_token_needs_the_apis_key(platform_with_user: Path) -> None:
    var = platform_with_user
    none = _invoke("users", "token", "ops@acme.test")
    assert none.exit_code == 2 and "no secret key to sign with" in none.output, none.output
    assert "ACUSIGHT_SECRET_KEY" in none.output and not (var / "secret_key").exists()

    key = secrets.token_urlsafe(48)
    (var / "secret_key").write_text(key)
    record_serving_key(var, key)  # what `acusight serve` does at start
    token = _invoke("users", "token", "ops@acme.test")
    assert token.exit_code == 0, token.output
    assert _verifies(token.output.strip().splitlines()[-1], key)

    # A shell with another ACUSIGHT_SECRET_KEY than the API's: refused, naming both sources.
    other = _invoke("users", "token", "ops@acme.test", env={"ACUSIGHT_SECRET_KEY": secrets.token_urlsafe(48)})
    assert other.exit_code == 2, other.output
    assert "the secret key from ACUSIGHT_SECRET_KEY is not the one the API" in other.output
    assert f"(from {var / 'secret_key'})" in other.output and "Signature verification failed" in other.output
    assert len(other.output.strip().splitlines()) == 1


def test_a_recorded_env_key_and_another_file(
    platform_with_user: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    var = platform_with_user
    api_key = secrets.token_urlsafe(48)
    monkeypatch.setenv("ACUSIGHT_SECRET_KEY", api_key)
    record_serving_key(var, api_key)  # the API started with the variable set
    monkeypatch.delenv("ACUSIGHT_SECRET_KEY")
    (var / "secret_key").write_text(secrets.token_urlsafe(48))
    refused = _invoke("users", "token", "ops@acme.test")
    assert refused.exit_code == 2 and "(from ACUSIGHT_SECRET_KEY)" in refused.output, refused.output
    signed = _invoke("users", "token", "ops@acme.test", env={"ACUSIGHT_SECRET_KEY": api_key})
    assert signed.exit_code == 0 and _verifies(signed.output.strip().splitlines()[-1], api_key)


# --- every command that uses a data dir takes --data-dir --------------------------------------------------


def _commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found |= _commands(command, f"{prefix}{name} ")
        else:
            found[f"{prefix}{name}"] = command
    return found


def test_every_command_with_state_takes_data_dir() -> None:
    commands = _commands(main)
    without = sorted(name for name, c in commands.items() if "--data-dir" not in _options(c))
    assert without == ["config reference"]
    for name in ("up", "serve", "db upgrade", "users token", "jobs show"):
        helped = _invoke(*name.split(), "--help").output
        assert "--data-dir" in helped and "ACUSIGHT_DATA_DIR" in helped


def _options(command: click.Command) -> list[str]:
    return [opt for param in command.params for opt in getattr(param, "opts", [])]


def test_db_upgrade_makes_a_new_data_dir_and_says_so(elsewhere: Path, tmp_path: Path) -> None:
    new = tmp_path / "new"
    result = _invoke("db", "upgrade", "--data-dir", str(new))
    assert result.exit_code == 0, result.output
    assert f"new data dir {new} (from --data-dir)" in result.output
    assert (new / "acusight.db").exists()
    assert _invoke("orgs", "list", "--data-dir", str(new)).exit_code == 0


# --- `up` says what it is doing while it starts -----------------------------------------------------------


def test_start_progress_names_each_service_started_and_ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import acusight.stack

    monkeypatch.setattr(acusight.stack, "HEARTBEAT_S", 0.0)  # a waiting line at every try
    lines: list[str] = []
    progress = Progress(lines.append)
    stack = Stack(cast(Settings, None), progress=progress)  # _run needs no settings
    port = free_port()
    server = Child(
        "web",
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        dict(os.environ),
        tmp_path / "logs" / "web.log",
        cwd=tmp_path,
    )
    sleeper = Child(
        "sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], dict(os.environ), tmp_path / "s.log"
    )
    try:
        stack._run(server, f"http://127.0.0.1:{port}/", 30, f"http://127.0.0.1:{port}")
        stack._run(sleeper, None, 0)
    finally:
        stack.stop()
    messages = [line.split("] ", 1)[1] for line in lines]
    assert all(line.startswith("[") and "s] " in line for line in lines)
    assert messages[0] == f"web: starting (log {tmp_path / 'logs' / 'web.log'})"
    assert f"web: ready at http://127.0.0.1:{port}" in messages
    assert messages[-2:] == [
        f"sleeper: starting (log {tmp_path / 's.log'})",
        f"sleeper: started (pid {sleeper.pid})",
    ]
    waiting = [m for m in messages if "still waiting" in m]
    assert all(m.startswith("web: still waiting (") for m in waiting)
