"""The tutorial (docs/tutorial/) runs as written, in order, on a fresh platform.

What runs: `acusight up` on a fresh data dir (the tutorial's `var/tutorial`), on free ports, in a
scratch folder that links the project's `.venv` (so `source .venv/bin/activate` works there as in a
clone); then every ```bash block of the tutorial's pages, in the nav's order, as one bash script with
`set -euo pipefail`, so the variables one block sets reach the next as in a reader's terminal. That is
the whole loop: organization and admin, project, provisioning token, device, check-in, uploads,
labels, label export, a dataset version (its flow on the worker) and its DVC checkout, a training job
(3 epochs, on the CPU), an ONNX export with its parity check, the deployment to the project, the
device's download and its predictions, and disabling the device.

What does not run: the blocks marked `<!-- not run by the tutorial test: … -->` in the pages —
`scripts/setup.sh` (the test runs inside the environment already) and starting `acusight up` (the test
starts that same command itself, with --port/--prefect-port: a fixed 8080 could be taken). Training runs
on the CPU whatever the machine has (`device: auto` picks a GPU only where the worker sees one).

The commands are changed in two ways only (tests/docs/tutorial.py): the port 8080 becomes the test's,
and curl fails on an HTTP error unless the command prints the status code itself.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from acusight.stack import free_port
from tests.docs.tutorial import ROOT, bash_blocks, tutorial_pages, tutorial_script
from tests.helpers import wait_until


def test_every_tutorial_page_has_commands_and_skips_say_why() -> None:
    pages = tutorial_pages()
    assert pages[0] == "tutorial/index.md" and len(pages) >= 7, pages
    skipped = []
    for page in pages[1:]:
        blocks = bash_blocks(page)
        assert any(b.skip_reason is None for b in blocks), f"{page} runs no command"
        skipped += [b for b in blocks if b.skip_reason is not None]
    # The few blocks left out are the environment's setup and starting the platform (the test does both).
    assert len(skipped) == 1, [(b.page, b.line) for b in skipped]
    assert "acusight up" in skipped[0].code and "scripts/setup.sh" in skipped[0].code


def _fresh_env(data_dir: Path) -> dict[str, str]:
    """This process's environment less anything that would point the platform elsewhere."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACUSIGHT_", "PREFECT_"))}
    env.pop("VIRTUAL_ENV", None)
    env["ACUSIGHT_DATA_DIR"] = str(data_dir)
    return env


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """`acusight up` as the tutorial starts it, in a scratch folder; yields (folder, API port)."""
    venv = ROOT / ".venv"
    assert (venv / "bin" / "activate").exists(), (
        "the tutorial test needs the project's .venv (scripts/setup.sh)"
    )
    work = tmp_path / "clone"
    work.mkdir()
    (work / ".venv").symlink_to(venv)
    data_dir = work / "var" / "tutorial"
    port, prefect_port = free_port(), free_port()
    out_path = tmp_path / "up.log"
    with out_path.open("wb") as out:
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
            cwd=work,
            env=_fresh_env(data_dir),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:

        def ready() -> bool:
            assert proc.poll() is None, out_path.read_text()[-3000:]
            return "Ctrl-C stops everything" in out_path.read_text()

        wait_until(ready, 240, "acusight up to be ready")
        yield work, port
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_the_tutorial_runs_as_written(platform: tuple[Path, int], tmp_path: Path) -> None:
    assert shutil.which("jq") and shutil.which("curl"), "the tutorial needs curl and jq"
    work, port = platform
    script = (
        tutorial_script(port)
        + 'printf "STATE %s %s %s %s %s\\n" "$TOKEN" "$PROJECT" "$EXPORT" "$DEVICE" "$KEY"\n'
    )
    (tmp_path / "tutorial.sh").write_text(script)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACUSIGHT_", "PREFECT_"))}
    env.pop("VIRTUAL_ENV", None)
    result = subprocess.run(
        ["bash", str(tmp_path / "tutorial.sh")],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"the tutorial stopped (last step shown by '>>>'):\n{output[-6000:]}"

    # What the reader should have seen, checked against the platform itself.
    token, project, export, device, key = output.split("STATE ", 1)[1].split()[:5]
    api = f"http://127.0.0.1:{port}/api"
    auth = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{api}/data/projects/{project}", headers=auth, timeout=10).json()["data"][
        "deployed_export_id"
    ] == int(export)
    job = requests.get(f"{api}/ml/export-jobs/{export}", headers=auth, timeout=10).json()["data"]
    assert job["status"] == "succeeded" and job["parity"]["argmax_agreement"] == 1
    assert (
        requests.get(f"{api}/devices/{device}", headers=auth, timeout=10).json()["data"]["disabled"] is True
    )
    assert requests.get(f"{api}/device/self", headers={"X-Device-Key": key}, timeout=10).status_code == 401
    # The device classified frames it took, with the model it downloaded.
    predictions = re.findall(r"^(red|green)-\d+\.png: (\w+)$", output, flags=re.MULTILINE)
    assert predictions and all(frame == label for frame, label in predictions), predictions
    assert "304" in output  # the second download of an unchanged model
