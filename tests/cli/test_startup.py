"""The command line loads what its command needs: no torch or onnxruntime for the server, the worker
or the daily commands (a gunicorn master forked with torch's thread pools in it hung at exit)."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_command_line_loads_no_ml_runtime() -> None:
    code = (
        "import sys, acusight.cli; "
        "print(sorted(m for m in ('torch', 'onnxruntime', 'sklearn', 'prefect') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
