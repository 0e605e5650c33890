"""Evaluate stage: accuracy, per-class precision/recall, confusion matrix; COCO mAP for detectors."""

from __future__ import annotations

import argparse
import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipelines.common import from_params, load_params, params_section, resolve_device, write_json
from pipelines.dataset import load_split, read_meta
from pipelines.model import CHECKPOINT_FILE, load_checkpoint, predict_logits

EVAL_FILE = "eval.json"
CONFUSION_FILE = "confusion.csv"
# The matrix itself (rows actual, columns predicted), for the model version's metrics.test.
CONFUSION_MATRIX_FILE = "confusion_matrix.json"
# Written by the detection branch (pipelines/detection/evaluate.py); named here so the evaluate
# stage's outputs are listed in one place.
DETECTION_PR_FILE = "pr_curve.csv"
DETECTION_PER_CLASS_FILE = "per_class_ap.csv"


@dataclass(frozen=True)
class EvaluateParams:
    """The `evaluate:` section of params.yaml; defaults are the file's (tests/pipelines/test_params.py)."""

    batch_size: int = 512
    device: str = "auto"


def confusion_matrix(actual: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    """[num_classes, num_classes] counts, rows = actual, columns = predicted."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (actual, predicted), 1)
    return matrix


def evaluate(
    params: dict[str, Any],
    data_dir: str | os.PathLike[str],
    model_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
) -> dict[str, Any]:
    """Score model_dir/model.pt on the test split (val if test is empty).

    Writes eval.json (DVC metrics) and confusion.csv (one actual,predicted row per image, for
    DVC's confusion template). Returns the metrics plus the confusion matrix.
    """
    p = from_params(EvaluateParams, params_section(params, "evaluate"))
    device = resolve_device(p.device)
    out = Path(out_dir)
    if read_meta(data_dir)["task_type"] == "detection":
        from pipelines.detection.evaluate import evaluate_detector
        from pipelines.detection.train import DetectParams

        d = from_params(DetectParams, params_section(params, "detect"))
        metrics = evaluate_detector(
            data_dir=data_dir,
            model_dir=model_dir,
            out_dir=out,
            device=device,
            batch_size=p.batch_size,
            score_threshold=d.score_threshold,
            iou_threshold=d.nms_iou_threshold,
            max_detections=d.max_detections,
        )
        _write_header(out / CONFUSION_FILE, ["actual", "predicted"])
        write_json(out / CONFUSION_MATRIX_FILE, {"labels": [], "matrix": []})
        return metrics
    model, ckpt = load_checkpoint(Path(model_dir) / CHECKPOINT_FILE, device)
    labels: list[str] = ckpt["labels"]

    split = "test"
    images, actual = load_split(data_dir, split)
    if len(images) == 0:
        split = "val"
        images, actual = load_split(data_dir, split)
    if len(images) == 0:
        raise ValueError(f"{data_dir}: both test and val splits are empty; nothing to evaluate")

    logits = predict_logits(model, images, device=device, batch_size=p.batch_size).numpy()
    predicted = logits.argmax(1)
    matrix = confusion_matrix(actual, predicted, len(labels))
    true_pos = np.diag(matrix).astype(np.float64)
    predicted_counts = matrix.sum(0)
    support = matrix.sum(1)
    # A class never predicted has undefined precision; report 0 as sklearn's zero_division=0 does.
    precision = np.divide(true_pos, predicted_counts, out=np.zeros_like(true_pos), where=predicted_counts > 0)
    recall = np.divide(true_pos, support, out=np.zeros_like(true_pos), where=support > 0)
    present = support > 0

    metrics: dict[str, Any] = {
        "split": split,
        "num_images": len(images),
        "accuracy": float(true_pos.sum() / len(images)),
        "macro_precision": float(precision[present].mean()),
        "macro_recall": float(recall[present].mean()),
        "per_class": {
            name: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "support": int(support[i]),
            }
            for i, name in enumerate(labels)
        },
    }
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / EVAL_FILE, metrics)
    # Not in eval.json, whose figures are DVC metrics (scalars); the model version carries it.
    write_json(out / CONFUSION_MATRIX_FILE, {"labels": labels, "matrix": matrix.tolist()})
    with open(out / CONFUSION_FILE, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["actual", "predicted"])
        writer.writerows((labels[a], labels[b]) for a, b in zip(actual, predicted, strict=True))
    # dvc.yaml declares the detection plots too: present, and empty, for a classifier.
    _write_header(out / DETECTION_PR_FILE, ["recall", "precision"])
    _write_header(out / DETECTION_PER_CLASS_FILE, ["class", "ap50", "ap"])
    # The caller gets the matrix whatever the number of classes.
    return {**metrics, "labels": labels, "confusion_matrix": {"labels": labels, "matrix": matrix.tolist()}}


def _write_header(path: Path, header: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerow(header)


def main(argv: list[str] | None = None) -> None:
    """CLI for dvc.yaml: `python -m pipelines.evaluate --params P --data D --model M --out O`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", required=True, help="params.yaml")
    parser.add_argument("--data", required=True, help="packed dataset directory")
    parser.add_argument("--model", required=True, help="directory holding model.pt")
    parser.add_argument("--out", required=True, help="output directory")
    args = parser.parse_args(argv)
    metrics = evaluate(load_params(args.params), args.data, args.model, args.out)
    print(json.dumps({k: v for k, v in metrics.items() if k != "per_class"}, indent=2))


if __name__ == "__main__":
    main()
