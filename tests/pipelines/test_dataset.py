"""Packed dataset format: roundtrip, byte-identical determinism, split assignment, decoding."""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from pipelines.dataset import (
    NO_LABEL,
    SPLITS,
    assign_split,
    load_detection_split,
    load_split,
    read_meta,
    reusable_locations,
    write_dataset,
    write_dataset_gathered,
)
from pipelines.frames import LETTERBOX, decode_frame, decode_resize, frame_boxes, resize_spec
from tests.pipelines.helpers import TINY_LABELS, TINY_SIZE, png_bytes, tiny_records


def _write(out: Path, records: list) -> dict:
    return write_dataset(
        out, task_type="classification", labels=TINY_LABELS, image_size=TINY_SIZE, records=records
    )


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_roundtrip(tmp_path: Path) -> None:
    records = tiny_records()
    meta = _write(tmp_path / "ds", records)
    assert meta == read_meta(tmp_path / "ds")
    assert meta["task_type"] == "classification"
    assert meta["labels"] == TINY_LABELS
    assert meta["image_size"] == TINY_SIZE
    assert sum(meta["splits"].values()) == len(records)

    by_sha = {r[0]: r for r in records}
    manifest = [json.loads(line) for line in (tmp_path / "ds/manifest.jsonl").read_text().splitlines()]
    assert [(m["split"], m["sha256"]) for m in manifest] == sorted(
        ((m["split"], m["sha256"]) for m in manifest), key=lambda k: (SPLITS.index(k[0]), k[1])
    )
    for split in SPLITS:
        images, labels = load_split(tmp_path / "ds", split)
        assert isinstance(images, np.memmap)
        assert images.dtype == np.uint8 and labels.dtype == np.int64
        assert images.shape == (meta["splits"][split], TINY_SIZE, TINY_SIZE, 3)
        rows = [m for m in manifest if m["split"] == split]
        for i, row in enumerate(rows):
            _, label, rec_split, image = by_sha[row["sha256"]]
            assert rec_split == split and row["label"] == label
            assert TINY_LABELS[labels[i]] == label
            np.testing.assert_array_equal(images[i], image)


def test_same_input_in_any_order_gives_identical_bytes(tmp_path: Path) -> None:
    records = tiny_records()
    shuffled = records[:]
    random.Random(1).shuffle(shuffled)
    _write(tmp_path / "a", records)
    _write(tmp_path / "b", iter(shuffled))  # a generator: write_dataset streams
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert sorted(a) == sorted(
        ["dataset.json", "manifest.jsonl", "shards/000000.npy"]
        + [f"{s}/{f}" for s in SPLITS for f in ("index.npy", "labels.npy")]
    )
    assert a == b


def test_empty_split_has_zero_length_arrays(tmp_path: Path) -> None:
    records = [(sha, label, "train", image) for sha, label, _, image in tiny_records(6)]
    meta = _write(tmp_path / "ds", records)
    assert meta["splits"] == {"train": 6, "val": 0, "test": 0}
    images, labels = load_split(tmp_path / "ds", "test")
    assert images.shape == (0, TINY_SIZE, TINY_SIZE, 3) and labels.shape == (0,)


def test_detection_records_keep_boxes_in_manifest(tmp_path: Path) -> None:
    image = np.zeros((TINY_SIZE, TINY_SIZE, 3), np.uint8)
    boxes = [{"label": "car", "x": 0.1, "y": 0.2, "width": 0.3, "height": 0.4}]
    write_dataset(
        tmp_path / "ds",
        task_type="detection",
        labels=["car"],
        image_size=TINY_SIZE,
        records=[("ab" * 32, boxes, "train", image)],
    )
    row = json.loads((tmp_path / "ds/manifest.jsonl").read_text())
    assert row == {"sha256": "ab" * 32, "boxes": boxes, "split": "train"}
    assert load_split(tmp_path / "ds", "train")[1].tolist() == [NO_LABEL]


