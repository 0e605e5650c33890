"""`acusight up`: the embedded platform starts as one group and Ctrl-C stops all of it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import requests

from acusight.stack import free_port
from tests.helpers import wait_until
from webapp.orchestration import DEPLOYMENTS


def test_up_starts_everything_and_sigterm_stops_it(tmp_path: Path) -> None:
    port, prefect_port = free_port(), free_port()
    env = {**os.environ, "ACUSIGHT_DATA_DIR": str(tmp_path / "var")}
    for name in ("ACUSIGHT_DATABASE_URL", "PREFECT_API_URL", "ACUSIGHT_SERVICE_KEY"):
        env.pop(name, None)
    out = open(tmp_path / "out.txt", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "acusight.cli",
            "up",
            "--port",
            str(port),
            "--prefect-port",
            str(prefect_port),
        ],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    api = f"http://127.0.0.1:{port}/api"
    prefect = f"http://127.0.0.1:{prefect_port}/api"
    try:

        def auth() -> tuple[str, str] | None:
            path = tmp_path / "var" / "prefect_auth"
            user, _, password = path.read_text().strip().partition(":") if path.exists() else ("", "", "")
            return (user, password) if user else None

        def deployments() -> list[str]:
            assert proc.poll() is None, (tmp_path / "out.txt").read_text()
            try:
                found = requests.post(f"{prefect}/deployments/filter", json={}, auth=auth(), timeout=2).json()
            except requests.RequestException:
                return []
            return sorted(d["name"] for d in found) if isinstance(found, list) else []

        # `up` prints its URLs only once every deployment the API may start is registered.
        wait_until(
            lambda: "Ctrl-C stops everything" in (tmp_path / "out.txt").read_text(), 180, "up to be ready"
        )
        assert len(deployments()) == len(DEPLOYMENTS)
        assert requests.get(f"{api}/openapi.json", timeout=5).status_code == 200
        assert requests.get(f"http://127.0.0.1:{prefect_port}/api/health", timeout=5).ok
        # Prefect's API can run code on the worker (a deployment's pull steps): nothing reaches it
        # without the auth string, and a web page of another origin may not call it from a browser.
        for method in ("GET", "PATCH", "POST"):
            anonymous = requests.request(method, f"{prefect}/deployments/filter", json={}, timeout=5)
            assert anonymous.status_code == 401, (method, anonymous.status_code)
        wrong = requests.post(f"{prefect}/deployments/filter", json={}, auth=("acusight", "guess"), timeout=5)
        assert wrong.status_code == 401
        preflight = requests.options(
            f"{prefect}/deployments/filter",
            headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "PATCH"},
            timeout=5,
        )
        assert preflight.headers.get("Access-Control-Allow-Origin") not in ("*", "http://evil.example")
        assert (tmp_path / "var" / "prefect_auth").stat().st_mode & 0o777 == 0o600
        children = psutil.Process(proc.pid).children(recursive=True)
        assert children
    finally:
        # SIGTERM, as a service manager stops it: handled as Ctrl-C is, children included.
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=90)
        out.close()
    output = (tmp_path / "out.txt").read_text()
    assert proc.returncode == 0, output
    assert f"{api}/docs" in output and f"http://127.0.0.1:{prefect_port}" in output
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert (tmp_path / "var" / "service_key").stat().st_mode & 0o777 == 0o600
