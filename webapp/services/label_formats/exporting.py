"""Label export: the project's labeled images read in keyset chunks, written out by the format's writer
as the response streams."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, tuple_
from sqlalchemy.orm import Session

from webapp.models import Annotation, Image, Project, utcnow
from webapp.services import projects
from webapp.services.label_formats.coco import coco_chunks
from webapp.services.label_formats.csv import csv_chunks
from webapp.services.label_formats.formats import CONTENT_TYPES, EXTENSIONS, check_format
from webapp.services.label_formats.yolo import yolo_chunks

# Images read per query.
CHUNK = 500


@dataclass
class Export:
    content_type: str
    filename: str
    chunks: Iterator[bytes]


def export(session: Session, organization_id: int, project_id: int, fmt: str) -> Export:
    """Check the request now (errors still come in the envelope); the file streams when iterated."""
    project = projects.get(session, organization_id, project_id)
    check_format(project.task_type, fmt)
    rows = _labeled(session, project)
    if fmt == "csv":
        chunks = csv_chunks(rows)
    elif fmt == "coco":
        chunks = coco_chunks(project.name, project.labels, utcnow(), rows)
    else:
        chunks = yolo_chunks(project.labels, rows)
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", project.name).strip("-") or f"project-{project.id}"
    return Export(
        content_type=CONTENT_TYPES[fmt],
        filename=f"{slug}-labels-{fmt}.{EXTENSIONS[fmt]}",
        chunks=chunks,
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
