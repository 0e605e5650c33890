"""Batches: the groups images land in, and the life cycle they go through to be annotated."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.errors import Conflict, ValidationError
from webapp.models import Batch, BatchTransition, Image, Project
from webapp.services import events
from webapp.services.common import Page, get_in_org, lock_rows, paginate, where_equal

# open: receiving uploads; ready: closed, waiting for annotators; annotating; annotated: done;
# archived: kept but out of the way. Unarchiving goes back to ready (uploads stay closed).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("ready", "archived"),
    "ready": ("open", "annotating", "archived"),
    "annotating": ("ready", "annotated", "archived"),
    "annotated": ("annotating", "archived"),
    "archived": ("ready",),
}


def next_statuses(batch: Batch) -> tuple[str, ...]:
    return TRANSITIONS[batch.status]


def list_(
    session: Session,
    organization_id: int,
    page: int,
    per_page: int,
    project_id: int | None = None,
    device_id: int | None = None,
    status: str | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
) -> Page[Batch]:
    """Batches newest first; ``created_after`` is inclusive, ``created_before`` exclusive."""
    stmt = where_equal(
        select(Batch).where(Batch.organization_id == organization_id),
        {Batch.project_id: project_id, Batch.device_id: device_id, Batch.status: status},
    )
    if created_after is not None:
        stmt = stmt.where(Batch.created_at >= created_after)
    if created_before is not None:
        stmt = stmt.where(Batch.created_at < created_before)
    return paginate(session, stmt.order_by(Batch.created_at.desc(), Batch.id.desc()), page, per_page)


def get(session: Session, organization_id: int, batch_id: int) -> Batch:
    return get_in_org(session, Batch, organization_id, batch_id)


def update(
    session: Session,
    organization_id: int,
    batch_id: int,
    changes: dict[str, Any],
    user_id: int | None = None,
) -> Batch:
    """Rename, annotate with notes, move to another project, or move along the status graph; a move
    is kept in the batch's ``transitions`` with ``user_id``, the person who asked (None: a service)."""
    batch = get(session, organization_id, batch_id)
    previous = batch.status
    # Every check comes before any change, so a refused request leaves the batch as it was.
    if "status" in changes:
        _check_transition(batch, changes["status"])
    moved = "project_id" in changes and changes["project_id"] != batch.project_id
    if moved:
        _move(session, organization_id, batch, changes["project_id"])
    changes.pop("project_id", None)
    for key, value in changes.items():
        setattr(batch, key, value)
    moved_on = batch.status != previous
    if moved_on:
        session.add(
            BatchTransition(batch_id=batch.id, from_status=previous, to_status=batch.status, user_id=user_id)
        )
    session.flush()
    if moved_on:
        session.expire(batch, ["transitions"])  # read again with the new one
    if moved:
        # Images were moved in bulk, behind the objects this session may hold.
        session.expire_all()
    # Integrations act on the move (Label Studio pushes a linked project's batch going to annotating);
    # one that refuses rolls the whole change back.
    events.batch_status_changed.send(session, batch=batch, previous=previous)
    return batch


def _check_transition(batch: Batch, status: str) -> None:
    if status == batch.status:
        return
    allowed = TRANSITIONS[batch.status]
    if status not in allowed:
        raise ValidationError(
            f"A batch cannot go from {batch.status} to {status}",
            f"allowed from {batch.status}: {', '.join(allowed)}",
        )


def _move(session: Session, organization_id: int, batch: Batch, project_id: int | None) -> None:
    """Move a batch and its images to another project (or to none).

    Only unannotated batches move: annotations are made against one project's labels and task type.
    """
    if project_id is not None:
        project = get_in_org(session, Project, organization_id, project_id)
        if project.archived:
            raise Conflict("The project is archived", f"project {project.id} takes no new batches")
    # Lock the batch before reading its counter, so an annotation made meanwhile is not missed.
    lock_rows(session, Batch, [batch.id])
    session.refresh(batch)
    if batch.annotated_count:
        raise Conflict(
            "An annotated batch cannot change project",
            f"batch {batch.id} has {batch.annotated_count} annotated images; delete their annotations first",
        )
    session.execute(
        sa.update(Image)
        .where(Image.batch_id == batch.id)
        .values(project_id=project_id)
        .execution_options(synchronize_session=False)
    )
    batch.project_id = project_id
