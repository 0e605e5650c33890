"""`acusight demo --small` end to end, as CI runs it; its summary is checked, not just its exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.flows.conftest import free_port

ACCURACY_FLOOR = 0.8


@pytest.mark.slow
def test_small_demo(tmp_path: Path) -> None:
    env = {**os.environ, "ACUSIGHT_DATA_DIR": str(tmp_path / "var")}
    for name in ("ACUSIGHT_DATABASE_URL", "PREFECT_API_URL", "ACUSIGHT_SERVICE_KEY"):
        env.pop(name, None)
    summary_path = tmp_path / "summary.json"
    argv = [
        sys.executable,
        "-m",
        "webapp.cli",
        "demo",
        "--small",
        "--summary-json",
        str(summary_path),
        "--port",
        str(free_port()),
        "--prefect-port",
        str(free_port()),
    ]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    facts = json.loads(summary_path.read_text())["facts"]
    assert facts["images uploaded"] > 600 and facts["duplicates (already stored)"] == 0
    assert facts["test accuracy"] >= ACCURACY_FLOOR
    assert facts["device accuracy on unseen"] >= ACCURACY_FLOOR
    assert facts["device agrees with server"] == 1.0
    assert facts["export parity"]["argmax_agreement"] == 1.0
    assert set(facts["flow runs"]) == {"COMPLETED"} and facts["flow runs"]["COMPLETED"] >= 3
    assert "Acusight demo" in done.stdout and "Prefect UI" in done.stdout

    # A second run on the same data dir works: the images are recognised as already stored.
    argv[argv.index("--small")] = "--images=200"
    argv += ["--epochs", "2", "--devices", "1"]
    again = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=1200)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    facts = json.loads(summary_path.read_text())["facts"]
    assert facts["duplicates (already stored)"] == facts["images uploaded"] > 0
    assert facts["dataset version"].startswith("v2 ")
