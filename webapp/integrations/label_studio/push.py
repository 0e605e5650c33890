"""The push flow's work: starting it, the images of a batch without a task (with signed URLs), task
URLs to renew, and the tasks it made."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from webapp import orchestration
from webapp.errors import Conflict, ValidationError
from webapp.integrations.label_studio.links import find_link, get_link
from webapp.integrations.label_studio.signing import signed_image_url, url_ttl
from webapp.models import Batch, Image, LabelStudioTask, Project, utcnow
from webapp.services import batches

# Images annotators should not see: rejected ones are neither pushed nor waited for.
SKIPPED_STATUSES = ("rejected",)


def start_push(session: Session, organization_id: int, batch_id: int) -> dict[str, Any]:
    """Start the flow that imports a batch's images as Label Studio tasks (idempotent)."""
    batch = batches.get(session, organization_id, batch_id)
    link = find_link(session, batch.project_id)
    if link is None:
        raise Conflict(
            "The batch's project is not linked to Label Studio",
            f"link project {batch.project_id} first (POST /api/data/projects/<id>/label-studio)"
            if batch.project_id
            else f"batch {batch.id} belongs to no project",
        )
    run = orchestration.start(
        "label_studio_push",
        {"organization_id": organization_id, "project_id": link.project_id, "batch_id": batch.id},
    )
    return {"batch_id": batch.id, "project_id": link.project_id, "flow_run_id": run}


def pending_images(
    session: Session, organization_id: int, batch_id: int, *, base_url: str, limit: int
) -> dict[str, Any]:
    """The next images of a batch that have no task yet, with fresh signed URLs: the push flow's work."""
    batch = batches.get(session, organization_id, batch_id)
    link = find_link(session, batch.project_id)
    if link is None:
        raise Conflict("The batch's project is not linked to Label Studio", f"batch {batch.id}")
    has_task = exists().where(LabelStudioTask.link_id == link.id, LabelStudioTask.image_id == Image.id)
    rows = session.scalars(
        select(Image)
        .where(Image.batch_id == batch.id, Image.status.not_in(SKIPPED_STATUSES), ~has_task)
        .order_by(Image.id)
        .limit(limit)
    ).all()
    expires_at = utcnow() + url_ttl()
    project = session.get(Project, link.project_id)
    return {
        "project_id": link.project_id,
        "label_studio_project_id": link.ls_project_id,
        "labels": list(project.labels) if project else [],
        "images": [
            {
                "image_id": image.id,
                "url": signed_image_url(base_url, link, image.id, expires_at),
                "url_expires_at": expires_at,
                "width": image.width,
                "height": image.height,
                # What the camera's model predicted, for a frame it uploaded under the sampling policy.
                "device_prediction": ((image.meta or {}).get("sampling") or {}).get("prediction"),
            }
            for image in rows
        ],
    }


def stale_tasks(
    session: Session, organization_id: int, project_id: int, *, base_url: str, limit: int
) -> list[dict[str, Any]]:
    """Tasks whose image URL is past half its life, with fresh URLs for the flow to put in place.

    Tasks of archived batches are left to expire: nobody annotates those.
    """
    link = get_link(session, organization_id, project_id)
    now = utcnow()
    rows = session.scalars(
        select(LabelStudioTask)
        .join(Image, Image.id == LabelStudioTask.image_id)
        .outerjoin(Batch, Batch.id == Image.batch_id)
        .where(
            LabelStudioTask.link_id == link.id,
            LabelStudioTask.url_expires_at < now + url_ttl() / 2,
            or_(Batch.status.is_(None), Batch.status != "archived"),
        )
        .order_by(LabelStudioTask.url_expires_at, LabelStudioTask.id)
        .limit(limit)
    ).all()
    expires_at = now + url_ttl()
    return [
        {
            "task_id": row.ls_task_id,
            "image_id": row.image_id,
            "url": signed_image_url(base_url, link, row.image_id, expires_at),
            "url_expires_at": expires_at,
        }
        for row in rows
    ]


def record_tasks(
    session: Session, organization_id: int, project_id: int, tasks: Sequence[dict[str, Any]]
) -> int:
    """Record which task shows which image (new tasks, or renewed URLs); returns how many were new."""
    link = get_link(session, organization_id, project_id)
    image_ids = {t["image_id"] for t in tasks}
    known = set(
        session.scalars(select(Image.id).where(Image.id.in_(image_ids), Image.project_id == link.project_id))
    )
    if unknown := sorted(image_ids - known):
        raise ValidationError("Unknown images", f"not images of project {link.project_id}: {unknown[:20]}")
    rows = {
        row.image_id: row
        for row in session.scalars(
            select(LabelStudioTask).where(
                LabelStudioTask.link_id == link.id, LabelStudioTask.image_id.in_(image_ids)
            )
        )
    }
    new = 0
    for task in tasks:
        row = rows.get(task["image_id"])
        if row is None:
            row = LabelStudioTask(link_id=link.id, image_id=task["image_id"], ls_task_id=task["task_id"])
            session.add(row)
            rows[row.image_id] = row
            new += 1
        elif row.ls_task_id != task["task_id"]:
            raise Conflict(
                "The image already has another task",
                f"image {row.image_id} is task {row.ls_task_id}, not {task['task_id']}",
            )
        row.url_expires_at = task["url_expires_at"]
    session.flush()
    return new
