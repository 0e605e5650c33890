"""The `acusight` command line contract other tools rely on."""

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from acusight.cli import main


@pytest.fixture
def env(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("ACUSIGHT_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("ACUSIGHT_DATABASE_URL", database_url)
    # `users token` signs with the API's key; without one (none in this data dir) it refuses to sign.
    monkeypatch.setenv("ACUSIGHT_SECRET_KEY", secrets.token_urlsafe(48))
    return {**os.environ}


def test_users_create_and_token(env: dict[str, str], app: object) -> None:
    runner = CliRunner()
    made = runner.invoke(main, ["orgs", "create", "Acme"])
    assert made.exit_code == 0 and "slug acme" in made.output, made.output
    result = runner.invoke(main, ["users", "create", "Ops@Acme.test", "--org", "acme", "--role", "admin"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(main, ["users", "create", "ops@acme.test", "--org", "Acme", "--role", "admin"])
    assert again.exit_code != 0 and "already exists" in again.output
    token = runner.invoke(main, ["users", "token", "ops@acme.test"])
    assert token.exit_code == 0
    jwt = token.output.strip().splitlines()[-1]
    assert jwt.count(".") == 2


def test_users_login_link_prints_a_link_that_signs_in_once(
    env: dict[str, str], app: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flask import Flask

    assert isinstance(app, Flask)
    runner = CliRunner()
    assert runner.invoke(main, ["orgs", "create", "Acme"]).exit_code == 0
    made = runner.invoke(main, ["users", "create", "v@acme.test", "--org", "acme", "--role", "viewer"])
    assert made.exit_code == 0, made.output
    made = runner.invoke(main, ["users", "login-link", "V@acme.test", "--minutes", "5"])
    assert made.exit_code == 0, made.output
    url = made.output.strip().splitlines()[-1]
    assert url.startswith("http://127.0.0.1:8080/login#token=alk_"), url
    monkeypatch.setenv("ACUSIGHT_PUBLIC_URL", "https://acusight.example.test/")
    other = runner.invoke(main, ["users", "login-link", "v@acme.test"]).output.strip().splitlines()[-1]
    assert other.startswith("https://acusight.example.test/login#token=alk_"), other
    client = app.test_client()
    token = url.split("#token=")[1]
    assert client.post("/api/auth/login-link", json={"token": token}).status_code == 200
    assert client.post("/api/auth/login-link", json={"token": token}).status_code == 401
    for args, message in (
        (["users", "login-link", "ghost@acme.test"], "No user"),
        (["users", "login-link", "v@acme.test", "--minutes", "0"], "0 is not in the range"),
    ):
        refused = runner.invoke(main, args)
        assert refused.exit_code != 0 and message in refused.output and "Traceback" not in refused.output


def test_cli_errors_are_clear(env: dict[str, str], app: object) -> None:
    runner = CliRunner()
    bad_role = runner.invoke(main, ["users", "create", "a@b.c", "--org", "A", "--role", "root"])
    assert bad_role.exit_code == 2 and "root" in bad_role.output
    missing = runner.invoke(main, ["users", "token", "ghost@nowhere.test"])
    assert missing.exit_code == 1 and "No user" in missing.output


def test_orgs_create_refuses_a_taken_name_and_list_shows_them(env: dict[str, str], app: object) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["orgs", "create", "Acme Inc"]).exit_code == 0
    taken = runner.invoke(main, ["orgs", "create", " ACME   inc"])
    assert taken.exit_code == 1 and "already exists" in taken.output and "Traceback" not in taken.output
    assert runner.invoke(main, ["orgs", "create", "Globex"]).exit_code == 0
    listed = runner.invoke(main, ["orgs", "list"]).output.splitlines()
    assert [line.split("\t")[1:] for line in listed] == [["acme-inc", "Acme Inc"], ["globex", "Globex"]]


def test_org_option_refuses_unknown_and_ambiguous_names(env: dict[str, str], app: object) -> None:
    """--org must name exactly one tenant: never created on the fly, never a guess between two."""
    runner = CliRunner()
    unknown = runner.invoke(main, ["users", "create", "c@c.test", "--org", "OrgC", "--role", "admin"])
    assert unknown.exit_code == 1 and "No organization is named 'OrgC'" in unknown.output
    assert "acusight orgs create" in unknown.output
    rule = runner.invoke(main, ["users", "domain", "add", "c.test", "--org", "OrgC"])
    assert rule.exit_code == 1 and "No organization" in rule.output
    assert runner.invoke(main, ["orgs", "list"]).output == ""
    assert runner.invoke(main, ["users", "domain", "list"]).output == ""

    # "Foo Bar" gets slug foo-bar; a second organization may be named "foo-bar" (a different name).
    assert runner.invoke(main, ["orgs", "create", "Foo Bar"]).exit_code == 0
    assert runner.invoke(main, ["orgs", "create", "foo-bar"]).exit_code == 0
    ambiguous = runner.invoke(main, ["users", "create", "x@x.test", "--org", "foo-bar", "--role", "admin"])
    assert ambiguous.exit_code == 1 and "more than one organization" in ambiguous.output
    assert "foo-bar-2" in ambiguous.output
    by_slug = runner.invoke(main, ["users", "create", "x@x.test", "--org", "foo-bar-2", "--role", "admin"])
    assert by_slug.exit_code == 0 and "in foo-bar" in by_slug.output, by_slug.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_applies_migrations_and_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`acusight serve` on a brand-new data dir: migrations, gunicorn, the curl walk-through."""
    env = {**os.environ, "ACUSIGHT_DATA_DIR": str(tmp_path / "fresh")}
    env.pop("ACUSIGHT_DATABASE_URL", None)
    port = _free_port()
    cli = [sys.executable, "-m", "acusight.cli"]
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
        subprocess.run([*cli, "orgs", "create", "X"], env=env, check=True)
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
        secret = "code-4f1c9a"  # a sign-in's code, a signed URL's signature: credentials in a query
        requests.get(f"{base}/auth/callback?code={secret}&state=s", timeout=5)
        requests.get(f"{base}/data/images/1/signed?exp=1&sig={secret}", timeout=5)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/api/docs" in output
    # The access log names each request by its path alone.
    assert '"GET /api/data/images/1/signed HTTP/1.1" 401' in output and secret not in output
    assert (tmp_path / "fresh" / "acusight.db").exists()
