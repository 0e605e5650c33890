"""Evaluate stage: metrics agree with scikit-learn, DVC confusion data written."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, precision_score, recall_score

from pipelines.dataset import load_split
from pipelines.evaluate import evaluate
from tests.pipelines.helpers import TINY_LABELS


def test_evaluate_outputs(tiny_dataset: Path, tiny_model: Path, tmp_path: Path) -> None:
    result = evaluate({"evaluate": {"device": "cpu"}}, tiny_dataset, tiny_model, tmp_path)
    _, actual = load_split(tiny_dataset, "test")
    assert result["split"] == "test" and result["num_images"] == len(actual)

    with open(tmp_path / "confusion.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(actual)
    assert [r["actual"] for r in rows] == [TINY_LABELS[i] for i in actual]
    predicted = np.array([TINY_LABELS.index(r["predicted"]) for r in rows])

    labels = list(range(len(TINY_LABELS)))
    assert result["confusion_matrix"]["matrix"] == confusion_matrix(actual, predicted, labels=labels).tolist()
    assert result["accuracy"] == pytest.approx(float((actual == predicted).mean()))
    precision = precision_score(actual, predicted, labels=labels, average=None, zero_division=0)
    recall = recall_score(actual, predicted, labels=labels, average=None, zero_division=0)
    for i, name in enumerate(TINY_LABELS):
        assert result["per_class"][name]["precision"] == pytest.approx(precision[i])
        assert result["per_class"][name]["recall"] == pytest.approx(recall[i])

    on_disk = json.loads((tmp_path / "eval.json").read_text())
    assert on_disk["accuracy"] == result["accuracy"]
    assert "confusion_matrix" not in on_disk  # a plot, not a scalar metric
    assert json.loads((tmp_path / "confusion_matrix.json").read_text()) == result["confusion_matrix"]
