"""Label Studio's annotations turned into ours: what a pull reports for its tasks."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.errors import Conflict, ValidationError
from webapp.integrations.label_studio.links import get_link, record_error
from webapp.integrations.label_studio.push import SKIPPED_STATUSES
from webapp.models import Annotation, Batch, Image, LabelStudioLink, LabelStudioTask, Project, User, utcnow
from webapp.services import annotations, batches


def to_annotation(
    project: Project, image: Image, result: Sequence[dict[str, Any]]
) -> tuple[str | None, list[dict[str, Any]] | None] | None:
    """A Label Studio result as (label, boxes) for the project, or None when it holds no label.

    Choices give the label; RectangleLabels (percent of the image) give normalized boxes, a rotated
    one replaced by its axis-aligned bounds. Raises ValidationError for labels the project lacks.
    """
    if project.task_type == "classification":
        label = next(
            (
                choices[0]
                for item in result
                if item.get("type") == "choices" and (choices := (item.get("value") or {}).get("choices"))
            ),
            None,
        )
        return None if label is None else annotations.validate(project, label, None)
    boxes = [
        box
        for item in result
        if item.get("type") == "rectanglelabels"
        for box in [_box(item.get("value") or {}, image)]
        if box is not None
    ]
    return annotations.validate(project, None, boxes)


def _box(value: dict[str, Any], image: Image) -> dict[str, Any] | None:
    labels = value.get("rectanglelabels") or []
    try:
        x, y, w, h = (float(value[k]) / 100 for k in ("x", "y", "width", "height"))
        rotation = math.radians(float(value.get("rotation") or 0))
    except (KeyError, TypeError, ValueError):
        raise ValidationError("Invalid box", f"x, y, width and height must be numbers: {value}") from None
    if not labels:
        return None
    if rotation:
        # Label Studio rotates around the top-left corner; in pixels, since the axes scale differently.
        sw, sh = image.width, image.height
        cos, sin = math.cos(rotation), math.sin(rotation)
        corners = [(dx * sw, dy * sh) for dx, dy in ((0, 0), (w, 0), (w, h), (0, h))]
        xs = [x + (cx * cos - cy * sin) / sw for cx, cy in corners]
        ys = [y + (cx * sin + cy * cos) / sh for cx, cy in corners]
        x, y, w, h = min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)
    left, top = max(x, 0.0), max(y, 0.0)
    right, bottom = min(x + w, 1.0), min(y + h, 1.0)
    if right <= left or bottom <= top:
        return None  # nothing of it inside the image
    return {"label": labels[0], "x": left, "y": top, "width": right - left, "height": bottom - top}


def sync_tasks(
    session: Session, organization_id: int, project_id: int, tasks: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """Make the Label Studio annotations of these tasks the image's ``label_studio`` annotations.

    Each task comes as Label Studio shows it now: its annotations (skipped ones ignored) with their
    result and annotator's email. New ones are created, edited ones replaced (the new version
    becomes the image's label), vanished ones deleted; unchanged ones are left alone, so pulling
    the same state twice changes nothing. Batches whose every task is annotated become annotated.
    """
    link = get_link(session, organization_id, project_id)
    project = session.get(Project, link.project_id)
    assert project is not None
    if project.archived:
        raise Conflict("The project is archived", f"project {project.id} takes no annotations")
    by_task = {task["id"]: task for task in tasks}
    mapped = session.scalars(
        select(LabelStudioTask).where(
            LabelStudioTask.link_id == link.id, LabelStudioTask.ls_task_id.in_(list(by_task))
        )
    ).all()
    # Locked (batches, then images) before reading what exists, so concurrent pulls can't both create.
    images = annotations.lock_images(session, sorted({row.image_id for row in mapped}))
    have: dict[int, dict[str, Annotation]] = defaultdict(dict)
    for annotation in session.scalars(
        select(Annotation).where(Annotation.image_id.in_(list(images)), Annotation.source == "label_studio")
    ):
        have[annotation.image_id][annotation.external_id or ""] = annotation
    emails = {a.get("completed_by_email") for t in tasks for a in t["annotations"]} - {None}
    users = dict(
        session.execute(
            select(User.email, User.id).where(User.organization_id == organization_id, User.email.in_(emails))
        ).all()
    )
    counts = {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0, "unknown_tasks": 0}
    errors: list[str] = []
    # New annotations go in by rounds, one per image each (what attach takes), in Label Studio's
    # order: an image's newest annotation gets the highest id and so becomes its label.
    rounds: list[list[tuple[Image, Annotation]]] = []
    now = utcnow()
    for row in mapped:
        image = images[row.image_id]
        wanted: dict[str, Annotation] = {}
        for item in sorted(by_task[row.ls_task_id]["annotations"], key=lambda a: a["id"]):
            if item.get("was_cancelled"):
                continue
            try:
                converted = to_annotation(project, image, item.get("result") or [])
            except ValidationError as exc:
                errors.append(f"task {row.ls_task_id} annotation {item['id']}: {exc.message} ({exc.details})")
                continue
            if converted is None:
                continue
            email = item.get("completed_by_email")
            wanted[str(item["id"])] = Annotation(
                organization_id=organization_id,
                image_id=image.id,
                project_id=project.id,
                label=converted[0],
                boxes=converted[1],
                source="label_studio",
                external_id=str(item["id"]),
                annotator_id=users.get(email),
                annotator_email=email,
            )
        current = have[image.id]
        same = {key for key, new in wanted.items() if key in current and _same(current[key], new)}
        doomed = [annotation for key, annotation in current.items() if key not in same]
        fresh = [annotation for key, annotation in wanted.items() if key not in same]
        counts["unchanged"] += len(same)
        counts["updated"] += sum(1 for a in fresh if a.external_id in current)
        counts["created"] += sum(1 for a in fresh if a.external_id not in current)
        counts["deleted"] += sum(1 for a in doomed if a.external_id not in wanted)
        if doomed:
            annotations.detach(session, image, doomed)
        for i, annotation in enumerate(fresh):
            if i == len(rounds):
                rounds.append([])
            rounds[i].append((image, annotation))
        row.annotated = bool(wanted)
        row.synced_at = now
    for pairs in rounds:
        annotations.attach(session, pairs)
    counts["unknown_tasks"] = len(by_task) - len(mapped)
    if errors:
        record_error(link, f"{len(errors)} annotations not imported: " + "; ".join(errors))
    session.flush()
    counts["batches_completed"] = _complete_batches(
        session, link, {image.batch_id for image in images.values() if image.batch_id is not None}
    )
    return {**counts, "errors": errors}


def _same(old: Annotation, new: Annotation) -> bool:
    return (old.label, old.boxes, old.annotator_email) == (new.label, new.boxes, new.annotator_email)


def _complete_batches(session: Session, link: LabelStudioLink, batch_ids: set[int]) -> list[int]:
    """Move ``annotating`` batches whose every (not rejected) image has an annotated task to annotated."""
    done = []
    for batch in session.scalars(
        select(Batch).where(Batch.id.in_(sorted(batch_ids)), Batch.status == "annotating").order_by(Batch.id)
    ):
        shown = Image.batch_id == batch.id, Image.status.not_in(SKIPPED_STATUSES)
        total = session.scalar(select(func.count()).select_from(Image).where(*shown))
        annotated = session.scalar(
            select(func.count())
            .select_from(LabelStudioTask)
            .join(Image, Image.id == LabelStudioTask.image_id)
            .where(LabelStudioTask.link_id == link.id, LabelStudioTask.annotated, *shown)
        )
        if total and annotated == total:
            batches.update(session, link.organization_id, batch.id, {"status": "annotated"})
            done.append(batch.id)
    return done