def test_load_detection_split_reads_old_xywh_and_xyxy_boxes(tmp_path: Path) -> None:
    image = np.full((TINY_SIZE, TINY_SIZE, 3), 7, np.uint8)
    old = [
        {"label": "car", "x": 0.1, "y": 0.2, "width": 0.3, "height": 0.4},
        {"label": "bus", "x": 0.8, "y": 0.5, "width": 0.5, "height": 0.1},  # runs off the right edge
    ]
    new = [{"label": "bus", "x1": 0.0, "y1": 0.25, "x2": 0.5, "y2": 0.75}]
    records = [
        ("ab" * 32, old, "train", image),
        ("cd" * 32, new, "train", image),
        ("ef" * 32, [], "val", image),
    ]
    write_dataset(
        tmp_path / "ds", task_type="detection", labels=["car", "bus"], image_size=TINY_SIZE, records=records
    )
    meta = read_meta(tmp_path / "ds")
    del meta["box_format"], meta["resize"]  # as versions were written before boxes were mapped
    (tmp_path / "ds/dataset.json").write_text(json.dumps(meta))
    images, boxes, labels = load_detection_split(tmp_path / "ds", "train")
    assert images.shape == (2, TINY_SIZE, TINY_SIZE, 3) and images.dtype == np.uint8
    assert [b.dtype for b in boxes] == [np.float32, np.float32]
    np.testing.assert_allclose(boxes[0], [[0.1, 0.2, 0.4, 0.6], [0.8, 0.5, 1.0, 0.6]], rtol=1e-6)
    np.testing.assert_allclose(boxes[1], [[0.0, 0.25, 0.5, 0.75]])
    assert [lab.tolist() for lab in labels] == [[0, 1], [1]] and labels[0].dtype == np.int64
    images, boxes, labels = load_detection_split(tmp_path / "ds", "val")
    assert images.shape[0] == 1 and boxes[0].shape == (0, 4) and labels[0].shape == (0,)
    images, boxes, labels = load_detection_split(tmp_path / "ds", "test")
    assert images.shape[0] == 0 and boxes == [] and labels == []


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (("a", "dark", "train", np.zeros((8, 8, 3), np.uint8)), "expected uint8"),
        (("a", "dark", "train", np.zeros((16, 16, 3), np.float32)), "expected uint8"),
        (("a", "cat", "train", np.zeros((16, 16, 3), np.uint8)), "not in"),
        (("a", "dark", "holdout", np.zeros((16, 16, 3), np.uint8)), "split must be"),
    ],
)
def test_bad_records_are_rejected(tmp_path: Path, record: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _write(tmp_path / "ds", [record])


def test_duplicate_sha_is_rejected(tmp_path: Path) -> None:
    record = tiny_records(1)[0]
    with pytest.raises(ValueError, match="duplicate"):
        _write(tmp_path / "ds", [record, record])


def test_assign_split_is_stable_and_proportional() -> None:
    fractions = {"train": 0.8, "val": 0.1, "test": 0.1}
    shas = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(3000)]
    first = [assign_split(s, 7, fractions) for s in shas]
    # Same answer again, and whatever order the caller's dict lists the splits in.
    assert first == [assign_split(s, 7, {"test": 0.1, "val": 0.1, "train": 0.8}) for s in shas]
    counts = Counter(first)
    assert abs(counts["train"] / 3000 - 0.8) < 0.03
    assert abs(counts["val"] / 3000 - 0.1) < 0.03
    # Another seed reshuffles; a zero fraction is never chosen.
    assert first != [assign_split(s, 8, fractions) for s in shas]
    assert {assign_split(s, 7, {"train": 1.0, "test": 0.0}) for s in shas} == {"train"}
    with pytest.raises(ValueError):
        assign_split(shas[0], 7, {"train": -1.0})


