"""pipelines/ must run on a bare GPU box: torch, numpy, Pillow, PyYAML, onnx, onnxruntime only."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = {"prefect", "flask", "sqlalchemy", "dvc", "sklearn", "scipy", "marshmallow"}
# Nor any of the platform's own packages: pipelines are the bottom layer (tests/test_import_layers.py).
FORBIDDEN |= {"webapp", "flows", "clients", "acusight", "acusight_settings"}


def test_pipelines_import_no_platform_packages() -> None:
    modules = [p.stem for p in (REPO / "pipelines").glob("*.py") if p.stem != "__init__"]
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module('pipelines.' + m)\n"
        "import onnxruntime.quantization, onnxruntime.transformers.float16\n"
        "print(json.dumps(sorted({k.split('.')[0] for k in sys.modules})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = set(json.loads(result.stdout.splitlines()[-1]))
    assert not loaded & FORBIDDEN
