"""Fixtures for the pipelines tests: a tiny packed dataset and a model trained on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipelines.dataset import write_dataset
from pipelines.train import train
from tests.pipelines.helpers import TINY_LABELS, TINY_SIZE, TINY_TRAIN_PARAMS, tiny_records


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny") / "dataset"
    write_dataset(
        out,
        task_type="classification",
        labels=TINY_LABELS,
        image_size=TINY_SIZE,
        records=tiny_records(),
    )
    return out


@pytest.fixture(scope="session")
def tiny_model(tiny_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory holding model.pt trained for a few epochs on the tiny dataset."""
    out = tmp_path_factory.mktemp("tiny_model")
    train({**TINY_TRAIN_PARAMS, "epochs": 4}, tiny_dataset, out, device="cpu")
    return out


@pytest.fixture(scope="session")
def tiny_onnx(
    tiny_dataset: Path, tiny_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Any]]:
    """(path, report) of the fp32 ONNX export of tiny_model."""
    from pipelines.export import export_onnx

    out = tmp_path_factory.mktemp("tiny_onnx") / "model.onnx"
    report = export_onnx(tiny_model / "model.pt", tiny_dataset, out, latency_runs=3)
    return out, report
