"""The project's own detection scenes: scikit-learn's 8x8 digits scattered over noisy, textured frames.

Real content that ships with a package here (1797 handwritten digits), so detection can be trained,
tested and demonstrated with no download and no labelling. Each scene is deterministic from its seed:
a smooth random-colour background with grain, 1-5 digits upscaled to random sizes and colours,
pasted without overlapping, each with the tight box of its ink. The digits are split once into a
"train" and a "test" pool (80/20 by index), so held-out scenes can show only digits never seen in
training.

scikit-learn is imported only when scenes are made: the rest of pipelines/ must run without it.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

LABELS: list[str] = [str(d) for d in range(10)]
POOLS = ("all", "train", "test")
# Ink darker than this (of 16) is not part of the digit's box.
INK_THRESHOLD = 4.0 / 16.0


@dataclass(frozen=True)
class Scenes:
    """Frames uint8 [N, S, S, 3]; per frame boxes float32 [n, 4] (x1, y1, x2, y2 fractions), labels [n]."""

    images: np.ndarray
    boxes: list[np.ndarray]
    labels: list[np.ndarray]
    label_names: list[str]


@functools.cache
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits  # optional at import time: see the module docstring

    digits = load_digits()
    return (digits.images / 16.0).astype(np.float32), digits.target.astype(np.int64)


def _pool(pool: str, classes: int) -> np.ndarray:
    images, targets = _digits()
    index = np.arange(len(images))
    cut = int(0.8 * len(images))
    if pool == "train":
        index = index[:cut]
    elif pool == "test":
        index = index[cut:]
    elif pool != "all":
        raise ValueError(f"pool must be one of {POOLS}, got {pool!r}")
    return index[targets[index] < classes]


def _background(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """Smooth colour blotches (a coarse random grid, bilinearly upsampled) plus grain: float [H, W, 3]."""
    cells = int(rng.integers(2, 6))
    coarse = torch.from_numpy(rng.uniform(0.0, 0.45, (1, 3, cells, cells)).astype(np.float32))
    smooth = F.interpolate(coarse, size=(height, width), mode="bilinear", align_corners=False)[0]
    grain = rng.normal(0.0, rng.uniform(0.02, 0.08), (height, width, 1)).astype(np.float32)
    return smooth.permute(1, 2, 0).numpy() + grain


def _glyph(pixels: np.ndarray, side: int) -> np.ndarray:
    """An 8x8 digit (0-1) bilinearly scaled to [side, side]."""
    x = torch.from_numpy(pixels)[None, None]
    return F.interpolate(x, size=(side, side), mode="bilinear", align_corners=False)[0, 0].numpy()


def make_scenes(
    count: int,
    *,
    image_size: int = 64,
    seed: int = 0,
    classes: int = 10,
    min_objects: int = 1,
    max_objects: int = 5,
    min_side: int | None = None,
    max_side: int | None = None,
    pool: str = "all",
    height: int | None = None,
) -> Scenes:
    """`count` scenes of `image_size` px with `min_objects`-`max_objects` digits of the first `classes` kinds.

    `height` other than `image_size` makes frames image_size wide and `height` high, as a camera's
    are (boxes stay fractions of each side). Digits are drawn `min_side`-`max_side` px square
    (default: 1/5 to 2/5 of the frame's shorter side); a digit that finds no free place after a
    few tries is left out, so a crowded frame may hold fewer.
    """
    width = image_size
    height = image_size if height is None else height
    short = min(width, height)
    if not 1 <= classes <= 10:
        raise ValueError(f"classes must be in [1, 10], got {classes}")
    if not 0 <= min_objects <= max_objects:
        raise ValueError(f"need 0 <= min_objects <= max_objects, got {min_objects}, {max_objects}")
    lo = min_side if min_side is not None else max(8, short // 5)
    hi = max_side if max_side is not None else max(lo, 2 * short // 5)
    if not 1 <= lo <= hi <= short:
        raise ValueError(f"need 1 <= min_side <= max_side <= the shorter side, got {lo}, {hi}, {short}")
    glyphs, targets = _digits()
    candidates = _pool(pool, classes)
    rng = np.random.default_rng(seed)
    images = np.empty((count, height, width, 3), np.uint8)
    all_boxes: list[np.ndarray] = []
    all_labels: list[np.ndarray] = []
    for i in range(count):
        frame = _background(rng, width, height)
        taken = np.zeros((height, width), bool)
        boxes, labels = [], []
        for _ in range(int(rng.integers(min_objects, max_objects + 1))):
            digit = int(rng.choice(candidates))
            side = int(rng.integers(lo, hi + 1))
            alpha = _glyph(glyphs[digit], side).clip(0, 1)
            ink = np.argwhere(alpha > INK_THRESHOLD)
            if len(ink) == 0:
                continue
            (r0, c0), (r1, c1) = ink.min(0), ink.max(0) + 1
            for _try in range(10):
                y = int(rng.integers(0, height - side + 1))
                x = int(rng.integers(0, width - side + 1))
                if not taken[y + r0 : y + r1, x + c0 : x + c1].any():
                    break
            else:
                continue
            # Ink contrasts with the background: bright colours on a dark-ish frame.
            colour = rng.uniform(0.55, 1.0, 3).astype(np.float32)
            region = frame[y : y + side, x : x + side]
            region[:] = region * (1 - alpha[..., None]) + colour * alpha[..., None]
            taken[y + r0 : y + r1, x + c0 : x + c1] = True
            boxes.append([(x + c0) / width, (y + r0) / height, (x + c1) / width, (y + r1) / height])
            labels.append(int(targets[digit]))
        images[i] = (frame.clip(0, 1) * 255 + 0.5).astype(np.uint8)
        all_boxes.append(np.array(boxes, np.float32).reshape(-1, 4))
        all_labels.append(np.array(labels, np.int64))
    return Scenes(images, all_boxes, all_labels, LABELS[:classes])


def manifest_boxes(boxes: np.ndarray, labels: np.ndarray, names: Sequence[str]) -> list[dict[str, object]]:
    """One frame's boxes in the dataset manifest's format: {label, x, y, width, height} fractions."""
    return [
        {
            "label": names[int(k)],
            "x": float(b[0]),
            "y": float(b[1]),
            "width": float(b[2] - b[0]),
            "height": float(b[3] - b[1]),
        }
        for b, k in zip(boxes, labels, strict=True)
    ]


def scene_records(scenes: Scenes, split: str | Sequence[str]) -> list[tuple[str, object, str, np.ndarray]]:
    """(sha256, boxes, split, image) records for `pipelines.dataset.write_dataset(task_type="detection")`.

    `split` is one split for all frames or one per frame. The sha256 is of the frame's pixels.
    """
    splits = [split] * len(scenes.images) if isinstance(split, str) else list(split)
    if len(splits) != len(scenes.images):
        raise ValueError(f"{len(splits)} splits for {len(scenes.images)} frames")
    return [
        (
            hashlib.sha256(image.tobytes()).hexdigest(),
            manifest_boxes(boxes, labels, scenes.label_names),
            s,
            image,
        )
        for image, boxes, labels, s in zip(scenes.images, scenes.boxes, scenes.labels, splits, strict=True)
    ]
