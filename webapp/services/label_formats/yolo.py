"""YOLO detection labels, a zip of ``class cx cy w h`` text files, read and written. Pure: bytes in,
records out; rows in, bytes out.

Coordinates are normalized and the records keep them so; whether a box lies inside its image is the
importer's check (as for every annotation), not the parser's.
"""

from __future__ import annotations

import math
import posixpath
import zipfile
from collections.abc import Iterable, Iterator, Sequence

import yaml

from webapp.errors import ValidationError
from webapp.services.label_formats.archive import Pipe, open_archive, read_member
from webapp.services.label_formats.records import Box, LabeledImage, Parsed, name_record

# Darknet lists image paths in these files next to the labels; they are not label files.
YOLO_LIST_FILES = {"train.txt", "val.txt", "valid.txt", "test.txt"}
# Where the class names may be, most preferred first (at the same depth in the archive).
YOLO_CLASS_FILES = ("classes.txt", "obj.names", "data.yaml", "dataset.yaml")


def parse_yolo(data: bytes) -> Parsed:
    """A zip of YOLO label files (``class cx cy w h`` normalized, one file per image, named by its
    stem) with the class names in classes.txt, obj.names or a data.yaml ``names``.

    An archive that cannot be read (not a zip, too large, damaged, no class names) raises
    ValidationError; a label file with a bad line is an error of the result, and the other files are
    still read.
    """
    archive, members = open_archive(data, "YOLO labels")
    names = yolo_classes(archive, members)
    parsed = Parsed()
    for member in members:
        base = posixpath.basename(member.filename)
        path_parts = member.filename.split("/")
        if (
            not base.endswith(".txt")
            or base in YOLO_CLASS_FILES
            or (len(path_parts) == 1 and base in YOLO_LIST_FILES)
            or base.startswith(".")
            or "__MACOSX" in path_parts
        ):
            continue
        record = name_record(member.filename, base[: -len(".txt")], stem=True)
        boxes: list[Box] = []
        record.boxes = boxes
        try:
            text = read_member(archive, member).decode("utf-8-sig")
        except UnicodeDecodeError:
            parsed.errors.append(f"{member.filename}: not UTF-8 text")
            continue
        ok = True
        for number, line in enumerate(text.splitlines(), start=1):
            fields = line.split()
            if not fields:
                continue
            box = yolo_box(fields, names)
            if isinstance(box, str):
                parsed.errors.append(f"{member.filename} line {number}: {box}")
                ok = False
                break
            boxes.append(box)
        if ok:
            parsed.records.append(record)
    return parsed


def yolo_classes(archive: zipfile.ZipFile, members: Iterable[zipfile.ZipInfo]) -> list[str]:
    """The class names, in class-id order, from the shallowest class file of the archive."""
    found = sorted(
        (m for m in members if posixpath.basename(m.filename) in YOLO_CLASS_FILES),
        key=lambda m: (m.filename.count("/"), YOLO_CLASS_FILES.index(posixpath.basename(m.filename))),
    )
    if not found:
        raise ValidationError(
            "The archive has no class names", "add classes.txt (one class per line, in class-id order)"
        )
    text = read_member(archive, found[0]).decode("utf-8-sig", errors="replace")
    if not found[0].filename.endswith(".yaml"):
        return [line.strip() for line in text.splitlines() if line.strip()]
    try:
        names = (yaml.safe_load(text) or {}).get("names")
    except yaml.YAMLError:
        names = None
    if isinstance(names, dict):
        return [str(names[k]) for k in sorted(names)]
    if isinstance(names, list):
        return [str(n) for n in names]
    raise ValidationError("Unreadable class names", f"{found[0].filename} has no names list")


def yolo_box(fields: list[str], names: list[str]) -> Box | str:
    """One ``class cx cy w h [confidence]`` line as a normalized box, or why it is not one."""
    if len(fields) not in (5, 6):
        return "expected: class cx cy width height"
    try:
        cls = int(fields[0])
        cx, cy, w, h = (float(v) for v in fields[1:5])
    except ValueError:
        return "class must be an integer and the coordinates numbers"
    if not 0 <= cls < len(names):
        return f"class {cls} is not in the class list ({len(names)} classes)"
    if not all(math.isfinite(v) for v in (cx, cy, w, h)):
        return "coordinates must be finite"
    return Box(label=names[cls], x=cx - w / 2, y=cy - h / 2, width=w, height=h)


def yolo_chunks(labels: Sequence[str], chunks: Iterable[Sequence[LabeledImage]]) -> Iterator[bytes]:
    """A zip of classes.txt and labels/<sha256>.txt (class cx cy w h, normalized), built as it streams."""
    class_ids = {name: i for i, name in enumerate(labels)}
    pipe = Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("classes.txt", "".join(f"{name}\n" for name in labels))
        yield pipe.drain()
        for rows in chunks:
            for row in rows:
                lines = "".join(
                    f"{class_ids[b['label']]} {b['x'] + b['width'] / 2:.6f} {b['y'] + b['height'] / 2:.6f} "
                    f"{b['width']:.6f} {b['height']:.6f}\n"
                    for b in row.boxes or ()
                )
                archive.writestr(f"labels/{row.sha256}.txt", lines)
            yield pipe.drain()
    yield pipe.drain()
