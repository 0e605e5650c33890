"""Label import: parse the file, match its records to the project's images, and annotate them, all or
nothing. The only part of label import that touches the database (with matching)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from webapp.errors import Conflict, ValidationError
from webapp.models import Annotation, Project, User
from webapp.services import annotations, projects
from webapp.services.common import loads_json
from webapp.services.label_formats.coco import parse_coco
from webapp.services.label_formats.csv import parse_csv
from webapp.services.label_formats.formats import check_format
from webapp.services.label_formats.matching import match
from webapp.services.label_formats.records import Parsed, Record
from webapp.services.label_formats.yolo import parse_yolo

# Annotations written per statement.
CHUNK = 500
# Imports report this many unmatched records and errors by name; the counts are always complete.
SAMPLES = 50


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


def _parse_coco_json(data: bytes) -> Parsed:
    try:
        doc = loads_json(data)
    except ValueError as exc:  # not UTF-8, not JSON, or nested too deeply
        raise ValidationError("The file is not JSON", str(exc)) from None
    return parse_coco(doc)


PARSERS: dict[str, Callable[[bytes], Parsed]] = {
    "csv": parse_csv,
    "coco": _parse_coco_json,
    "yolo": parse_yolo,
}


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
    check_format(project.task_type, fmt)
    if project.archived:
        raise Conflict("The project is archived", f"project {project.id} is archived; unarchive it first")
    report = ImportReport(format=fmt, dry_run=dry_run)
    parsed = PARSERS[fmt](data)
    for message in parsed.errors:
        report.error(message)
    report.records = len(parsed.records) + report.invalid
    planned = _plan(session, project, parsed.records, report)
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
    session.flush()
    return report


Labels = tuple[str | None, list[dict[str, Any]] | None]
Plan = tuple[int, str | None, list[dict[str, Any]] | None]


def _plan(session: Session, project: Project, records: Sequence[Record], report: ImportReport) -> list[Plan]:
    """Match and validate every record; returns the annotations to create (image id, label, boxes)."""
    wanted: dict[int, Labels] = {}
    first_seen: dict[int, str] = {}
    current_ids: dict[int, int | None] = {}
    for record, image in match(session, project, records, report.miss):
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
        return [box.as_dict() for box in boxes]
    width, height = record.pixel_size or (image.width, image.height)
    out = []
    for box in boxes:
        x, y, w, h = box.x / width, box.y / height, box.width / width, box.height / height
        slack_x, slack_y = 0.5 / width, 0.5 / height
        if -slack_x <= x < 0:
            w, x = w + x, 0.0
        if -slack_y <= y < 0:
            h, y = h + y, 0.0
        if 1 < x + w <= 1 + slack_x:
            w = 1 - x
        if 1 < y + h <= 1 + slack_y:
            h = 1 - y
        out.append({"label": box.label, "x": x, "y": y, "width": w, "height": h})
    return out
