"""The `acusight` command line contract other tools rely on."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from webapp.cli import main


@pytest.fixture
def env(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("ACUSIGHT_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("ACUSIGHT_DATABASE_URL", database_url)
    return {**os.environ}


def test_users_create_and_token(env: dict[str, str], app: object) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["users", "create", "Ops@Acme.test", "--org", "Acme", "--role", "admin"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(main, ["users", "create", "ops@acme.test", "--org", "Acme", "--role", "admin"])
    assert again.exit_code != 0 and "already exists" in again.output
    token = runner.invoke(main, ["users", "token", "ops@acme.test"])
    assert token.exit_code == 0
    jwt = token.output.strip().splitlines()[-1]
    assert jwt.count(".") == 2


def test_cli_errors_are_clear(env: dict[str, str], app: object) -> None:
    runner = CliRunner()
    bad_role = runner.invoke(main, ["users", "create", "a@b.c", "--org", "A", "--role", "root"])
    assert bad_role.exit_code == 2 and "root" in bad_role.output
    missing = runner.invoke(main, ["users", "token", "ghost@nowhere.test"])
    assert missing.exit_code == 1 and "No user" in missing.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_applies_migrations_and_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`acusight serve` on a brand-new data dir: migrations, gunicorn, the curl walk-through."""
    env = {**os.environ, "ACUSIGHT_DATA_DIR": str(tmp_path / "fresh")}
    env.pop("ACUSIGHT_DATABASE_URL", None)
    port = _free_port()
    cli = [sys.executable, "-m", "webapp.cli"]
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{base}/openapi.json", timeout=1)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and server.poll() is None, "server did not start"
                time.sleep(0.2)
        subprocess.run(
            [*cli, "users", "create", "a@x.test", "--org", "X", "--role", "admin"], env=env, check=True
        )
        out = subprocess.run(
            [*cli, "users", "token", "a@x.test"], env=env, check=True, capture_output=True, text=True
        )
        auth = {"Authorization": f"Bearer {out.stdout.strip().splitlines()[-1]}"}
        token = requests.post(
            f"{base}/provisioning-tokens", json={"name": "t"}, headers=auth, timeout=5
        ).json()
        device = requests.post(
            f"{base}/devices/provision",
            json={"token": token["data"]["token"], "serial_number": "S", "name": "n"},
            timeout=5,
        ).json()
        me = requests.get(
            f"{base}/device/self", headers={"X-Device-Key": device["data"]["api_key"]}, timeout=5
        )
        assert me.status_code == 200 and me.json()["data"]["serial_number"] == "S"
        assert requests.get(f"{base}/docs", timeout=5).status_code == 200
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/api/docs" in output
    assert (tmp_path / "fresh" / "acusight.db").exists()
