"""COCO detection JSON, read and written. Pure: a parsed document in, records out; rows in, bytes out.

COCO states boxes in pixels (``bbox: [x, y, width, height]``); the records keep them so, and the
importer turns them into fractions of the matched image.
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from webapp.errors import ValidationError
from webapp.services.label_formats.records import SHA256, Box, LabeledImage, Parsed, Record, name_record


def parse_coco(doc: Any) -> Parsed:
    """A COCO detection document (as JSON parsed it): images (matched by sha256 or file_name),
    categories, and annotations with a bbox in pixels.

    A document that is not COCO at all raises ValidationError; an image or annotation that cannot be
    read is an error of the result, and the others are still read.
    """
    if not isinstance(doc, dict) or not isinstance(doc.get("images"), list):
        raise ValidationError("Not a COCO file", "expected an object with images, annotations, categories")
    categories = {c.get("id"): c.get("name") for c in doc.get("categories") or [] if isinstance(c, dict)}
    parsed = Parsed()
    records: dict[Any, Record] = {}
    for n, entry in enumerate(doc["images"]):
        where = f"images[{n}]"
        if not isinstance(entry, dict) or "id" not in entry:
            parsed.errors.append(f"{where}: an image needs an id")
            continue
        sha = str(entry.get("sha256") or "").lower()
        if SHA256.match(sha):
            record = Record(where=where, sha256=sha)
        elif entry.get("file_name"):
            record = name_record(where, str(entry["file_name"]))
        else:
            parsed.errors.append(f"{where}: an image needs a file_name or sha256")
            continue
        width, height = entry.get("width"), entry.get("height")
        if _positive(width) and _positive(height):
            record.pixel_size = (float(width), float(height))
        record.boxes, record.pixels = [], True
        records[entry["id"]] = record
    for n, ann in enumerate(doc.get("annotations") or []):
        where = f"annotations[{n}]"
        record = records.get(ann.get("image_id")) if isinstance(ann, dict) else None
        if record is None:
            parsed.errors.append(f"{where}: image_id names no image of the file")
            continue
        bbox = ann.get("bbox")
        if not (isinstance(bbox, list) and len(bbox) == 4 and all(_number(v) for v in bbox)):
            parsed.errors.append(f"{where}: bbox must be [x, y, width, height] in pixels")
            continue
        if ann.get("category_id") not in categories:
            parsed.errors.append(
                f"{where}: category_id {ann.get('category_id')!r} is not among the categories"
            )
            continue
        x, y, w, h = (float(v) for v in bbox)
        assert record.boxes is not None
        record.boxes.append(Box(label=categories[ann["category_id"]], x=x, y=y, width=w, height=h))
    parsed.records = list(records.values())
    return parsed


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _positive(value: Any) -> bool:
    return _number(value) and value > 0


def coco_chunks(
    project_name: str, labels: Sequence[str], created: datetime, chunks: Iterable[Sequence[LabeledImage]]
) -> Iterator[bytes]:
    """COCO in one pass: images go out as they are read, annotations wait in a spooled file."""
    categories = [{"id": i + 1, "name": name, "supercategory": ""} for i, name in enumerate(labels)]
    category_ids = {c["name"]: c["id"] for c in categories}
    info = {
        "description": f"Acusight project {project_name}",
        "date_created": created.isoformat(),
        "version": "1.0",
    }
    head = json.dumps({"info": info, "licenses": [], "categories": categories})
    yield (head[:-1] + ', "images": [').encode()
    annotation_id = 0
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
        first = True
        for rows in chunks:
            images, boxes = [], []
            for row in rows:
                images.append(
                    {
                        "id": row.id,
                        "file_name": file_name(row),
                        "width": row.width,
                        "height": row.height,
                        "sha256": row.sha256,
                    }
                )
                for box in row.boxes or ():
                    annotation_id += 1
                    bbox = [
                        round(box["x"] * row.width, 3),
                        round(box["y"] * row.height, 3),
                        round(box["width"] * row.width, 3),
                        round(box["height"] * row.height, 3),
                    ]
                    boxes.append(
                        {
                            "id": annotation_id,
                            "image_id": row.id,
                            "category_id": category_ids[box["label"]],
                            "bbox": bbox,
                            "area": round(bbox[2] * bbox[3], 3),
                            "iscrowd": 0,
                        }
                    )
            yield (("" if first else ",") + ",".join(json.dumps(i) for i in images)).encode()
            if boxes:
                spool.write((("," if spool.tell() else "") + ",".join(json.dumps(b) for b in boxes)).encode())
            first = False
        yield b'], "annotations": ['
        spool.seek(0)
        yield from iter(lambda: spool.read(1 << 16), b"")
    yield b"]}"


def file_name(row: LabeledImage) -> str:
    """The image's own file name, or one made of its hash and format."""
    return row.filename or f"{row.sha256}.{row.format.lower()}"
