"""The params.yaml recipe learns scikit-learn's digits to >= 97% test accuracy on CPU."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipelines.common import load_params
from pipelines.dataset import write_dataset
from pipelines.evaluate import evaluate
from pipelines.train import train
from tests.pipelines.helpers import digits_records

REPO = Path(__file__).resolve().parents[2]
IMAGE_SIZE = 32


@pytest.mark.slow
def test_digits_reach_97_percent(tmp_path: Path) -> None:
    data = tmp_path / "digits"
    write_dataset(
        data,
        task_type="classification",
        labels=[str(d) for d in range(10)],
        image_size=IMAGE_SIZE,
        records=digits_records(IMAGE_SIZE),
    )
    params = load_params(REPO / "params.yaml")
    # One thread: on a busy shared CI machine two OpenMP threads ran this 3-10x slower (barrier
    # stalls); on an idle 2-core machine two threads are ~1.5x faster. Numerics are unchanged.
    params["train"]["threads"] = 1
    start = time.perf_counter()
    metrics = train(params, data, tmp_path / "model", device="cpu")
    seconds = time.perf_counter() - start
    result = evaluate({**params, "evaluate": {"device": "cpu"}}, data, tmp_path / "model", tmp_path)
    # Printed for the record (pytest -s); the assertion is on accuracy only.
    print(
        f"digits: test accuracy {result['accuracy']:.4f}, val {metrics['val_accuracy']:.4f}, "
        f"{seconds:.1f} s, {metrics['images_per_second']:.0f} img/s"
    )
    assert result["split"] == "test" and result["num_images"] > 100
    assert result["accuracy"] >= 0.97