def test_decode_resize_center_crops_and_converts() -> None:
    # 60x20 (W x H): red | green | blue thirds; the centre crop keeps only green.
    wide = np.zeros((20, 60, 3), np.uint8)
    wide[:, :20, 0] = wide[:, 20:40, 1] = wide[:, 40:, 2] = 255
    out = decode_resize(png_bytes(wide), 10)
    assert out.shape == (10, 10, 3) and out.dtype == np.uint8
    assert out[:, :, 1].min() > 200 and out[:, 2:-2, 0].max() < 50

    gray = io.BytesIO()
    Image.fromarray(np.full((40, 30), 128, np.uint8)).save(gray, format="JPEG")
    out = decode_resize(gray.getvalue(), 16)
    assert out.shape == (16, 16, 3)
    assert abs(int(out.mean()) - 128) <= 2


# --- Append-only shards: what the dataset flow does for version N+1 -----------------------------


def _gathered(
    out: Path, records: list, previous: Path | None = None, **kwargs: Any
) -> tuple[dict, list[str]]:
    """write_dataset_gathered from full records; returns (meta, the sha256s gather was asked for)."""
    images = {r[0]: r[3] for r in records}
    asked: list[str] = []

    def gather(shas: list[str]) -> np.ndarray:
        asked.extend(shas)
        return np.stack([images[s] for s in shas])

    meta = write_dataset_gathered(
        out,
        task_type="classification",
        labels=TINY_LABELS,
        image_size=TINY_SIZE,
        records=[(sha, label, split) for sha, label, split, _ in records],
        gather=gather,
        previous=previous,
        **kwargs,
    )
    return meta, asked


def _contents(directory: Path) -> dict[str, tuple[str, str, bytes]]:
    """sha256 → (split, label, pixels), read back through load_split and the manifest."""
    meta = read_meta(directory)
    rows = [json.loads(line) for line in (directory / "manifest.jsonl").read_text().splitlines()]
    found = {}
    for split in SPLITS:
        images, labels = load_split(directory, split)
        in_split = [r for r in rows if r["split"] == split]
        assert len(in_split) == len(images) == len(labels)
        for row, image, label in zip(in_split, images, labels, strict=True):
            assert meta["labels"][label] == row["label"]
            found[row["sha256"]] = (split, row["label"], image.tobytes())
    return found


def _expected(records: list) -> dict[str, tuple[str, str, bytes]]:
    return {sha: (split, label, image.tobytes()) for sha, label, split, image in records}


def test_gathered_write_equals_write_dataset(tmp_path: Path) -> None:
    records = tiny_records()
    _write(tmp_path / "a", records)
    _, asked = _gathered(tmp_path / "b", records)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert sorted(asked) == sorted(r[0] for r in records)


def test_next_version_keeps_old_shards_and_adds_one(tmp_path: Path) -> None:
    records = tiny_records(96)
    _gathered(tmp_path / "v1", records[:80])
    relabeled = [
        (sha, TINY_LABELS[(TINY_LABELS.index(label) + 1) % 3], split, img)
        for sha, label, split, img in records[:2]
    ]
    v2_records = relabeled + records[2:96]
    meta, asked = _gathered(tmp_path / "v2", v2_records, previous=tmp_path / "v1")
    assert sorted(asked) == sorted(r[0] for r in records[80:96])  # only the new images
    assert meta["shards"] == ["shards/000000.npy", "shards/000001.npy"]
    old, kept = tmp_path / "v1/shards/000000.npy", tmp_path / "v2/shards/000000.npy"
    assert os.path.samefile(old, kept)  # a hard link: no bytes written, the same inode for DVC
    assert _contents(tmp_path / "v2") == _expected(v2_records)  # new labels, old pixels
    # v1 is untouched, and the same inputs give the same bytes again.
    assert _contents(tmp_path / "v1") == _expected(records[:80])
    _gathered(tmp_path / "v2b", v2_records, previous=tmp_path / "v1")
    assert _tree(tmp_path / "v2") == _tree(tmp_path / "v2b")


