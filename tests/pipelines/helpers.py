"""Data builders for the pipelines tests: a tiny synthetic problem and sklearn's digits."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator

import numpy as np
from PIL import Image

from pipelines.dataset import Record, assign_split
from pipelines.frames import decode_resize

SPLIT_FRACTIONS = {"train": 0.8, "val": 0.1, "test": 0.1}
TINY_SIZE = 16
TINY_LABELS = ["dark", "striped", "bright"]
# Small enough to train in about a second on two busy cores.
TINY_TRAIN_PARAMS = {"epochs": 1, "batch_size": 32, "width": 8, "depth": 1, "stages": 2, "threads": 1}


def png_bytes(array: np.ndarray) -> bytes:
    """Encode an RGB uint8 array as PNG."""
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="PNG")
    return buf.getvalue()


def tiny_image(label: int, rng: np.random.Generator, size: int = TINY_SIZE) -> np.ndarray:
    """A noisy image whose class is plain to see: dark, horizontal stripes, or bright."""
    base = rng.integers(0, 60, (size, size, 3))
    if label == 1:
        base[::4] += 150
    elif label == 2:
        base += 170
    return base.clip(0, 255).astype(np.uint8)


def tiny_records(n: int = 96, seed: int = 0) -> list[Record]:
    """(sha256, label, split, image) records of the tiny three-class problem."""
    rng = np.random.default_rng(seed)
    records = []
    for i in range(n):
        label = i % len(TINY_LABELS)
        image = tiny_image(label, rng)
        sha = hashlib.sha256(image.tobytes()).hexdigest()
        records.append((sha, TINY_LABELS[label], assign_split(sha, 0, SPLIT_FRACTIONS), image))
    return records


def digits_records(image_size: int, seed: int = 0) -> Iterator[Record]:
    """sklearn digits rendered to RGB PNGs, then decoded as a dataset freeze would."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    for pixels, target in zip(digits.images, digits.target, strict=True):
        gray = (pixels * (255 / 16)).astype(np.uint8)  # 0..16 -> 0..255
        big = Image.fromarray(gray).resize((image_size, image_size), Image.Resampling.BILINEAR)
        data = png_bytes(np.asarray(big.convert("RGB")))
        sha = hashlib.sha256(data).hexdigest()
        yield sha, str(target), assign_split(sha, seed, SPLIT_FRACTIONS), decode_resize(data, image_size)
