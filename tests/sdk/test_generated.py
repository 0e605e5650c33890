"""sdk/openapi.json and acusight_sdk/_generated are what sdk/generate.py makes of the server's document
today, and the generated code stays Python 3.9 code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "sdk" / "python" / "acusight_sdk" / "_generated"


@pytest.mark.slow  # about 5 s: the app builds its document, openapi-python-client and ruff run
def test_generated_sdk_is_up_to_date() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "sdk" / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"{done.stderr}\n{done.stdout}"


def test_committed_generated_code_is_python39() -> None:
    sys.path.insert(0, str(ROOT / "sdk"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "sdk"))
    assert generate.py39_problems(GENERATED) == []
