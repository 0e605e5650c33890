"""The TypeScript SDK (sdk/typescript) against a real `acusight serve`: `npm run build` (tsc), then
its node tests — the hand-written layer on a fake fetch, and the smoke test (test/smoke.test.mjs) on this
server: list devices, provision one with a provisioning token, upload as it, page, and a 404's error.
The generated Go client (sdk/go) runs its own smoke test (smoke_test.go) on the same server.

Needs Node.js 20+ and sdk/typescript/node_modules, and Go 1.19+ (no module is downloaded), which
`scripts/setup.sh --tests` installs: skipped without them, failed under CI."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from acusight.cli import main as cli
from acusight.stack import free_port, serve_child, wait_http

# Starts its own server on SQLite: the PostgreSQL pass of scripts/test.sh skips it.
pytestmark = [pytest.mark.slow, pytest.mark.database_independent]

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "sdk" / "typescript"
# Settings of the suite's environment that would point the server or the commands elsewhere.
FOREIGN = ("ACUSIGHT_DATABASE_URL", "ACUSIGHT_BLOB_BACKEND", "ACUSIGHT_WEB_WORKERS", "ACUSIGHT_SECRET_KEY")


def require(reason: str) -> None:
    """Skip for want of a tool, or fail under CI, where setup.sh --tests has installed it."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def require_node() -> None:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if not missing and not (PACKAGE / "node_modules" / ".bin" / "tsc").exists():
        missing = ["sdk/typescript/node_modules"]
    if missing:
        require(f"{' and '.join(missing)} not found: install Node.js 20+ and run scripts/setup.sh --tests")


def acusight(data_dir: Path, *args: str) -> str:
    """An `acusight` command on the server's data dir; its output's last line."""
    env: dict[str, str | None] = {name: None for name in FOREIGN}
    result = CliRunner().invoke(cli, [*args, "--data-dir", str(data_dir)], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """`acusight serve` on a fresh data dir, an admin's token and a provisioning token: the smoke
    tests' environment."""
    tmp = tmp_path_factory.mktemp("sdk-ts")
    data_dir = tmp / "data"
    port = free_port()
    environ = {**os.environ, "ACUSIGHT_DATA_DIR": str(data_dir)}
    for name in FOREIGN:
        environ.pop(name, None)
    child = serve_child(port, environ, tmp / "server.log", workers=1, threads=4, cwd=tmp)
    child.start()
    try:
        url = f"http://127.0.0.1:{port}"
        wait_http(f"{url}/api/openapi.json", 90, child)
        acusight(data_dir, "orgs", "create", "Acme")
        acusight(data_dir, "users", "create", "admin@acme.test", "--org", "Acme", "--role", "admin")
        token = acusight(data_dir, "users", "token", "admin@acme.test")
        answer = requests.post(
            f"{url}/api/provisioning-tokens",
            json={"name": "sdk smoke", "expires_in_hours": 1, "max_uses": 2},  # a device per SDK
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert answer.status_code == 201, answer.text
        yield {
            "ACUSIGHT_URL": url,
            "ACUSIGHT_TOKEN": token,
            "ACUSIGHT_PROVISIONING_TOKEN": answer.json()["data"]["token"],
        }
    finally:
        child.stop(30)


def run(
    argv: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def test_the_typescript_sdk_against_a_live_server(server: dict[str, str]) -> None:
    require_node()
    run(["npm", "--prefix", "sdk/typescript", "run", "build", "--silent"])
    done = run(["node", "--test", "sdk/typescript/test/"], {**os.environ, **server})
    # Every node test ran: the smoke test skips itself only when the environment above is missing.
    assert "# fail 0" in done.stdout and "# skipped 0" in done.stdout, done.stdout
    assert "ok " in done.stdout and "a person and a device through the SDK" in done.stdout


def test_the_go_client_against_a_live_server(server: dict[str, str]) -> None:
    if shutil.which("go") is None:
        require("go not found: the Go client's smoke test needs Go 1.19+ (scripts/setup.sh --tests)")
    # Standard library only: nothing may be fetched.
    env = {**os.environ, **server, "GOFLAGS": "-mod=mod", "GOPROXY": "off"}
    done = run(["go", "test", "-count=1", "-v", "-run", "TestSmoke", "."], env, ROOT / "sdk" / "go")
    assert "--- PASS: TestSmoke" in done.stdout, done.stdout
