"""Packed dataset versions: decode once, write uint8 shards, load them back memory-mapped."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps

# Canonical split order: manifest.jsonl and assign_split walk splits in this order, never in the
# (caller-dependent) order of a dict, so the same inputs always give the same bytes and splits.
SPLITS: tuple[str, ...] = ("train", "val", "test")
TASK_TYPES: tuple[str, ...] = ("classification", "detection")
META_FILE = "dataset.json"
MANIFEST_FILE = "manifest.jsonl"
IMAGES_FILE = "images.npy"
LABELS_FILE = "labels.npy"
# Detection records carry their boxes in the manifest; labels.npy then holds this placeholder.
NO_LABEL = -1

Record = tuple[str, Any, str, np.ndarray]


def decode_resize(data: bytes, size: int) -> np.ndarray:
    """Decode image bytes to an RGB uint8 array [size, size, 3], center-cropped to a square.

    Center-crop (not letterbox): the model sees full-resolution content with no padding bars whose
    colour it could learn; the cost is losing the edges of non-square images, which for camera
    frames of a fixed aspect ratio is the same band every time. EXIF orientation is applied so a
    rotated phone photo looks as the annotator saw it.
    """
    with Image.open(io.BytesIO(data)) as img:
        # JPEG only: let libjpeg decode at 1/2, 1/4 or 1/8 scale when the target is much smaller,
        # several times faster than a full decode. draft() keeps both sides >= the request.
        img.draft("RGB", (size, size))
        rgb = ImageOps.exif_transpose(img).convert("RGB")
    fitted = ImageOps.fit(rgb, (size, size), method=Image.Resampling.LANCZOS)
    return np.asarray(fitted, dtype=np.uint8)


def assign_split(sha256: str, seed: int, fractions: Mapping[str, float]) -> str:
    """Pick a split from the image hash alone, so an image keeps its split across versions.

    The uniform draw is hash(f"{seed}:{sha256}") mapped to [0, 1); fractions are normalised to sum
    to 1 and walked in the canonical order (train, val, test, then others by name).
    """
    if not fractions or any(f < 0 for f in fractions.values()):
        raise ValueError(f"fractions must be non-negative and non-empty, got {dict(fractions)}")
    total = float(sum(fractions.values()))
    if total <= 0:
        raise ValueError(f"fractions must not all be zero, got {dict(fractions)}")
    digest = hashlib.sha256(f"{seed}:{sha256}".encode()).digest()
    u = int.from_bytes(digest[:8], "big") / 2**64
    names = sorted(fractions, key=lambda s: (SPLITS.index(s) if s in SPLITS else len(SPLITS), s))
    cumulative = 0.0
    for name in names:
        cumulative += fractions[name] / total
        if u < cumulative:
            return name
    # Rounding can leave cumulative a hair below 1.0; the last non-empty split takes the rest.
    return next(n for n in reversed(names) if fractions[n] > 0)


def write_dataset(
    out_dir: str | os.PathLike[str],
    *,
    task_type: str,
    labels: list[str],
    image_size: int,
    records: Iterable[Record],
) -> dict[str, Any]:
    """Write a packed dataset version from (sha256, label_or_boxes, split, uint8 HxWx3) records.

    Streaming: each image is appended to a per-split scratch file as it arrives, so memory holds
    only the small per-record metadata; the final arrays are then written in (split, sha256)
    order. Same records in any order give byte-identical files. Classification records carry a
    label name from `labels`; detection records carry a list of boxes (kept in the manifest,
    labels.npy holds -1). A sha256 may appear only once. Returns the dataset.json content.
    """
    if task_type not in TASK_TYPES:
        raise ValueError(f"task_type must be one of {TASK_TYPES}, got {task_type!r}")
    if len(set(labels)) != len(labels):
        raise ValueError(f"labels must be unique, got {labels}")
    label_index = {name: i for i, name in enumerate(labels)}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    shape = (image_size, image_size, 3)
    frame_bytes = image_size * image_size * 3

    # Per split: list of (sha256, manifest label field, label index, offset in scratch file).
    entries: dict[str, list[tuple[str, Any, int, int]]] = {s: [] for s in SPLITS}
    seen: set[str] = set()
    with tempfile.TemporaryDirectory(dir=out, prefix=".scratch-") as tmp, ExitStack() as stack:
        scratch = {s: stack.enter_context(open(Path(tmp) / s, "w+b")) for s in SPLITS}
        for sha256, target, split, image in records:
            if split not in entries:
                raise ValueError(f"{sha256}: split must be one of {SPLITS}, got {split!r}")
            if sha256 in seen:
                raise ValueError(f"{sha256}: duplicate image in records")
            seen.add(sha256)
            arr = np.asarray(image)
            if arr.dtype != np.uint8 or arr.shape != shape:
                raise ValueError(f"{sha256}: expected uint8 {shape}, got {arr.dtype} {arr.shape}")
            if task_type == "classification":
                if target not in label_index:
                    raise ValueError(f"{sha256}: label {target!r} not in {labels}")
                index = label_index[target]
            else:
                target, index = list(target), NO_LABEL
            offset = scratch[split].tell()
            scratch[split].write(np.ascontiguousarray(arr).tobytes())
            entries[split].append((sha256, target, index, offset))

        for split in SPLITS:
            rows = sorted(entries[split], key=lambda e: e[0])
            split_dir = out / split
            split_dir.mkdir(exist_ok=True)
            images = np.lib.format.open_memmap(
                split_dir / IMAGES_FILE, mode="w+", dtype=np.uint8, shape=(len(rows), *shape)
            )
            f = scratch[split]
            for i, (_, _, _, offset) in enumerate(rows):
                f.seek(offset)
                images[i] = np.frombuffer(f.read(frame_bytes), np.uint8).reshape(shape)
            images.flush()
            del images
            np.save(split_dir / LABELS_FILE, np.array([r[2] for r in rows], dtype=np.int64))

    return _write_metadata(out, task_type, labels, image_size, entries)


def _write_metadata(
    out: Path, task_type: str, labels: list[str], image_size: int, entries: Mapping[str, list[Any]]
) -> dict[str, Any]:
    """manifest.jsonl and dataset.json, from per-split (sha256, target, …) entries."""
    target_key = "label" if task_type == "classification" else "boxes"
    with open(out / MANIFEST_FILE, "w", encoding="utf-8", newline="\n") as manifest:
        for split in SPLITS:
            for sha256, target, *_ in sorted(entries[split], key=lambda e: e[0]):
                row = {"sha256": sha256, target_key: target, "split": split}
                manifest.write(json.dumps(row, sort_keys=True) + "\n")
    meta = {
        "task_type": task_type,
        "labels": list(labels),
        "image_size": image_size,
        "splits": {split: len(entries[split]) for split in SPLITS},
    }
    with open(out / META_FILE, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return meta


def write_dataset_gathered(
    out_dir: str | os.PathLike[str],
    *,
    task_type: str,
    labels: list[str],
    image_size: int,
    records: Iterable[tuple[str, Any, str]],
    gather: Callable[[list[str]], np.ndarray],
    chunk: int = 4096,
) -> dict[str, Any]:
    """Write the same files as :func:`write_dataset` from (sha256, label_or_boxes, split) records.

    The images come from ``gather(shas)``, which returns uint8 [len(shas), H, W, 3] in that order,
    a chunk at a time: a caller holding most images in arrays already (the previous version's) copies
    them in bulk instead of one by one. Byte-identical to :func:`write_dataset` for the same data.
    """
    if task_type not in TASK_TYPES:
        raise ValueError(f"task_type must be one of {TASK_TYPES}, got {task_type!r}")
    label_index = {name: i for i, name in enumerate(labels)}
    if len(label_index) != len(labels):
        raise ValueError(f"labels must be unique, got {labels}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    shape = (image_size, image_size, 3)
    entries: dict[str, list[tuple[str, Any, int]]] = {s: [] for s in SPLITS}
    seen: set[str] = set()
    for sha256, target, split in records:
        if split not in entries:
            raise ValueError(f"{sha256}: split must be one of {SPLITS}, got {split!r}")
        if sha256 in seen:
            raise ValueError(f"{sha256}: duplicate image in records")
        seen.add(sha256)
        if task_type == "classification":
            if target not in label_index:
                raise ValueError(f"{sha256}: label {target!r} not in {labels}")
            entries[split].append((sha256, target, label_index[target]))
        else:
            entries[split].append((sha256, list(target), NO_LABEL))
    for split in SPLITS:
        rows = sorted(entries[split], key=lambda e: e[0])
        split_dir = out / split
        split_dir.mkdir(exist_ok=True)
        images = np.lib.format.open_memmap(
            split_dir / IMAGES_FILE, mode="w+", dtype=np.uint8, shape=(len(rows), *shape)
        )
        for start in range(0, len(rows), chunk):
            shas = [r[0] for r in rows[start : start + chunk]]
            block = np.asarray(gather(shas))
            if block.dtype != np.uint8 or block.shape != (len(shas), *shape):
                raise ValueError(
                    f"gather gave {block.dtype} {block.shape}, expected uint8 {(len(shas), *shape)}"
                )
            images[start : start + len(shas)] = block
        images.flush()
        del images
        np.save(split_dir / LABELS_FILE, np.array([r[2] for r in rows], dtype=np.int64))
    return _write_metadata(out, task_type, labels, image_size, entries)


def read_meta(dataset_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Read dataset.json of a packed dataset version."""
    with open(Path(dataset_dir) / META_FILE, encoding="utf-8") as f:
        return json.load(f)


def load_split(dataset_dir: str | os.PathLike[str], split: str) -> tuple[np.ndarray, np.ndarray]:
    """Load one split as (images uint8 [N, H, W, 3], labels int64 [N]); images are memory-mapped."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    split_dir = Path(dataset_dir) / split
    images = np.load(split_dir / IMAGES_FILE, mmap_mode="r")
    labels = np.load(split_dir / LABELS_FILE)
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{split_dir}: {images.shape[0]} images but {labels.shape[0]} labels")
    return images, labels
