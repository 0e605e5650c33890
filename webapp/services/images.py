"""Images: browsing an organization's images by what they are and where they came from, and curating them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, select, union_all
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
    scoped = project_id is not None or batch_id is not None or device_id is not None
    # A project, batch or device of the organization implies it: leaving organization_id out lets
    # their own indexes answer alone.
    organization = [] if scoped else [Image.organization_id == organization_id]
    if label is None:
        branches = [organization + conditions]
    else:
        branches = [
            [*(organization if org_needed else []), *label_conditions, *conditions]
            for label_conditions, org_needed in _label_branches(session, organization_id, project_id, label)
        ]
    if sort is None:
        sort = "captured" if captured_after or captured_before else "created"
    total = None
    if label is None and not conditions and not scoped:
        total = _organization_total(session, organization_id)
    return _page(session, branches, SORTS[sort], order == "desc", page, per_page, total)


def get(session: Session, organization_id: int, image_id: int) -> Image:
    return get_in_org(session, Image, organization_id, image_id)


def update(session: Session, organization_id: int, image_id: int, changes: dict[str, Any]) -> Image:
    image = get(session, organization_id, image_id)
    if "tags" in changes:
        # Order kept, repeats dropped: tags are a small set people type.
        changes["tags"] = list(dict.fromkeys(changes["tags"]))
    for key, value in changes.items():
        setattr(image, key, value)
    session.flush()
    return image


def _page(
    session: Session,
    branches: list[list[ColumnElement[bool]]],
    key: Any,
    descending: bool,
    page: int,
    per_page: int,
    total: int | None = None,
) -> Page[Image]:
    """Count, page through ids alone (index-only scans), then load just the page's rows.

    ``branches`` are disjoint sets of conditions (more than one only for a label that both kinds of
    project use): each is counted and listed from its own indexes, and the ids merged in order. A page
    in the second half of the list is read from the other end, so no page skips more than half of the
    matching index entries.
    """
    if total is None:
        total = sum(
            session.scalar(select(func.count()).select_from(Image).where(*where)) or 0 for where in branches
        )
    offset = (page - 1) * per_page
    take = max(0, min(per_page, total - offset))
    ids: list[int] = []
    if take:
        skip_back = total - offset - take
        backwards = skip_back < offset
        newest_first = descending != backwards
        if len(branches) == 1:
            listed = select(Image.id).where(*branches[0])
            sort_key, id_key = key, Image.id
        else:
            merged = union_all(
                *(select(key.label("key"), Image.id).where(*where) for where in branches)
            ).subquery()
            listed = select(merged.c.id)
            sort_key, id_key = merged.c.key, merged.c.id
        order_by = (sort_key.desc(), id_key.desc()) if newest_first else (sort_key.asc(), id_key.asc())
        stmt = listed.order_by(*order_by).limit(take).offset(skip_back if backwards else offset)
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


def _label_branches(
    session: Session, organization_id: int, project_id: int | None, label: str
) -> list[tuple[list[ColumnElement[bool]], bool]]:
    """Images whose current annotation uses ``label``: the class of a classification image (on the
    image row), or the label of any box of a detection image (through annotation_labels).

    Returns disjoint alternatives, each with whether it still needs the organization condition.
    """

    def boxes_in(project_ids: list[int]) -> list[ColumnElement[bool]]:
        # Read the projects' images (their index carries annotation_id) and probe the annotations
        # using the label; starting from the annotations instead misleads PostgreSQL's estimates.
        used = select(AnnotationLabel.annotation_id).where(
            AnnotationLabel.project_id.in_(project_ids), AnnotationLabel.label == label
        )
        return [Image.project_id.in_(project_ids), Image.annotation_id.in_(used)]

    classes = [Image.label == label]
    if project_id is not None:
        project = session.get(Project, project_id)
        detection = project is not None and project.task_type == "detection"
        return [(boxes_in([project_id]) if detection else classes, False)]
    detection_ids = list(
        session.scalars(
            select(Project.id).where(
                Project.organization_id == organization_id, Project.task_type == "detection"
            )
        )
    )
    used_in_boxes = detection_ids and _exists(
        session, AnnotationLabel.project_id.in_(detection_ids), AnnotationLabel.label == label
    )
    if not used_in_boxes:
        return [(classes, True)]
    # Detection images never carry a label on their row, so the two alternatives are disjoint.
    branches = [(boxes_in(detection_ids), False)]
    if _exists(session, Image.organization_id == organization_id, *classes):
        branches.insert(0, (classes, True))
    return branches


def _exists(session: Session, *conditions: ColumnElement[bool]) -> bool:
    return bool(session.scalar(select(exists().where(*conditions))))
