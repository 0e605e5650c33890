"""Label files people move between tools: COCO JSON and YOLO txt (zipped) for detection, CSV for
classification. Exports stream; imports match images by sha256 or file name and are all-or-nothing."""

from __future__ import annotations

import csv
import io
import json
import math
import posixpath
import re
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml
from sqlalchemy import Row, select, tuple_
from sqlalchemy.orm import Session

from webapp.errors import Conflict, ValidationError
from webapp.models import Annotation, Image, Project, User, utcnow
from webapp.services import annotations, projects
from webapp.services.common import loads_json

# Which task type each format carries.
FORMATS = {"csv": "classification", "coco": "detection", "yolo": "detection"}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "coco": "application/json", "yolo": "application/zip"}
EXTENSIONS = {"csv": "csv", "coco": "json", "yolo": "zip"}
CHUNK = 500
# Imports report this many unmatched records and errors by name; the counts are always complete.
SAMPLES = 50
SHA256 = re.compile(r"^[0-9a-f]{64}$")
# A YOLO label file names its image by stem; these are the image files it may stand for.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif")
# Zip safety: label files are small text; an archive expanding past these is refused unread.
MAX_MEMBER_BYTES = 1 << 20
MAX_ARCHIVE_BYTES = 512 << 20
# Darknet lists image paths in these files next to the labels; they are not label files.
YOLO_LIST_FILES = {"train.txt", "val.txt", "valid.txt", "test.txt"}
YOLO_CLASS_FILES = ("classes.txt", "obj.names", "data.yaml", "dataset.yaml")


@dataclass
class Export:
    content_type: str
    filename: str
    chunks: Iterator[bytes]


@dataclass
class Record:
    """One image's labels as a file states them, before matching."""

    where: str
    sha256: str | None = None
    names: tuple[str, ...] = ()
    label: str | None = None
    boxes: list[dict[str, Any]] | None = None
    # COCO boxes are in pixels of this (width, height); None: the matched image's own size.
    pixel_size: tuple[float, float] | None = None
    pixels: bool = False

    @property
    def shown(self) -> str:
        return f"{self.where} ({self.sha256 or (self.names[0] if self.names else '?')})"


@dataclass
class ImportReport:
    format: str
    dry_run: bool
    records: int = 0
    matched: int = 0
    unmatched: int = 0
    invalid: int = 0
    created: int = 0
    unchanged: int = 0
    unmatched_samples: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def error(self, message: str) -> None:
        self.invalid += 1
        if len(self.errors) < SAMPLES:
            self.errors.append(message)

    def miss(self, record: Record, why: str) -> None:
        self.unmatched += 1
        if len(self.unmatched_samples) < SAMPLES:
            self.unmatched_samples.append(f"{record.shown}: {why}")


# --- export -------------------------------------------------------------------------------------


def export(session: Session, organization_id: int, project_id: int, fmt: str) -> Export:
    """Check the request now (errors still come in the envelope); the file streams when iterated."""
    project = projects.get(session, organization_id, project_id)
    _check_format(project, fmt)
    writers: dict[str, Callable[[Session, Project], Iterator[bytes]]] = {
        "csv": _csv_chunks,
        "coco": _coco_chunks,
        "yolo": _yolo_chunks,
    }
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", project.name).strip("-") or f"project-{project.id}"
    return Export(
        content_type=CONTENT_TYPES[fmt],
        filename=f"{slug}-labels-{fmt}.{EXTENSIONS[fmt]}",
        chunks=writers[fmt](session, project),
    )


def _labeled(session: Session, project: Project) -> Iterator[list[Row[Any]]]:
    """The project's labeled images with their current label, oldest first, in keyset chunks."""
    columns = (
        Image.id,
        Image.sha256,
        Image.filename,
        Image.format,
        Image.width,
        Image.height,
        Image.created_at,
        Annotation.label,
        Annotation.boxes,
    )
    base = (
        select(*columns)
        .join(Annotation, Annotation.id == Image.annotation_id)
        .where(Image.project_id == project.id, Image.labeled == True)  # noqa: E712 (indexed equality)
        .order_by(Image.created_at, Image.id)
        .limit(CHUNK)
    )
    after: tuple[datetime, int] | None = None
    while True:
        stmt = base if after is None else base.where(tuple_(Image.created_at, Image.id) > after)
        rows = session.execute(stmt).all()
        if not rows:
            return
        yield rows
        after = (rows[-1].created_at, rows[-1].id)


