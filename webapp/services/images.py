"""Images: browsing an organization's images by what they are and where they came from, and curating them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select, union_all
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
    sort: str | None = None,
    order: str = "desc",
) -> Page[Image]:
    """One page of images, newest first by default; ranges are inclusive after, exclusive before.

    ``sort`` defaults to capture time when a capture-time range is given (its index then serves both
    the range and the order), else to creation time.

    Each filter leads an index ending in the sort columns, so pages and counts are index range scans.
    """
    scopes = {Project: project_id, Batch: batch_id, Device: device_id}
    if not all(in_org(session, model, organization_id, oid) for model, oid in scopes.items()):
        return Page(items=[], total=0, page=page, per_page=per_page)
    conditions: list[ColumnElement[bool]] = []
    scoped = project_id is not None or batch_id is not None or device_id is not None
    if label is not None:
        condition, scoped_by_label = _has_label(session, organization_id, project_id, label)
        conditions.append(condition)
        scoped = scoped or scoped_by_label
    # A project, batch or device of the organization implies it: leaving organization_id out lets
    # their own indexes answer alone.
    if not scoped:
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
    if captured_after is not None:
        conditions.append(Image.captured_at >= captured_after)
    if captured_before is not None:
        conditions.append(Image.captured_at < captured_before)
    if sort is None:
        sort = "captured" if captured_after or captured_before else "created"
    key = SORTS[sort]
    newest_first = (key.desc(), Image.id.desc())
    oldest_first = (key.asc(), Image.id.asc())
    orders = (newest_first, oldest_first) if order == "desc" else (oldest_first, newest_first)
    total = _organization_total(session, organization_id) if len(conditions) == 1 and not scoped else None
    return _page(session, conditions, orders, page, per_page, total)


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
    orders: tuple[tuple[Any, ...], tuple[Any, ...]],
    page: int,
    per_page: int,
    total: int | None = None,
) -> Page[Image]:
    """Count, page through ids alone (an index-only scan), then load just those rows.

    ``orders`` is the order asked for and its exact reverse: a page in the second half of the list is
    read from the other end, so no page skips more than half of the matching index entries.
    """
    if total is None:
        total = session.scalar(select(func.count()).select_from(Image).where(*conditions)) or 0
    offset = (page - 1) * per_page
    take = max(0, min(per_page, total - offset))
    ids: list[int] = []
    if take:
        skip_back = total - offset - take
        order_by, skip, backwards = (
            (orders[1], skip_back, True) if skip_back < offset else (orders[0], offset, False)
        )
        stmt = select(Image.id).where(*conditions).order_by(*order_by).limit(take).offset(skip)
        ids = list(session.scalars(stmt))
        if backwards:
            ids.reverse()
    rows = {}
    if ids:
        loaded = session.scalars(
            select(Image).where(Image.id.in_(ids)).options(selectinload(Image.annotation))
        )
        rows = {image.id: image for image in loaded}
    return Page(items=[rows[i] for i in ids], total=total, page=page, per_page=per_page)


def _organization_total(session: Session, organization_id: int) -> int:
    """All images of the organization, from the batch counters ingestion keeps (plus any image outside
    a batch), instead of counting every image row for every unfiltered page."""
    in_batches = session.scalar(
        select(func.coalesce(func.sum(Batch.image_count), 0)).where(Batch.organization_id == organization_id)
    )
    # Filtering the organization inside the sum keeps the batch_id index the only one to choose.
    loose = session.scalar(
        select(func.sum(case((Image.organization_id == organization_id, 1), else_=0))).where(
            Image.batch_id.is_(None)
        )
    )
    return int(in_batches or 0) + int(loose or 0)


def _has_label(
    session: Session, organization_id: int, project_id: int | None, label: str
) -> tuple[ColumnElement[bool], bool]:
    """Images whose current annotation uses ``label``: the class of a classification image (on the
    image row), or the label of any box of a detection image (through annotation_labels).

    Returns the condition and whether it already confines the images to the organization.
    """

    def boxes_in(project_ids: list[int]) -> ColumnElement[bool]:
        used = select(AnnotationLabel.annotation_id).where(
            AnnotationLabel.project_id.in_(project_ids), AnnotationLabel.label == label
        )
        return Image.annotation_id.in_(used)

    if project_id is not None:
        project = session.get(Project, project_id)
        detection = project is not None and project.task_type == "detection"
        return (boxes_in([project_id]) if detection else Image.label == label), False
    detection_ids = list(
        session.scalars(
            select(Project.id).where(
                Project.organization_id == organization_id, Project.task_type == "detection"
            )
        )
    )
    if not detection_ids:
        return Image.label == label, False
    # An OR here makes SQLite scan every image of the organization; the ids of two index lookups
    # (classification labels of the organization, annotations of its detection projects), looked up
    # by primary key, give the same images from indexes alone.
    either = union_all(
        select(Image.id).where(Image.organization_id == organization_id, Image.label == label),
        select(Image.id).where(boxes_in(detection_ids)),
    )
    return Image.id.in_(either), True