def test_split_spread_over_shards_loads_in_memory_and_single_shard_as_memmap(tmp_path: Path) -> None:
    records = tiny_records(96)
    _gathered(tmp_path / "v1", records[:60])
    _gathered(tmp_path / "v2", records, previous=tmp_path / "v1")
    assert isinstance(load_split(tmp_path / "v1", "train")[0], np.memmap)
    images, labels = load_split(tmp_path / "v2", "train")
    assert not isinstance(images, np.memmap) and len(images) == len(labels)


def test_too_many_unused_images_compacts_into_one_fresh_shard(tmp_path: Path) -> None:
    records = tiny_records(96)
    _gathered(tmp_path / "v1", records[:80])
    # Half of v1's images are gone (rejected or deleted): 40 live of 80 < 75 %.
    v2_records = records[:40] + records[80:]
    meta, asked = _gathered(tmp_path / "v2", v2_records, previous=tmp_path / "v1")
    assert meta["shards"] == ["shards/000001.npy"]  # a new name: a name always means the same bytes
    assert sorted(asked) == sorted(r[0] for r in records[80:])
    assert not (tmp_path / "v2/shards/000000.npy").exists()
    assert _contents(tmp_path / "v2") == _expected(v2_records)


def test_shard_count_is_bounded(tmp_path: Path) -> None:
    records = tiny_records(96)
    previous = None
    for version, stop in enumerate(range(40, 97, 8)):
        out = tmp_path / f"v{version}"
        meta, _ = _gathered(out, records[:stop], previous=previous, max_shards=4)
        assert len(meta["shards"]) <= 4
        assert _contents(out) == _expected(records[:stop])
        previous = out
    assert meta["shards"] != ["shards/000000.npy"]


def test_another_image_size_or_the_old_format_starts_fresh(tmp_path: Path) -> None:
    records = tiny_records(30)
    _gathered(tmp_path / "v1", records)
    small = [(sha, label, split, img[::2, ::2].copy()) for sha, label, split, img in records]
    images = {r[0]: r[3] for r in small}
    meta = write_dataset_gathered(
        tmp_path / "v2",
        task_type="classification",
        labels=TINY_LABELS,
        image_size=TINY_SIZE // 2,
        records=[(sha, label, split) for sha, label, split, _ in small],
        gather=lambda shas: np.stack([images[s] for s in shas]),
        previous=tmp_path / "v1",
    )
    assert meta["shards"] == ["shards/000001.npy"] and meta["image_size"] == TINY_SIZE // 2

    # A version written before shards existed (one images.npy per split) still loads.
    legacy = tmp_path / "legacy"
    for split in SPLITS:
        rows = [r for r in records if r[2] == split]
        (legacy / split).mkdir(parents=True)
        np.save(
            legacy / split / "images.npy",
            np.stack([r[3] for r in rows]) if rows else np.empty((0, 16, 16, 3), np.uint8),
        )
        np.save(legacy / split / "labels.npy", np.array([TINY_LABELS.index(r[1]) for r in rows], np.int64))
    (legacy / "dataset.json").write_text(
        json.dumps({"image_size": TINY_SIZE, "labels": TINY_LABELS, "splits": {}})
    )
    assert len(load_split(legacy, "train")[0]) == sum(r[2] == "train" for r in records)
    _, asked = _gathered(tmp_path / "v3", records, previous=legacy)
    assert len(asked) == len(records)  # nothing reusable: decoded again, once


def _jpeg(array: np.ndarray, orientation: int | None = None) -> bytes:
    img = Image.fromarray(array)
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    img.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def _frame_with_box(w: int, h: int, box: tuple[int, int, int, int]) -> np.ndarray:
    frame = np.zeros((h, w, 3), np.uint8)
    x1, y1, x2, y2 = box
    frame[y1:y2, x1:x2] = (255, 0, 0)
    return frame


