"""Pairing parsed records with the project's images: by sha256 when the file gives one, else by file
name. A record that matches no image, or several, is reported as a miss and skipped."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from webapp.models import Image, Project
from webapp.services.label_formats.records import Record

# Records looked up per query.
CHUNK = 500
# What the importer reads of each matched image.
MATCH_COLUMNS = (
    Image.id,
    Image.sha256,
    Image.filename,
    Image.project_id,
    Image.width,
    Image.height,
    Image.annotation_id,
)


def match(
    session: Session, project: Project, records: Sequence[Record], miss: Callable[[Record, str], None]
) -> Iterator[tuple[Record, Row[Any]]]:
    """Each record with the project's image it names; ``miss(record, why)`` for the others."""
    by_sha = [r for r in records if r.sha256]
    by_name = [r for r in records if not r.sha256]
    for start in range(0, len(by_sha), CHUNK):
        chunk = by_sha[start : start + CHUNK]
        found = {
            i.sha256: i
            for i in session.execute(
                select(*MATCH_COLUMNS).where(
                    Image.organization_id == project.organization_id,
                    Image.sha256.in_({r.sha256 for r in chunk}),
                )
            )
        }
        for record in chunk:
            image = found.get(record.sha256 or "")
            if image is None:
                miss(record, "no image with this sha256")
            elif image.project_id != project.id:
                miss(record, "the image is not in this project")
            else:
                yield record, image
    for start in range(0, len(by_name), CHUNK):
        chunk = by_name[start : start + CHUNK]
        images: dict[str, list[Row[Any]]] = {}
        for image in session.execute(
            select(*MATCH_COLUMNS).where(
                Image.project_id == project.id, Image.filename.in_({n for r in chunk for n in r.names})
            )
        ):
            images.setdefault(image.filename or "", []).append(image)
        for record in chunk:
            candidates = [i for n in record.names for i in images.get(n, [])]
            if not candidates:
                miss(record, "no image of this project has this file name")
            elif len(candidates) > 1:
                miss(record, f"{len(candidates)} images have this file name; use sha256")
            else:
                yield record, candidates[0]
