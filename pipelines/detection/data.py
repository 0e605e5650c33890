"""Ground-truth boxes for training and scoring: cleaned, and padded into one on-device tensor."""

from __future__ import annotations

import numpy as np
import torch


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
