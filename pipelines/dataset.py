"""Packed dataset versions: decode once, write uint8 shards, load them back memory-mapped.

A version is a directory:

    dataset.json        task type, labels, image size, counts per split, the shard files
    manifest.jsonl      one row per image: sha256, label (or boxes and source_size), split
    shards/NNNNNN.npy   uint8 [n, H, W, 3]: decoded images, written once and never modified
    <split>/index.npy   int64 [N, 2]: (position in dataset.json's shards, row) of each image
    <split>/labels.npy  int64 [N]: label index (-1 for detection, whose boxes are in the manifest)

Row i of a split's index and labels is the split's i-th manifest row. Shards are append-only: the
next version of a project keeps the previous version's shards (hard links, not copies) and adds
one shard of the images it has not seen, so DVC hashes and pushes only the new bytes; a version
whose shards would hold too many images it no longer uses, or too many shards, is compacted into
one fresh shard. A split held in one shard in order loads as a memory-mapped slice.

dataset.json records how frames were resized ("resize": a spec of the device vocabulary,
center_crop, stretch or letterbox; see :func:`resize_spec`), and for detection "box_format":
"xyxy-fraction": each manifest row's boxes are {"label", "x1", "y1", "x2", "y2"}, fractions of the
STORED frame (top-left origin), already mapped through the resize, clipped to the frame, with boxes
under MIN_BOX_PIXELS dropped; "source_size" is [width, height] of the original frame as the
annotator saw it (EXIF orientation applied), what a later version needs to map the boxes of a
reused frame without decoding it again. Versions without "resize" were center-cropped; detection
versions without "box_format" hold the API's {"label", "x", "y", "width", "height"} boxes as
fractions of the original image.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from pipelines.frames import CENTER_CROP, box_xyxy, resize_spec

# Canonical split order: manifest.jsonl and assign_split walk splits in this order, never in the
# (caller-dependent) order of a dict, so the same inputs always give the same bytes and splits.
SPLITS: tuple[str, ...] = ("train", "val", "test")
TASK_TYPES: tuple[str, ...] = ("classification", "detection")
META_FILE = "dataset.json"
MANIFEST_FILE = "manifest.jsonl"
SHARDS_DIR = "shards"
INDEX_FILE = "index.npy"
LABELS_FILE = "labels.npy"
# Format 2: shards + per-split index. Format 1 (one images.npy per split) is still read.
FORMAT = 2
LEGACY_IMAGES_FILE = "images.npy"
# Detection records carry their boxes in the manifest; labels.npy then holds this placeholder.
NO_LABEL = -1
# How stored detection boxes are written (dataset.json "box_format").
BOX_FORMAT = "xyxy-fraction"
Record = tuple[str, Any, str, np.ndarray]


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


class _Entries:
    """Validated records of one version, per split: (sha256, manifest target, label index)."""

    def __init__(self, task_type: str, labels: list[str]) -> None:
        if task_type not in TASK_TYPES:
            raise ValueError(f"task_type must be one of {TASK_TYPES}, got {task_type!r}")
        self.label_index = {name: i for i, name in enumerate(labels)}
        if len(self.label_index) != len(labels):
            raise ValueError(f"labels must be unique, got {labels}")
        self.task_type = task_type
        self.by_split: dict[str, list[tuple[str, Any, int]]] = {s: [] for s in SPLITS}
        self.seen: set[str] = set()
        self.extra: dict[str, dict[str, Any]] = {}

    def add(self, sha256: str, target: Any, split: str) -> None:
        if split not in self.by_split:
            raise ValueError(f"{sha256}: split must be one of {SPLITS}, got {split!r}")
        if sha256 in self.seen:
            raise ValueError(f"{sha256}: duplicate image in records")
        if self.task_type == "classification":
            if target not in self.label_index:
                raise ValueError(f"{sha256}: label {target!r} not in {list(self.label_index)}")
            entry = (sha256, target, self.label_index[target])
        else:
            # Boxes alone, or {"boxes": [...], **more manifest fields} (source_size).
            if isinstance(target, Mapping):
                self.extra[sha256] = {k: v for k, v in target.items() if k != "boxes"}
                target = target["boxes"]
            boxes = list(target)
            unknown = sorted({str(b.get("label")) for b in boxes if b.get("label") not in self.label_index})
            if unknown:
                raise ValueError(f"{sha256}: box labels {unknown} not in {list(self.label_index)}")
            entry = (sha256, boxes, NO_LABEL)
        self.seen.add(sha256)
        self.by_split[split].append(entry)

    def in_shard_order(self, shas: set[str] | None = None) -> list[str]:
        """sha256s by (split, sha256): the row order of a newly written shard."""
        return [
            sha for split in SPLITS for sha, *_ in sorted(self.by_split[split]) if shas is None or sha in shas
        ]


def _shard_name(number: int) -> str:
    return f"{SHARDS_DIR}/{number:06d}.npy"


def _write_shard(
    path: Path, shas: list[str], shape: tuple[int, ...], gather: Callable[[list[str]], np.ndarray], chunk: int
) -> None:
    """Write uint8 [len(shas), *shape] from ``gather``, a chunk at a time (memory stays flat)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    images = np.lib.format.open_memmap(path, mode="w+", dtype=np.uint8, shape=(len(shas), *shape))
    for start in range(0, len(shas), chunk):
        part = shas[start : start + chunk]
        block = np.asarray(gather(part))
        if block.dtype != np.uint8 or block.shape != (len(part), *shape):
            raise ValueError(f"gather gave {block.dtype} {block.shape}, expected uint8 {(len(part), *shape)}")
        images[start : start + len(part)] = block
    images.flush()
    del images


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link (no bytes written; DVC sees the same inode) or, across filesystems, a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _write_version(
    out: Path,
    entries: _Entries,
    labels: list[str],
    image_size: int,
    shards: list[str],
    location: Mapping[str, tuple[str, int]],
    resize: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """Index, labels, manifest and dataset.json, once every image has a (shard name, row)."""
    position = {name: i for i, name in enumerate(shards)}
    for split in SPLITS:
        # Shard order, then row: a split written into one shard is one contiguous slice of it.
        entries.by_split[split].sort(key=lambda e: (position[location[e[0]][0]], location[e[0]][1]))
        rows = entries.by_split[split]
        split_dir = out / split
        split_dir.mkdir(exist_ok=True)
        index = np.array(
            [(position[location[sha][0]], location[sha][1]) for sha, *_ in rows], dtype=np.int64
        ).reshape(len(rows), 2)
        np.save(split_dir / INDEX_FILE, index)
        np.save(split_dir / LABELS_FILE, np.array([e[2] for e in rows], dtype=np.int64))
    target_key = "label" if entries.task_type == "classification" else "boxes"
    with open(out / MANIFEST_FILE, "w", encoding="utf-8", newline="\n") as manifest:
        for split in SPLITS:
            for sha256, target, _ in entries.by_split[split]:
                row = {"sha256": sha256, target_key: target, "split": split, **entries.extra.get(sha256, {})}
                manifest.write(json.dumps(row, sort_keys=True) + "\n")
    meta = {
        "format": FORMAT,
        "task_type": entries.task_type,
        "labels": list(labels),
        "image_size": image_size,
        "splits": {split: len(entries.by_split[split]) for split in SPLITS},
        "shards": shards,
        "resize": resize_spec(resize, entries.task_type),
    }
    if entries.task_type == "detection":
        meta["box_format"] = BOX_FORMAT
    with open(out / META_FILE, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return meta


def write_dataset(
    out_dir: str | os.PathLike[str],
    *,
    task_type: str,
    labels: list[str],
    image_size: int,
    records: Iterable[Record],
    resize: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Write a packed dataset version, in one shard, from (sha256, label_or_boxes, split, image) records.

    Streaming: each image is appended to a scratch file as it arrives, so memory holds only the
    small per-record metadata; the shard is then written in (split, sha256) order. Same records in
    any order give byte-identical files. Classification records carry a label name from `labels`;
    detection records carry a list of boxes already in the stored frame (``box_format``), or
    {"boxes": [...], "source_size": [w, h]}; both go to the manifest. ``resize`` is how the frames
    were made (recorded; None is the task's default). A sha256 may appear only once.
    Returns the dataset.json content.
    """
    entries = _Entries(task_type, labels)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    shape = (image_size, image_size, 3)
    frame_bytes = image_size * image_size * 3
    offsets: dict[str, int] = {}
    with tempfile.TemporaryDirectory(dir=out, prefix=".scratch-") as tmp, open(Path(tmp) / "x", "w+b") as f:
        for sha256, target, split, image in records:
            entries.add(sha256, target, split)
            arr = np.asarray(image)
            if arr.dtype != np.uint8 or arr.shape != shape:
                raise ValueError(f"{sha256}: expected uint8 {shape}, got {arr.dtype} {arr.shape}")
            offsets[sha256] = f.tell()
            f.write(np.ascontiguousarray(arr).tobytes())

        def gather(shas: list[str]) -> np.ndarray:
            block = np.empty((len(shas), *shape), np.uint8)
            for i, sha in enumerate(shas):
                f.seek(offsets[sha])
                block[i] = np.frombuffer(f.read(frame_bytes), np.uint8).reshape(shape)
            return block

        order = entries.in_shard_order()
        shard = _shard_name(0)
        _write_shard(out / shard, order, shape, gather, 4096)
    return _write_version(
        out, entries, labels, image_size, [shard], {sha: (shard, i) for i, sha in enumerate(order)}, resize
    )


def shard_locations(dataset_dir: str | os.PathLike[str]) -> dict[str, tuple[str, int]]:
    """sha256 → (shard file, row) of every image of a packed version ({} for an older format)."""
    directory = Path(dataset_dir)
    meta = read_meta(directory)
    if meta.get("format") != FORMAT:
        return {}
    shards = meta["shards"]
    found: dict[str, tuple[str, int]] = {}
    indexes = {split: np.load(directory / split / INDEX_FILE) for split in SPLITS}
    counters = dict.fromkeys(SPLITS, 0)
    with open(directory / MANIFEST_FILE, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            split = row["split"]
            shard, offset = indexes[split][counters[split]]
            found[row["sha256"]] = (shards[shard], int(offset))
            counters[split] += 1
    return found


def stored_resize(meta: Mapping[str, Any]) -> dict[str, Any]:
    """How a version's frames were resized: its "resize", or center_crop for versions before it existed."""
    return resize_spec(meta.get("resize") or CENTER_CROP)


def reusable_locations(
    dataset_dir: str | os.PathLike[str], image_size: int, resize: Mapping[str, Any] | None = None
) -> dict[str, tuple[str, int]]:
    """:func:`shard_locations` of a version whose images a new version at ``image_size``, resized as
    ``resize`` (None: center_crop), can keep; {} when there is no version there, or its frames were
    made at another size or another way. A detection version's frames are reusable only when its
    manifest records their source size (what mapping new boxes into them takes)."""
    directory = Path(dataset_dir)
    if not (directory / META_FILE).exists():
        return {}
    meta = read_meta(directory)
    if meta["image_size"] != image_size or stored_resize(meta) != resize_spec(resize):
        return {}
    found = shard_locations(directory)
    if meta.get("task_type") == "detection":
        sizes = source_sizes(directory)
        found = {sha: loc for sha, loc in found.items() if sha in sizes}
    return found


def source_sizes(dataset_dir: str | os.PathLike[str]) -> dict[str, tuple[int, int]]:
    """sha256 → (width, height) of the original frame, for the manifest rows that record it."""
    found: dict[str, tuple[int, int]] = {}
    with open(Path(dataset_dir) / MANIFEST_FILE, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if "source_size" in row:
                found[row["sha256"]] = (int(row["source_size"][0]), int(row["source_size"][1]))
    return found


def write_dataset_gathered(
    out_dir: str | os.PathLike[str],
    *,
    task_type: str,
    labels: list[str],
    image_size: int,
    records: Iterable[tuple[str, Any, str]],
    gather: Callable[[list[str]], np.ndarray],
    previous: str | os.PathLike[str] | None = None,
    max_shards: int = 16,
    min_live_fraction: float = 0.75,
    chunk: int = 4096,
    known: Mapping[str, tuple[str, int]] | None = None,
    resize: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Write a version from (sha256, label_or_boxes, split) records, appending to ``previous``.

    Images already in ``previous`` (the last version, same image size) stay in its shards, which
    are hard-linked into ``out_dir``; the others come from ``gather(shas)`` (uint8 [len(shas), H, W,
    3] in that order, called a chunk at a time) into one new shard. Compacts instead — one fresh
    shard of exactly this version's images — when the kept shards would hold less than
    ``min_live_fraction`` images still in use, or more than ``max_shards`` files. Deterministic:
    the same records and the same previous version give byte-identical files.

    ``known``: ``reusable_locations(previous, image_size, resize)``, when the caller has it already.
    ``resize``: how the frames are made (recorded in dataset.json; None is the task's default).
    """
    entries = _Entries(task_type, labels)
    for sha256, target, split in records:
        entries.add(sha256, target, split)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    shape = (image_size, image_size, 3)

    before: list[str] = []
    old_dir = Path(previous) if previous is not None else None
    if old_dir is not None and (old_dir / META_FILE).exists():
        before = read_meta(old_dir).get("shards", [])
    if known is None:
        known = reusable_locations(old_dir, image_size, resize_spec(resize, task_type)) if old_dir else {}
    live: dict[str, int] = {}
    for sha in entries.seen:
        if sha in known:
            live[known[sha][0]] = live.get(known[sha][0], 0) + 1
    kept = sorted(live)
    held = sum(np.load(old_dir / name, mmap_mode="r").shape[0] for name in kept) if old_dir else 0
    fresh = sorted(entries.seen - known.keys())
    # Shard names are never reused within a project's history: a name always means the same bytes.
    next_number = max((int(Path(name).stem) for name in before), default=-1) + 1
    compact = bool(kept) and (
        sum(live.values()) < min_live_fraction * held or len(kept) + bool(fresh) > max_shards
    )

    location: dict[str, tuple[str, int]] = {}
    if compact or not kept:
        # One fresh shard of exactly this version's images, from the old shards or from gather.
        sources = {name: np.load(old_dir / name, mmap_mode="r") for name in kept} if old_dir else {}

        def gather_all(shas: list[str]) -> np.ndarray:
            block = np.empty((len(shas), *shape), np.uint8)
            by_source: dict[str | None, tuple[list[int], list[int]]] = {}
            for i, sha in enumerate(shas):
                name, row = known.get(sha, (None, i))
                positions, rows = by_source.setdefault(name, ([], []))
                positions.append(i)
                rows.append(row)
            for name, (positions, rows) in by_source.items():
                if name is None:
                    block[positions] = gather([shas[i] for i in positions])
                else:
                    block[positions] = sources[name][rows]  # one vectorised copy per old shard
            return block

        order = entries.in_shard_order()
        shard = _shard_name(next_number)
        _write_shard(out / shard, order, shape, gather_all, chunk)
        shards = [shard]
        location = {sha: (shard, i) for i, sha in enumerate(order)}
    else:
        assert old_dir is not None
        for name in kept:
            _link_or_copy(old_dir / name, out / name)
        location = {sha: known[sha] for sha in entries.seen if sha in known}
        shards = list(kept)
        if fresh:
            order = entries.in_shard_order(set(fresh))
            shard = _shard_name(next_number)
            _write_shard(out / shard, order, shape, gather, chunk)
            shards.append(shard)
            location.update({sha: (shard, i) for i, sha in enumerate(order)})
    return _write_version(out, entries, labels, image_size, shards, location, resize)


def read_meta(dataset_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Read dataset.json of a packed dataset version."""
    with open(Path(dataset_dir) / META_FILE, encoding="utf-8") as f:
        return json.load(f)


def load_split(dataset_dir: str | os.PathLike[str], split: str) -> tuple[np.ndarray, np.ndarray]:
    """Load one split as (images uint8 [N, H, W, 3], labels int64 [N]).

    A split that is one run of rows of one shard (any freshly written version) comes back as a
    memory-mapped slice; a split spread over several shards is gathered into memory.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    directory = Path(dataset_dir)
    split_dir = directory / split
    labels = np.load(split_dir / LABELS_FILE)
    meta = read_meta(directory)
    if meta.get("format") != FORMAT:
        images = np.load(split_dir / LEGACY_IMAGES_FILE, mmap_mode="r")
    else:
        index = np.load(split_dir / INDEX_FILE)
        size = meta["image_size"]
        shards, rows = index[:, 0], index[:, 1]
        if len(index) == 0:
            images = np.empty((0, size, size, 3), np.uint8)
        elif (shards == shards[0]).all() and (np.diff(rows) == 1).all():
            first = int(rows[0])
            images = np.load(directory / meta["shards"][shards[0]], mmap_mode="r")[first : first + len(rows)]
        else:
            images = np.empty((len(index), size, size, 3), np.uint8)
            for number in np.unique(shards):
                mask = shards == number
                images[mask] = np.load(directory / meta["shards"][number], mmap_mode="r")[rows[mask]]
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{split_dir}: {images.shape[0]} images but {labels.shape[0]} labels")
    return images, labels


def load_detection_split(
    dataset_dir: str | os.PathLike[str], split: str
) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Load one detection split as (images uint8 [N, S, S, 3], boxes, labels).

    ``boxes[i]`` is float32 [n_i, 4], x1, y1, x2, y2 as fractions of the stored frame (top-left
    origin), clipped to [0, 1]; ``labels[i]`` is int64 [n_i], indexes into dataset.json's "labels".
    Images come as :func:`load_split` gives them. Versions written before boxes were transformed
    into the stored frame (no "box_format" in dataset.json) hold boxes as fractions of the original
    image, which are returned as they are: for those the center crop is not accounted for.
    """
    images, _ = load_split(dataset_dir, split)
    directory = Path(dataset_dir)
    meta = read_meta(directory)
    if meta.get("task_type") != "detection":
        raise ValueError(f"{directory}: task_type is {meta.get('task_type')!r}, not 'detection'")
    label_index = {name: i for i, name in enumerate(meta["labels"])}
    boxes: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    with open(directory / MANIFEST_FILE, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["split"] != split:
                continue
            row_boxes = row.get("boxes") or []
            unknown = [b["label"] for b in row_boxes if b["label"] not in label_index]
            if unknown:
                raise ValueError(f"{row['sha256']}: box labels {unknown} not in {meta['labels']}")
            xyxy = np.array([box_xyxy(b) for b in row_boxes], dtype=np.float32).reshape(-1, 4)
            boxes.append(np.clip(xyxy, 0.0, 1.0))
            labels.append(np.array([label_index[b["label"]] for b in row_boxes], dtype=np.int64))
    if len(boxes) != images.shape[0]:
        raise ValueError(f"{directory / split}: {images.shape[0]} images but {len(boxes)} manifest rows")
    return images, boxes, labels