def _file_name(row: Row[Any]) -> str:
    return row.filename or f"{row.sha256}.{row.format.lower()}"


def _csv_chunks(session: Session, project: Project) -> Iterator[bytes]:
    yield b"sha256,label\r\n"
    for rows in _labeled(session, project):
        out = io.StringIO()
        csv.writer(out).writerows((row.sha256, row.label) for row in rows)
        yield out.getvalue().encode()


def _coco_chunks(session: Session, project: Project) -> Iterator[bytes]:
    """COCO in one pass: images go out as they are read, annotations wait in a spooled file."""
    categories = [{"id": i + 1, "name": name, "supercategory": ""} for i, name in enumerate(project.labels)]
    category_ids = {c["name"]: c["id"] for c in categories}
    info = {
        "description": f"Acusight project {project.name}",
        "date_created": utcnow().isoformat(),
        "version": "1.0",
    }
    head = json.dumps({"info": info, "licenses": [], "categories": categories})
    yield (head[:-1] + ', "images": [').encode()
    annotation_id = 0
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
        first = True
        for rows in _labeled(session, project):
            images, boxes = [], []
            for row in rows:
                images.append(
                    {
                        "id": row.id,
                        "file_name": _file_name(row),
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


class _Pipe(io.RawIOBase):
    """A write-only, unseekable sink whose bytes are drained after each zip member."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def _yolo_chunks(session: Session, project: Project) -> Iterator[bytes]:
    """A zip of classes.txt and labels/<sha256>.txt (class cx cy w h, normalized), built as it streams."""
    class_ids = {name: i for i, name in enumerate(project.labels)}
    pipe = _Pipe()
    # zipfile writes data descriptors to an unseekable sink, so no member needs to be held back.
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("classes.txt", "".join(f"{name}\n" for name in project.labels))
        yield pipe.drain()
        for rows in _labeled(session, project):
            for row in rows:
                lines = "".join(
                    f"{class_ids[b['label']]} {b['x'] + b['width'] / 2:.6f} {b['y'] + b['height'] / 2:.6f} "
                    f"{b['width']:.6f} {b['height']:.6f}\n"
                    for b in row.boxes or ()
                )
                archive.writestr(f"labels/{row.sha256}.txt", lines)
            yield pipe.drain()
    yield pipe.drain()


def _check_format(project: Project, fmt: str) -> None:
    if FORMATS[fmt] != project.task_type:
        usable = ", ".join(f for f, kind in FORMATS.items() if kind == project.task_type)
        raise ValidationError(
            f"Format {fmt} is not for {project.task_type} projects", f"use one of: {usable}"
        )


# --- import -------------------------------------------------------------------------------------


def import_labels(
    session: Session,
    organization_id: int,
    project_id: int,
    *,
    fmt: str,
    data: bytes,
    annotator: User | None,
    source: str = "manual",
    dry_run: bool = False,
) -> ImportReport:
    """Match the file's records to the project's images and annotate them, all or nothing.

    Records matching no image of the project are skipped and reported; records equal to an image's
    current annotation are left alone. Any invalid record (unknown label, box outside the image,
    unreadable line) fails the whole import with nothing written; ``dry_run`` reports without writing.
    """
    project = projects.get(session, organization_id, project_id)
    _check_format(project, fmt)
    if project.archived:
        raise Conflict("The project is archived", f"project {project.id} is archived; unarchive it first")
    report = ImportReport(format=fmt, dry_run=dry_run)
    records = PARSERS[fmt](data, report)
    report.records = len(records) + report.invalid
    planned = _plan(session, project, records, report)
    if report.invalid and not dry_run:
        raise ValidationError(
            f"{report.invalid} invalid records; nothing was imported",
            "; ".join(report.errors[:20]) + ("; …" if report.invalid > 20 else ""),
        )
    report.created = len(planned)
    if dry_run or not planned:
        session.rollback()
        return report
    for start in range(0, len(planned), CHUNK):
        chunk = planned[start : start + CHUNK]
        images = annotations.lock_images(session, [image_id for image_id, _, _ in chunk])
        annotations.attach(
            session,
            [
                (
                    images[image_id],
                    Annotation(
                        organization_id=organization_id,
                        image_id=image_id,
                        project_id=project.id,
                        label=label,
                        boxes=boxes,
                        source=source,
                        annotator_id=annotator.id if annotator else None,
                        annotator_email=annotator.email if annotator else None,
                    ),
                )
                for image_id, label, boxes in chunk
            ],
        )
    session.commit()
    return report


Labels = tuple[str | None, list[dict[str, Any]] | None]
Plan = tuple[int, str | None, list[dict[str, Any]] | None]


def _plan(session: Session, project: Project, records: Sequence[Record], report: ImportReport) -> list[Plan]:
    """Match and validate every record; returns the annotations to create (image id, label, boxes)."""
    wanted: dict[int, Labels] = {}
    first_seen: dict[int, str] = {}
    current_ids: dict[int, int | None] = {}
    for record, image in _match(session, project, records, report):
        try:
            boxes = _normalized(record, image) if record.boxes is not None else None
            labels = annotations.validate(project, record.label, boxes)
        except ValidationError as exc:
            report.error(f"{record.shown}: {exc.details or exc.message}")
            continue
        report.matched += 1
        if image.id in wanted:
            if not _same(wanted[image.id], labels):
                report.error(
                    f"{record.shown}: image {image.id} is labeled differently by {first_seen[image.id]}"
                )
            continue
        wanted[image.id], first_seen[image.id] = labels, record.where
        current_ids[image.id] = image.annotation_id
    current: dict[int, Labels] = {}
    annotation_ids = [a for a in current_ids.values() if a is not None]
    for start in range(0, len(annotation_ids), CHUNK):
        rows = session.execute(
            select(Annotation.id, Annotation.label, Annotation.boxes).where(
                Annotation.id.in_(annotation_ids[start : start + CHUNK])
            )
        )
        current.update((row.id, (row.label, row.boxes)) for row in rows)
    plans = []
    for image_id, labels in wanted.items():
        annotation_id = current_ids[image_id]
        if annotation_id is not None and _same(current.get(annotation_id), labels):
            report.unchanged += 1
        else:
            plans.append((image_id, *labels))
    return plans


def _same(a: tuple[Any, ...] | None, b: tuple[Any, ...] | None) -> bool:
    """Equal labels, and boxes equal up to what a pixel round trip changes."""
    if a is None or b is None:
        return a is b
    (label_a, boxes_a), (label_b, boxes_b) = a, b
    if label_a != label_b or (boxes_a is None) != (boxes_b is None):
        return False
    if boxes_a is None or boxes_b is None:
        return True
    if len(boxes_a) != len(boxes_b):
        return False

    def key(box: dict[str, Any]) -> tuple[Any, ...]:
        return (box["label"], box["x"], box["y"], box["width"], box["height"])

    return all(
        p["label"] == q["label"]
        and all(math.isclose(p[k], q[k], abs_tol=1e-4) for k in ("x", "y", "width", "height"))
        for p, q in zip(sorted(boxes_a, key=key), sorted(boxes_b, key=key), strict=True)
    )


def _normalized(record: Record, image: Row[Any]) -> list[dict[str, Any]]:
    """Boxes in fractions of the image; pixel boxes may overshoot an edge by half a pixel (rounding)."""
    boxes = record.boxes or []
    if not record.pixels:
        return boxes
    width, height = record.pixel_size or (image.width, image.height)
    out = []
    for box in boxes:
        x, y, w, h = box["x"] / width, box["y"] / height, box["width"] / width, box["height"] / height
        slack_x, slack_y = 0.5 / width, 0.5 / height
        if -slack_x <= x < 0:
            w, x = w + x, 0.0
        if -slack_y <= y < 0:
            h, y = h + y, 0.0
        if 1 < x + w <= 1 + slack_x:
            w = 1 - x
        if 1 < y + h <= 1 + slack_y:
            h = 1 - y
        out.append({"label": box["label"], "x": x, "y": y, "width": w, "height": h})
    return out


MATCH_COLUMNS = (Image.id, Image.sha256, Image.filename, Image.project_id, Image.width, Image.height)


def _match(
    session: Session, project: Project, records: Sequence[Record], report: ImportReport
) -> Iterator[tuple[Record, Row[Any]]]:
    """Pair records with the project's images: by sha256 when the file gives one, else by file name."""
    by_sha = [r for r in records if r.sha256]
    by_name = [r for r in records if not r.sha256]
    for start in range(0, len(by_sha), CHUNK):
        chunk = by_sha[start : start + CHUNK]
        found = {
            i.sha256: i
            for i in session.execute(
                select(*MATCH_COLUMNS, Image.annotation_id).where(
                    Image.organization_id == project.organization_id,
                    Image.sha256.in_({r.sha256 for r in chunk}),
                )
            )
        }
        for record in chunk:
            image = found.get(record.sha256 or "")
            if image is None:
                report.miss(record, "no image with this sha256")
            elif image.project_id != project.id:
                report.miss(record, "the image is not in this project")
            else:
                yield record, image
    for start in range(0, len(by_name), CHUNK):
        chunk = by_name[start : start + CHUNK]
        images: dict[str, list[Row[Any]]] = {}
        for image in session.execute(
            select(*MATCH_COLUMNS, Image.annotation_id).where(
                Image.project_id == project.id, Image.filename.in_({n for r in chunk for n in r.names})
            )
        ):
            images.setdefault(image.filename or "", []).append(image)
        for record in chunk:
            candidates = [i for n in record.names for i in images.get(n, [])]
            if not candidates:
                report.miss(record, "no image of this project has this file name")
            elif len(candidates) > 1:
                report.miss(record, f"{len(candidates)} images have this file name; use sha256")
            else:
                yield record, candidates[0]


def _name_record(where: str, name: str, *, stem: bool = False) -> Record:
    """A record naming its image by file name (or YOLO stem); a sha256 name is taken as the hash."""
    base = posixpath.basename(name.replace("\\", "/")).strip()
    root, suffix = posixpath.splitext(base)
    bare = base if stem else root
    if SHA256.match(bare.lower()) and (stem or suffix.lower() in IMAGE_SUFFIXES):
        return Record(where=where, sha256=bare.lower())
    if stem:
        names = (base, *(base + s for s in IMAGE_SUFFIXES), *(base + s.upper() for s in IMAGE_SUFFIXES))
        return Record(where=where, names=names)
    return Record(where=where, names=(base,))


def _parse_csv(data: bytes, report: ImportReport) -> list[Record]:
    """``sha256,label`` (or ``filename,label``) with a header row; a headerless file is sha256,label."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The CSV is not UTF-8 text") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ValidationError("The CSV is empty", "expected a header: sha256,label")
    header = [cell.strip().lower() for cell in rows[0]]
    if SHA256.match(header[0] if header else ""):
        key_col, label_col, start = 0, 1, 0
    else:
        keys = [c for c in ("sha256", "filename", "file_name", "file") if c in header]
        if not keys or "label" not in header:
            raise ValidationError("The CSV needs a header", "columns: sha256,label (or filename,label)")
        key_col, label_col, start = header.index(keys[0]), header.index("label"), 1
    by_hash = start == 0 or header[key_col] == "sha256"
    records = []
    for number, row in enumerate(rows[start:], start=start + 1):
        if not any(cell.strip() for cell in row):
            continue
        where = f"row {number}"
        if len(row) <= max(key_col, label_col):
            report.error(f"{where}: expected {max(key_col, label_col) + 1} columns")
            continue
        key, label = row[key_col].strip(), row[label_col].strip()
        if not key or not label:
            report.error(f"{where}: empty {'label' if key else 'image'}")
            continue
        if by_hash:
            if not SHA256.match(key.lower()):
                report.error(f"{where}: {key!r} is not a sha256 (64 hex digits)")
                continue
            record = Record(where=where, sha256=key.lower())
        else:
            record = _name_record(where, key)
        record.label = label
        records.append(record)
    return records


def _parse_coco(data: bytes, report: ImportReport) -> list[Record]:
    """COCO detection JSON: images (matched by sha256 or file_name), categories, bbox in pixels."""
    try:
        doc = loads_json(data)
    except ValueError as exc:  # not UTF-8, not JSON, or nested too deeply
        raise ValidationError("The file is not JSON", str(exc)) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("images"), list):
        raise ValidationError("Not a COCO file", "expected an object with images, annotations, categories")
    categories = {c.get("id"): c.get("name") for c in doc.get("categories") or [] if isinstance(c, dict)}
    records: dict[Any, Record] = {}
    for n, entry in enumerate(doc["images"]):
        where = f"images[{n}]"
        if not isinstance(entry, dict) or "id" not in entry:
            report.error(f"{where}: an image needs an id")
            continue
        sha = str(entry.get("sha256") or "").lower()
        if SHA256.match(sha):
            record = Record(where=where, sha256=sha)
        elif entry.get("file_name"):
            record = _name_record(where, str(entry["file_name"]))
        else:
            report.error(f"{where}: an image needs a file_name or sha256")
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
            report.error(f"{where}: image_id names no image of the file")
            continue
        bbox = ann.get("bbox")
        if not (isinstance(bbox, list) and len(bbox) == 4 and all(_number(v) for v in bbox)):
            report.error(f"{where}: bbox must be [x, y, width, height] in pixels")
            continue
        if ann.get("category_id") not in categories:
            report.error(f"{where}: category_id {ann.get('category_id')!r} is not among the categories")
            continue
        x, y, w, h = (float(v) for v in bbox)
        assert record.boxes is not None
        record.boxes.append(
            {"label": categories[ann["category_id"]], "x": x, "y": y, "width": w, "height": h}
        )
    return list(records.values())


def _parse_yolo(data: bytes, report: ImportReport) -> list[Record]:
    """A zip of YOLO label files (``class cx cy w h`` normalized, one file per image, named by its
    stem) with the class names in classes.txt, obj.names or a data.yaml ``names``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValidationError("YOLO labels come as a zip", "the file is not a zip archive") from None
    members = [m for m in archive.infolist() if not m.is_dir()]
    if sum(m.file_size for m in members) > MAX_ARCHIVE_BYTES or any(
        m.file_size > MAX_MEMBER_BYTES for m in members
    ):
        raise ValidationError("The archive is too large", f"label files are at most {MAX_MEMBER_BYTES} bytes")
    names = _yolo_classes(archive, members)
    records = []
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
        record = _name_record(member.filename, base[: -len(".txt")], stem=True)
        record.boxes = []
        try:
            text = _read_member(archive, member).decode("utf-8-sig")
        except UnicodeDecodeError:
            report.error(f"{member.filename}: not UTF-8 text")
            continue
        ok = True
        for number, line in enumerate(text.splitlines(), start=1):
            fields = line.split()
            if not fields:
                continue
            box = _yolo_box(fields, names)
            if isinstance(box, str):
                report.error(f"{member.filename} line {number}: {box}")
                ok = False
                break
            record.boxes.append(box)
        if ok:
            records.append(record)
    return records


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """A member's bytes; a damaged, encrypted or oddly compressed one refuses the whole file."""
    try:
        return archive.read(member)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
        raise ValidationError("The zip archive is damaged", f"{member.filename}: {exc}") from None


def _yolo_classes(archive: zipfile.ZipFile, members: Iterable[zipfile.ZipInfo]) -> list[str]:
    found = sorted(
        (m for m in members if posixpath.basename(m.filename) in YOLO_CLASS_FILES),
        key=lambda m: (m.filename.count("/"), YOLO_CLASS_FILES.index(posixpath.basename(m.filename))),
    )
    if not found:
        raise ValidationError(
            "The archive has no class names", "add classes.txt (one class per line, in class-id order)"
        )
    text = _read_member(archive, found[0]).decode("utf-8-sig", errors="replace")
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


def _yolo_box(fields: list[str], names: list[str]) -> dict[str, Any] | str:
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
    return {"label": names[cls], "x": cx - w / 2, "y": cy - h / 2, "width": w, "height": h}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _positive(value: Any) -> bool:
    return _number(value) and value > 0


PARSERS: dict[str, Callable[[bytes, ImportReport], list[Record]]] = {
    "csv": _parse_csv,
    "coco": _parse_coco,
    "yolo": _parse_yolo,
}
