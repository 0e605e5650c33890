"""COCO metrics of the detection evaluation (faster-coco-eval) on hand-made predictions."""

from __future__ import annotations

import numpy as np
import pytest

from pipelines.detection.evaluate import coco_evaluate

LABELS = ["a", "b", "c"]
GT_BOXES = [
    np.array([[0.1, 0.1, 0.4, 0.4], [0.5, 0.5, 0.9, 0.8]], np.float32),
    np.array([[0.2, 0.3, 0.6, 0.7]], np.float32),
    np.zeros((0, 4), np.float32),  # a frame with nothing in it
]
GT_LABELS = [np.array([0, 1]), np.array([0]), np.array([], np.int64)]


def _detections(shift: float) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    return [
        (b + shift, np.full(len(b), 0.9, np.float32), k) for b, k in zip(GT_BOXES, GT_LABELS, strict=True)
    ]


def test_perfect_predictions_score_one() -> None:
    result = coco_evaluate(GT_BOXES, GT_LABELS, _detections(0.0), LABELS, 64)
    assert result["map"] == pytest.approx(1.0) and result["map50"] == pytest.approx(1.0)
    assert result["per_class"]["a"] == {"ap": pytest.approx(1.0), "ap50": pytest.approx(1.0), "support": 2}
    assert result["per_class"]["c"] == {"ap": None, "ap50": None, "support": 0}  # no ground truth
    assert min(result["pr_curve"]["precision"]) == pytest.approx(1.0)
    assert len(result["pr_curve"]["recall"]) == 101


def test_shifted_predictions_score_lower() -> None:
    small = coco_evaluate(GT_BOXES, GT_LABELS, _detections(0.03), LABELS, 64)
    large = coco_evaluate(GT_BOXES, GT_LABELS, _detections(0.2), LABELS, 64)
    assert small["map50"] == pytest.approx(1.0)  # still IoU > 0.5
    assert 0 < small["map"] < 1
    assert large["map50"] < 0.5 and large["map"] < small["map"]


def test_wrong_class_extra_boxes_and_nothing() -> None:
    wrong = [(b, s, (k + 1) % 3) for b, s, k in _detections(0.0)]
    assert coco_evaluate(GT_BOXES, GT_LABELS, wrong, LABELS, 64)["map"] == pytest.approx(0.0)
    nothing = [(np.zeros((0, 4)), np.zeros(0), np.zeros(0, np.int64))] * 3
    assert coco_evaluate(GT_BOXES, GT_LABELS, nothing, LABELS, 64)["map50"] == 0.0
    # A low-scored false positive ranks below every true one: AP stays 1.
    extra = _detections(0.0)
    extra[2] = (np.array([[0.1, 0.1, 0.3, 0.3]], np.float32), np.array([0.1], np.float32), np.array([0]))
    assert coco_evaluate(GT_BOXES, GT_LABELS, extra, LABELS, 64)["map50"] == pytest.approx(1.0)


def test_no_ground_truth_is_an_error() -> None:
    empty = [np.zeros((0, 4), np.float32)] * 2
    with pytest.raises(ValueError, match="no ground-truth boxes"):
        coco_evaluate(
            empty,
            [np.array([], np.int64)] * 2,
            [(np.zeros((0, 4)), np.zeros(0), np.zeros(0))] * 2,
            LABELS,
            64,
        )
