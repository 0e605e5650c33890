"""Packed dataset format: roundtrip, byte-identical determinism, split assignment, decoding."""

from __future__ import annotations

import hashlib
import io
import json
import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipelines.dataset import (
    NO_LABEL,
    SPLITS,
    assign_split,
    decode_resize,
    load_split,
    read_meta,
    write_dataset,
)
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
        ["dataset.json", "manifest.jsonl"]
        + [f"{s}/{f}" for s in SPLITS for f in ("images.npy", "labels.npy")]
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