@pytest.mark.parametrize("mode", ["letterbox", "stretch", "center_crop"])
def test_decode_frame_and_frame_boxes_agree(mode: str) -> None:
    """A red rectangle drawn where the box says stays under the mapped box in the stored frame."""
    pixel_box = (400, 120, 560, 360)  # in a 640x480 frame
    data = _jpeg(_frame_with_box(640, 480, pixel_box))
    spec = resize_spec({"mode": mode})
    frame, source = decode_frame(data, 64, spec)
    assert frame.shape == (64, 64, 3) and frame.dtype == np.uint8 and source == (640, 480)
    api_box = {"label": "car", "x": 400 / 640, "y": 120 / 480, "width": 160 / 640, "height": 240 / 480}
    (mapped,), dropped = frame_boxes([api_box], source, 64, spec)
    assert dropped == 0 and mapped["label"] == "car"
    x1, y1, x2, y2 = (round(mapped[k] * 64) for k in ("x1", "y1", "x2", "y2"))
    red = (frame[..., 0] > 150) & (frame[..., 1] < 100)
    ys, xs = np.nonzero(red)
    assert abs(xs.min() - x1) <= 1 and abs(xs.max() + 1 - x2) <= 1
    assert abs(ys.min() - y1) <= 1 and abs(ys.max() + 1 - y2) <= 1
    if mode == "letterbox":  # 640x480 -> 64x48, centred: 8 grey rows above and below
        assert mapped["y1"] == pytest.approx((8 + 12) / 64) and mapped["x1"] == pytest.approx(40 / 64)
        assert (frame[:8] == 114).all() and (frame[-8:] == 114).all()


def test_decode_frame_applies_exif_orientation_as_the_boxes_do() -> None:
    """Orientation 6 (rotate 90 clockwise to view): the annotator saw a 480x640 portrait frame."""
    stored = _frame_with_box(640, 480, (0, 0, 160, 120))  # red top-left corner as stored
    data = _jpeg(stored, orientation=6)
    frame, source = decode_frame(data, 64, resize_spec(None, "detection"))
    assert source == (480, 640)
    # Viewed, the red corner is at the top right: x 0.75..1, y 0..0.25 of the portrait frame.
    (mapped,), _ = frame_boxes(
        [{"label": "a", "x": 0.75, "y": 0.0, "width": 0.25, "height": 0.25}], source, 64, LETTERBOX
    )
    assert (mapped["x1"], mapped["x2"]) == (pytest.approx((8 + 36) / 64), pytest.approx((8 + 48) / 64))
    assert (frame[:, :8] == 114).all() and (frame[:, -8:] == 114).all()
    red = (frame[..., 0] > 150) & (frame[..., 1] < 100)
    ys, xs = np.nonzero(red)
    assert (
        abs(xs.min() - 44) <= 1
        and abs(xs.max() + 1 - 56) <= 1
        and ys.min() == 0
        and abs(ys.max() + 1 - 16) <= 1
    )


def test_frame_boxes_clips_and_drops_degenerate_boxes() -> None:
    boxes = [
        {"label": "a", "x": 0.0, "y": 0.0, "width": 0.1, "height": 1.0},  # left band: cropped away
        {"label": "b", "x": 0.1, "y": 0.2, "width": 0.3, "height": 0.3},  # half inside the crop: clipped
        {"label": "c", "x": 0.5, "y": 0.5, "width": 0.001, "height": 0.2},  # under a pixel wide
    ]
    kept, dropped = frame_boxes(boxes, (640, 480), 64, {"mode": "center_crop"})
    assert dropped == 2 and [b["label"] for b in kept] == ["b"]
    # The crop is x 80..560 of 640; the box spans 64..256, clipped to 80..256 -> 0..(176/480).
    assert kept[0]["x1"] == 0.0 and kept[0]["x2"] == pytest.approx(176 / 480, abs=1e-6)
    kept, dropped = frame_boxes(boxes, (640, 480), 64, {"mode": "stretch"})
    assert dropped == 1 and kept[1] == {"label": "b", "x1": 0.1, "y1": 0.2, "x2": 0.4, "y2": 0.5}


