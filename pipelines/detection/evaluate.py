"""COCO detection metrics (faster-coco-eval) and the detection branch of the evaluate stage.

Metrics are COCO's own, computed by faster-coco-eval (a fast, pycocotools-compatible
implementation) rather than by hand: mAP@0.5:0.95, mAP@0.5, mAP@0.75 and per-class AP. Boxes are
scored in pixels of the stored frame, so COCO's small/medium/large areas keep their meaning.
"""

from __future__ import annotations

import csv
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from pipelines.common import write_json
from pipelines.dataset import load_detection_split
from pipelines.detection.boxes import Detections, predict
from pipelines.detection.data import clean_boxes
from pipelines.detection.model import CHECKPOINT_FILE, load_detector

EVAL_FILE = "eval.json"
PR_FILE = "pr_curve.csv"  # also named in pipelines/evaluate.py and dvc.yaml
PER_CLASS_FILE = "per_class_ap.csv"
# COCO's 101 recall points; row 0 of the IoU axis is IoU 0.5.
RECALLS = np.linspace(0.0, 1.0, 101)


def coco_evaluate(
    gt_boxes: list[np.ndarray],
    gt_labels: list[np.ndarray],
    detections: list[Detections],
    labels: list[str],
    image_size: int,
) -> dict[str, Any]:
    """COCO bbox metrics of per-image detections against ground truth (boxes as frame fractions).

    Returns map, map50, map75, per_class {name: {ap, ap50, support}} (AP None for a class with no
    ground truth, which COCO leaves out of the means) and pr_curve: precision at COCO's 101 recall
    points, IoU 0.5, averaged over the classes that have ground truth.
    """
    from faster_coco_eval import COCO, COCOeval_faster

    if len(gt_boxes) != len(detections):
        raise ValueError(f"{len(gt_boxes)} ground-truth images but {len(detections)} detection lists")
    scale = np.float32(image_size)

    def xywh(b: np.ndarray) -> list[list[float]]:
        b = np.asarray(b, np.float32).reshape(-1, 4) * scale
        return np.concatenate([b[:, :2], b[:, 2:] - b[:, :2]], 1).tolist()

    images = [{"id": i + 1, "width": image_size, "height": image_size} for i in range(len(gt_boxes))]
    annotations = []
    for i, (b, k) in enumerate(zip(gt_boxes, gt_labels, strict=True)):
        for box, label in zip(xywh(b), k, strict=True):
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "image_id": i + 1,
                    "category_id": int(label) + 1,
                    "bbox": box,
                    "area": box[2] * box[3],
                    "iscrowd": 0,
                }
            )
    if not annotations:
        raise ValueError("no ground-truth boxes to evaluate against")
    categories = [{"id": i + 1, "name": name} for i, name in enumerate(labels)]
    results = []
    for i, (b, s, k) in enumerate(detections):
        for box, score, label in zip(xywh(b), s, k, strict=True):
            results.append(
                {"image_id": i + 1, "category_id": int(label) + 1, "bbox": box, "score": float(score)}
            )

    quiet = logging.getLogger("faster_coco_eval")
    quiet.setLevel(logging.WARNING)
    gt = COCO()
    gt.dataset = {"images": images, "annotations": annotations, "categories": categories}
    gt.createIndex()
    dt = gt.loadRes(results) if results else gt.loadRes([])
    coco = COCOeval_faster(gt, dt, iouType="bbox", print_function=quiet.debug)
    coco.evaluate()
    coco.accumulate()
    coco.summarize()
    # precision: [IoU thresholds, recalls, classes, area ranges, max detections]; -1 = no ground truth.
    precision = np.asarray(coco.eval["precision"])[:, :, :, 0, -1]
    support = np.bincount(np.concatenate([np.asarray(k, np.int64) for k in gt_labels]), minlength=len(labels))
    present = support > 0

    def mean_ap(p: np.ndarray) -> float:
        p = p[p > -1]
        return float(p.mean()) if p.size else 0.0

    per_class = {
        name: {
            "ap": mean_ap(precision[:, :, k]) if present[k] else None,
            "ap50": mean_ap(precision[0, :, k]) if present[k] else None,
            "support": int(support[k]),
        }
        for k, name in enumerate(labels)
    }
    curve = precision[0][:, present].clip(min=0).mean(1)
    return {
        "map": mean_ap(precision),
        "map50": mean_ap(precision[0]),
        "map75": mean_ap(precision[5]),
        "per_class": per_class,
        "pr_curve": {"recall": RECALLS.tolist(), "precision": curve.tolist()},
    }


def evaluate_detector(
    *,
    data_dir: str | os.PathLike[str],
    model_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    device: Any,
    batch_size: int,
    score_threshold: float,
    iou_threshold: float,
    max_detections: int,
) -> dict[str, Any]:
    """Score model_dir/model.pt on the test split (val if test is empty).

    Writes eval.json (DVC metrics: map, map50, map75, per_class), pr_curve.csv (recall, precision
    at IoU 0.5) and per_class_ap.csv (class, ap50, ap) for DVC plots. Returns the metrics.
    """
    model, ckpt = load_detector(Path(model_dir) / CHECKPOINT_FILE, device)
    labels: list[str] = ckpt["labels"]
    split = "test"
    images, boxes, classes = load_detection_split(data_dir, split)
    if len(images) == 0:
        split = "val"
        images, boxes, classes = load_detection_split(data_dir, split)
    if len(images) == 0:
        raise ValueError(f"{data_dir}: both test and val splits are empty; nothing to evaluate")
    cleaned = [clean_boxes(b, k) for b, k in zip(boxes, classes, strict=True)]
    if not any(len(b) for b, _ in cleaned):
        raise ValueError(f"{data_dir}: the {split} split has no boxes; detection cannot be evaluated")
    detections = predict(
        model,
        images,
        score_threshold=score_threshold,
        iou_threshold=iou_threshold,
        max_detections=max_detections,
        device=device,
        batch_size=batch_size,
    )
    scores = coco_evaluate(
        [b for b, _ in cleaned], [k for _, k in cleaned], detections, labels, int(ckpt["image_size"])
    )
    curve = scores.pop("pr_curve")
    metrics = {
        "split": split,
        "num_images": len(images),
        "num_objects": sum(len(b) for b, _ in cleaned),
        "num_detections": sum(len(d[0]) for d in detections),
        **scores,
    }
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / EVAL_FILE, metrics)
    with open(out / PR_FILE, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["recall", "precision"])
        writer.writerows(zip(curve["recall"], curve["precision"], strict=True))
    with open(out / PER_CLASS_FILE, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["class", "ap50", "ap"])
        for name, row in metrics["per_class"].items():
            if row["ap"] is not None:
                writer.writerow([name, row["ap50"], row["ap"]])
    return metrics


def read_pr_curve(eval_dir: str | Path) -> dict[str, list[float]]:
    """The precision-recall curve :func:`evaluate_detector` wrote into ``eval_dir`` (IoU 0.5, COCO's 101
    recall points), as ``coco_evaluate`` returns it: ``{"recall": [...], "precision": [...]}``."""
    with open(Path(eval_dir) / PR_FILE, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {
        "recall": [float(row["recall"]) for row in rows],
        "precision": [float(row["precision"]) for row in rows],
    }
