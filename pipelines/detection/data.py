"""Detection splits of a packed dataset version as arrays, and their padded on-device form."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import torch

from pipelines import dataset


def _load_from_manifest(
    dataset_dir: str | os.PathLike[str], split: str
) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Boxes from manifest.jsonl ({label, x, y, width, height} fractions): row i is the split's image i."""
    images, _ = dataset.load_split(dataset_dir, split)
    names = {name: i for i, name in enumerate(dataset.read_meta(dataset_dir)["labels"])}
    boxes: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    with open(Path(dataset_dir) / dataset.MANIFEST_FILE, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["split"] != split:
                continue
            items = row["boxes"]
            xywh = np.array([[b["x"], b["y"], b["width"], b["height"]] for b in items], np.float32)
            xywh = xywh.reshape(-1, 4)
            boxes.append(np.concatenate([xywh[:, :2], xywh[:, :2] + xywh[:, 2:]], 1))
            labels.append(np.array([names[b["label"]] for b in items], np.int64))
    if len(boxes) != len(images):
        raise ValueError(f"{dataset_dir}/{split}: {len(images)} images but {len(boxes)} manifest rows")
    return images, boxes, labels


def load_detection_split(
    dataset_dir: str | os.PathLike[str], split: str
) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """(images uint8 [N, S, S, 3], boxes float32 [n, 4] x1, y1, x2, y2 fractions, labels int64 [n]) per image.

    pipelines.dataset's loader when it has one (it owns the format), else the manifest read here.
    """
    loader = getattr(dataset, "load_detection_split", None)
    if loader is not None:
        return loader(dataset_dir, split)
    return _load_from_manifest(dataset_dir, split)


def clean_boxes(boxes: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Clip to the frame and drop boxes left with no area: they can be neither learnt nor matched."""
    clipped = np.clip(np.asarray(boxes, np.float32).reshape(-1, 4), 0.0, 1.0)
    keep = (clipped[:, 2] > clipped[:, 0]) & (clipped[:, 3] > clipped[:, 1])
    return clipped[keep], np.asarray(labels, np.int64)[keep]


def pad_targets(
    boxes: list[np.ndarray], labels: list[np.ndarray], device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-image boxes/labels -> padded [N, M, 4] fractions and [N, M] labels (-1 = padding), on `device`.

    One fixed M (the most boxes any image has) keeps every batch the same shape: no recompiles or
    re-tuning, and a batch is an index slice like the images.
    """
    m = max((len(b) for b in boxes), default=0)
    out_boxes = np.zeros((len(boxes), m, 4), np.float32)
    out_labels = np.full((len(boxes), m), -1, np.int64)
    for i, (b, k) in enumerate(zip(boxes, labels, strict=True)):
        out_boxes[i, : len(b)] = b
        out_labels[i, : len(k)] = k
    return torch.from_numpy(out_boxes).to(device), torch.from_numpy(out_labels).to(device)
