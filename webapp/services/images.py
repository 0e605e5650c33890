"""Images: browsing an organization's images by what they are and where they came from, and curating them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from webapp.models import AnnotationLabel, Batch, Device, Image, Project
from webapp.services.common import Page, get_in_org, in_org

SORTS = {"created": Image.created_at, "captured": Image.captured_at}


def list_(
    session: Session,
    organization_id: int,
    page: int,
    per_page: int,
    project_id: int | None = None,
    batch_id: int | None = None,
    device_id: int | None = None,
    status: str | None = None,
    labeled: bool | None = None,
    label: str | None = None,
    captured_after: datetime | None = None,
    captured_before: datetime | None = None,
    sort: str = "created",
    order: str = "desc",
) -> Page[Image]:
    """One page of images, newest first by default; ranges are inclusive after, exclusive before.

    Each filter leads an index ending in the sort columns, so pages and counts are index range scans.
    """
    scopes = {Project: project_id, Batch: batch_id, Device: device_id}
    if not all(in_org(session, model, organization_id, oid) for model, oid in scopes.items()):
        return Page(items=[], total=0, page=page, per_page=per_page)
    conditions: list[ColumnElement[bool]] = []
    # A project, batch or device of the organization implies it: leaving organization_id out lets
    # their own indexes answer alone.
    if project_id is None and batch_id is None and device_id is None:
        conditions.append(Image.organization_id == organization_id)
    for column, value in (
        (Image.project_id, project_id),
        (Image.batch_id, batch_id),
        (Image.device_id, device_id),
        (Image.status, status),
        (Image.labeled, labeled),
    ):
        if value is not None:
            conditions.append(column == value)
    if label is not None:
        conditions.append(_has_label(session, organization_id, project_id, label))
    if captured_after is not None:
        conditions.append(Image.captured_at >= captured_after)
    if captured_before is not None:
        conditions.append(Image.captured_at < captured_before)
    key = SORTS[sort]
    order_by = (key.desc(), Image.id.desc()) if order == "desc" else (key.asc(), Image.id.asc())
    return _page(session, conditions, order_by, page, per_page)


def get(session: Session, organization_id: int, image_id: int) -> Image:
    return get_in_org(session, Image, organization_id, image_id)


def update(session: Session, organization_id: int, image_id: int, changes: dict[str, Any]) -> Image:
    image = get(session, organization_id, image_id)
    if "tags" in changes:
        # Order kept, repeats dropped: tags are a small set people type.
        changes["tags"] = list(dict.fromkeys(changes["tags"]))
    for key, value in changes.items():
        setattr(image, key, value)
    session.commit()
    return image


def _page(
    session: Session,
    conditions: list[ColumnElement[bool]],
    order_by: tuple[Any, ...],
    page: int,
    per_page: int,
) -> Page[Image]:
    """Count, then page through ids alone (an index-only scan, also for deep pages), then load the rows."""
    total = session.scalar(select(func.count()).select_from(Image).where(*conditions)) or 0
    offset = (page - 1) * per_page
    ids: list[int] = []
    if offset < total:
        ids = list(
            session.scalars(
                select(Image.id).where(*conditions).order_by(*order_by).limit(per_page).offset(offset)
            )
        )
    rows = {}
    if ids:
        loaded = session.scalars(
            select(Image).where(Image.id.in_(ids)).options(selectinload(Image.annotation))
        )
        rows = {image.id: image for image in loaded}
    return Page(items=[rows[i] for i in ids], total=total, page=page, per_page=per_page)


def _has_label(
    session: Session, organization_id: int, project_id: int | None, label: str
) -> ColumnElement[bool]:
    """Images whose current annotation uses ``label``: the class of a classification image (on the
    image row), or the label of any box of a detection image (through annotation_labels)."""

    def boxes_in(project_ids: list[int]) -> ColumnElement[bool]:
        used = select(AnnotationLabel.annotation_id).where(
            AnnotationLabel.project_id.in_(project_ids), AnnotationLabel.label == label
        )
        return Image.annotation_id.in_(used)

    if project_id is not None:
        project = session.get(Project, project_id)
        detection = project is not None and project.task_type == "detection"
        return boxes_in([project_id]) if detection else Image.label == label
    detection_ids = list(
        session.scalars(
            select(Project.id).where(
                Project.organization_id == organization_id, Project.task_type == "detection"
            )
        )
    )
    if not detection_ids:
        return Image.label == label
    # Each side has its own index: (organization_id, label, …) and annotation_id.
    return or_(Image.label == label, boxes_in(detection_ids))
