"""`acusight up`: the embedded platform starts as one group and Ctrl-C stops all of it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import requests

from tests.flows.conftest import free_port, wait_until


def test_up_starts_everything_and_ctrl_c_stops_it(tmp_path: Path) -> None:
    port, prefect_port = free_port(), free_port()
    env = {**os.environ, "ACUSIGHT_DATA_DIR": str(tmp_path / "var")}
    for name in ("ACUSIGHT_DATABASE_URL", "PREFECT_API_URL", "ACUSIGHT_SERVICE_KEY"):
        env.pop(name, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "webapp.cli", "up", "--port", str(port), "--prefect-port", str(prefect_port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    api = f"http://127.0.0.1:{port}/api"
    prefect = f"http://127.0.0.1:{prefect_port}/api"
    try:

        def deployments() -> list[str]:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                found = requests.post(f"{prefect}/deployments/filter", json={}, timeout=2).json()
            except requests.RequestException:
                return []
            return sorted(d["name"] for d in found)

        wait_until(lambda: len(deployments()) >= 2, 180, "the worker to register its deployments", interval=1)
        assert requests.get(f"{api}/openapi.json", timeout=5).status_code == 200
        assert requests.get(f"http://127.0.0.1:{prefect_port}/api/health", timeout=5).ok
        children = psutil.Process(proc.pid).children(recursive=True)
        assert children
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=90)
    assert proc.returncode == 0, output
    assert f"{api}/docs" in output and f"http://127.0.0.1:{prefect_port}" in output
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert (tmp_path / "var" / "service_key").stat().st_mode & 0o777 == 0o600