@pytest.mark.parametrize(
    "bad",
    [
        {"mode": "fit"},
        {"mode": "letterbox", "pad_value": [1, 2]},
        {"mode": "stretch", "placement": "center"},
        "x",
    ],
)
def test_resize_spec_rejects(bad: Any) -> None:
    with pytest.raises(ValueError):
        resize_spec(bad)


def test_detection_version_records_resize_and_reuses_frames_only_when_they_match(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    frames = [rng.integers(0, 255, (48, 64, 3), dtype=np.uint8) for _ in range(6)]
    jpegs = {hashlib.sha256(_jpeg(f)).hexdigest(): _jpeg(f) for f in frames}
    box = [{"label": "car", "x": 0.25, "y": 0.25, "width": 0.5, "height": 0.5}]
    calls: list[list[str]] = []

    def build(out: Path, shas: list[str], resize: dict[str, Any] | None, previous: Path | None) -> dict:
        decoded = {sha: decode_frame(jpegs[sha], TINY_SIZE, resize_spec(resize, "detection")) for sha in shas}
        records = []
        for sha in shas:
            boxes, _ = frame_boxes(box, decoded[sha][1], TINY_SIZE, resize_spec(resize, "detection"))
            records.append((sha, {"boxes": boxes, "source_size": list(decoded[sha][1])}, "train"))

        def gather(wanted: list[str]) -> np.ndarray:
            calls.append(wanted)
            return np.stack([decoded[sha][0] for sha in wanted])

        return write_dataset_gathered(
            out,
            task_type="detection",
            labels=["car"],
            image_size=TINY_SIZE,
            records=records,
            gather=gather,
            previous=previous,
            resize=resize,
        )

    shas = sorted(jpegs)
    meta = build(tmp_path / "v1", shas[:4], None, None)
    assert meta["resize"] == {
        "mode": "letterbox",
        "filter": "bilinear",
        "placement": "center",
        "pad_value": [114] * 3,
    }
    assert meta["box_format"] == "xyxy-fraction"
    row = json.loads((tmp_path / "v1/manifest.jsonl").read_text().splitlines()[0])
    assert row["source_size"] == [64, 48]
    assert row["boxes"] == [{"label": "car", "x1": 0.25, "y1": 0.3125, "x2": 0.75, "y2": 0.6875}]
    _, boxes, labels = load_detection_split(tmp_path / "v1", "train")
    np.testing.assert_allclose(boxes[0], [[0.25, 0.3125, 0.75, 0.6875]])
    assert labels[0].tolist() == [0]

    calls.clear()
    build(tmp_path / "v2", shas, None, tmp_path / "v1")  # same settings: only the 2 new frames decode
    assert sum(map(len, calls)) == 2
    assert reusable_locations(tmp_path / "v1", TINY_SIZE, {"mode": "stretch"}) == {}
    assert reusable_locations(tmp_path / "v1", TINY_SIZE * 2, resize_spec(None, "detection")) == {}
    calls.clear()
    meta = build(tmp_path / "v3", shas, {"mode": "stretch"}, tmp_path / "v2")  # another resize: all anew
    assert sum(map(len, calls)) == 6 and meta["resize"]["mode"] == "stretch"


def test_detection_records_with_unknown_box_labels_are_refused(tmp_path: Path) -> None:
    image = np.zeros((TINY_SIZE, TINY_SIZE, 3), np.uint8)
    boxes = [{"label": "bus", "x1": 0.1, "y1": 0.1, "x2": 0.5, "y2": 0.5}]
    with pytest.raises(ValueError, match="not in"):
        write_dataset(
            tmp_path / "ds",
            task_type="detection",
            labels=["car"],
            image_size=TINY_SIZE,
            records=[("ab" * 32, boxes, "train", image)],
        )
