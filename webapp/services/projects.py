"""Projects: what a fleet's images are for, with the task type and the label set annotations use."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, undefer

from webapp.errors import Conflict
from webapp.models import Annotation, AnnotationLabel, Batch, Image, Project
from webapp.services import cohorts, delivery, events, sampling
from webapp.services.common import Page, get_in_org, paginate

_WITH_COUNTS = (undefer(Project.image_count), undefer(Project.annotated_count))


def list_(
    session: Session,
    organization_id: int,
    page: int,
    per_page: int,
    archived: bool | None = None,
    task_type: str | None = None,
) -> Page[Project]:
    stmt = select(Project).where(Project.organization_id == organization_id).options(*_WITH_COUNTS)
    if archived is not None:
        stmt = stmt.where(Project.archived == archived)
    if task_type is not None:
        stmt = stmt.where(Project.task_type == task_type)
    return paginate(session, stmt.order_by(Project.name, Project.id), page, per_page)


def get(session: Session, organization_id: int, project_id: int) -> Project:
    return get_in_org(session, Project, organization_id, project_id)


def create(
    session: Session,
    organization_id: int,
    *,
    name: str,
    task_type: str = "classification",
    labels: Iterable[str] = (),
    description: str | None = None,
) -> Project:
    _ensure_name_free(session, organization_id, name)
    project = Project(
        organization_id=organization_id,
        name=name,
        description=description,
        task_type=task_type,
        labels=list(labels),
    )
    session.add(project)
    _flush_name(session, name)
    return project


def update(session: Session, organization_id: int, project_id: int, changes: dict[str, Any]) -> Project:
    """Change a project. Labels may be added or reordered freely; removing one that annotations use,
    or changing the task type of an annotated project, is a CONFLICT."""
    project = get(session, organization_id, project_id)
    if "name" in changes and changes["name"] != project.name:
        _ensure_name_free(session, organization_id, changes["name"])
    if "labels" in changes:
        _ensure_unused(session, project, set(project.labels) - set(changes["labels"]))
    if changes.get("deployed_export_id") is not None:
        delivery.deployable(session, organization_id, changes["deployed_export_id"], project_id=project.id)
    if "deployed_export_id" in changes and changes["deployed_export_id"] != project.deployed_export_id:
        holding = cohorts.holding(session, project.id)
        if holding is not None:
            # The rollout compares with, and rolls back to, the export its devices ran when it began.
            raise Conflict(
                f"Project {project.id} has a rollout in progress ({holding.id})",
                "roll it back, or let it complete, before assigning the project another export",
            )
    if "sampling" in changes:
        changes["sampling"] = sampling.check_policy(
            project, changes["sampling"], changes.get("labels", project.labels)
        )
    if changes.get("task_type", project.task_type) != project.task_type and _has_annotations(
        session, project.id
    ):
        raise Conflict(
            "The task type of an annotated project cannot change",
            f"project {project.id} has annotations made for {project.task_type}",
        )
    for key, value in changes.items():
        setattr(project, key, list(value) if key == "labels" else value)
    _flush_name(session, project.name)
    if "labels" in changes or "task_type" in changes:
        # Integrations follow (a linked Label Studio project gets the labeling config they call for).
        events.project_labels_changed.send(session, project=project)
    return project


def delete(session: Session, organization_id: int, project_id: int) -> None:
    """Delete a project. One with images must be archived first; its annotations go with it, while
    its batches and images stay, unassigned, ready to be moved to another project."""
    project = get(session, organization_id, project_id)
    has_images = session.scalar(select(exists().where(Image.project_id == project.id)))
    if has_images and not project.archived:
        raise Conflict(
            "A project with images cannot be deleted",
            "archive the project first (PATCH archived=true); its images are then kept without a project",
        )
    # The annotations carry this project's labels, which mean nothing elsewhere: drop them, and reset
    # what images and batches derive from them, in the same transaction as the delete.
    session.execute(
        sa.update(Image)
        .where(Image.project_id == project.id)
        .values(annotation_id=None, labeled=False, label=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        sa.update(Batch)
        .where(Batch.project_id == project.id)
        .values(annotated_count=0)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        sa.delete(Annotation)
        .where(Annotation.project_id == project.id)
        .execution_options(synchronize_session=False)
    )
    session.delete(project)
    session.flush()
    # The database set the project's references to NULL; objects this session holds must not say otherwise.
    session.expire_all()


def _ensure_name_free(session: Session, organization_id: int, name: str) -> None:
    taken = session.scalar(
        select(Project.id).where(Project.organization_id == organization_id, Project.name == name)
    )
    if taken is not None:
        raise Conflict("A project with this name already exists", f"name {name!r} is taken")


def _flush_name(session: Session, name: str) -> None:
    """Flush; a concurrent request that took the same name turns into the same CONFLICT."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("A project with this name already exists", f"name {name!r} is taken") from exc


def _has_annotations(session: Session, project_id: int) -> bool:
    return bool(session.scalar(select(exists().where(Annotation.project_id == project_id))))


def _ensure_unused(session: Session, project: Project, removed: set[str]) -> None:
    if not removed:
        return
    rows = session.execute(
        select(AnnotationLabel.label, func.count())
        .where(AnnotationLabel.project_id == project.id, AnnotationLabel.label.in_(sorted(removed)))
        .group_by(AnnotationLabel.label)
        .order_by(AnnotationLabel.label)
    ).all()
    if rows:
        used = ", ".join(f"{label!r} ({count} annotations)" for label, count in rows)
        raise Conflict("Labels in use cannot be removed", f"delete or relabel the annotations first: {used}")


def require_annotatable(project: Project | None, image_id: int) -> Project:
    """The project an image's annotations belong to; images without one, or archived, are a CONFLICT."""
    if project is None:
        raise Conflict(
            "The image belongs to no project",
            f"image {image_id} has no project; assign its batch to a project (PATCH /api/data/batches/<id>)",
        )
    if project.archived:
        raise Conflict("The project is archived", f"project {project.id} is archived; unarchive it first")
    return project
