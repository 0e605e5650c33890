"""Annotations: an image's labeling history, whose latest entry is the image's label."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from webapp.auth import MANAGERS
from webapp.errors import Conflict, Forbidden, NotFound, ValidationError
from webapp.models import Annotation, AnnotationLabel, Batch, Image, Project, User
from webapp.services import projects
from webapp.services.common import Page, get_in_org, in_org, lock_rows, paginate

MAX_BOXES = 1000
# Normalized coordinates computed from pixels may overshoot the edge by a rounding error.
EDGE_TOLERANCE = 1e-6


def list_(
    session: Session,
    organization_id: int,
    page: int,
    per_page: int,
    image_id: int | None = None,
    project_id: int | None = None,
    external_id: str | None = None,
) -> Page[Annotation]:
    """Annotations newest first: with ``image_id``, that image's history (the first is its label)."""
    stmt = select(Annotation).options(selectinload(Annotation.image))
    # An image or project of the organization implies it; their own indexes then answer alone.
    if image_id is None and project_id is None:
        stmt = stmt.where(Annotation.organization_id == organization_id)
    elif not (
        in_org(session, Image, organization_id, image_id)
        and in_org(session, Project, organization_id, project_id)
    ):
        return Page(items=[], total=0, page=page, per_page=per_page)
    if image_id is not None:
        stmt = stmt.where(Annotation.image_id == image_id)
    if project_id is not None:
        stmt = stmt.where(Annotation.project_id == project_id)
    if external_id is not None:
        stmt = stmt.where(Annotation.external_id == external_id)
    return paginate(session, stmt.order_by(Annotation.id.desc()), page, per_page)


def get(session: Session, organization_id: int, annotation_id: int) -> Annotation:
    return get_in_org(session, Annotation, organization_id, annotation_id)


def is_current(annotation: Annotation) -> bool:
    return annotation.image.annotation_id == annotation.id


def create(
    session: Session,
    organization_id: int,
    *,
    image_id: int,
    annotator: User | None,
    label: str | None = None,
    boxes: list[dict[str, Any]] | None = None,
    source: str = "manual",
    external_id: str | None = None,
    annotator_email: str | None = None,
) -> Annotation:
    """Record a new annotation; it becomes the image's label. ``annotator`` is None for services.

    Only services (the sync flows) say where an annotation came from and who made it elsewhere: a
    person's annotation is their own, made here.
    """
    if annotator is not None and (
        source != "manual" or external_id is not None or annotator_email is not None
    ):
        raise Forbidden(
            "Only service accounts record annotations made elsewhere",
            "people create manual annotations under their own name: leave out source, external_id and "
            "annotator_email",
        )
    if annotator_email is not None and source == "manual":
        raise ValidationError(
            "annotator_email is only for annotations made elsewhere",
            "manual annotations record the caller; give annotator_email with source label_studio or model",
        )
    image = get_in_org(session, Image, organization_id, image_id)
    image = lock_images(session, [image.id])[image.id]
    project = projects.require_annotatable(
        session.get(Project, image.project_id) if image.project_id else None, image.id
    )
    label, boxes = validate(project, label, boxes)
    annotation = Annotation(
        organization_id=organization_id,
        image_id=image.id,
        project_id=project.id,
        label=label,
        boxes=boxes,
        source=source,
        external_id=external_id,
        annotator_id=annotator.id if annotator else None,
        annotator_email=annotator_email or (annotator.email if annotator else None),
    )
    attach(session, [(image, annotation)])
    session.flush()
    return annotation


def delete(session: Session, organization_id: int, annotation_id: int, caller: User | None) -> None:
    """Delete one annotation; if it was the image's label, the one before it becomes the label.

    Annotators delete their own annotations; managers and services delete any.
    """
    annotation = get(session, organization_id, annotation_id)
    if caller is not None and caller.role not in MANAGERS and annotation.annotator_id != caller.id:
        raise Forbidden("Insufficient permissions", "annotators may delete only their own annotations")
    project = session.get(Project, annotation.project_id) if annotation.project_id else None
    if project is not None and project.archived:
        raise Conflict("The project is archived", f"project {project.id} is archived; unarchive it first")
    image = lock_images(session, [annotation.image_id])[annotation.image_id]
    if session.scalar(select(Annotation.id).where(Annotation.id == annotation.id)) is None:
        raise NotFound(f"Annotation {annotation_id} not found")  # deleted while we waited for the lock
    detach(session, image, [annotation])
    session.flush()


def validate(
    project: Project, label: str | None, boxes: Sequence[dict[str, Any]] | None
) -> tuple[str | None, list[dict[str, Any]] | None]:
    """Check an annotation against the project's task type and labels; returns (label, boxes) clean."""
    known = set(project.labels)
    if project.task_type == "classification":
        if boxes is not None:
            raise ValidationError("Classification annotations take a label, not boxes")
        if label is None:
            raise ValidationError("A label is required", "classification projects are annotated with label")
        if label not in known:
            raise ValidationError("Unknown label", f"{label!r} is not a label of project {project.id}")
        return label, None
    if label is not None:
        raise ValidationError(
            "Detection annotations take boxes, not a label", "give boxes: [{label, x, y, width, height}]"
        )
    if boxes is None:
        raise ValidationError(
            "boxes are required", "detection projects are annotated with boxes; [] means no objects"
        )
    if len(boxes) > MAX_BOXES:
        raise ValidationError("Too many boxes", f"at most {MAX_BOXES} boxes per image")
    return None, [check_box(i, box, known) for i, box in enumerate(boxes)]


def check_box(index: int, box: dict[str, Any], known: set[str]) -> dict[str, Any]:
    """One box in normalized coordinates (top-left origin): a known label, inside the image."""
    label = box.get("label")
    try:
        x, y, w, h = (float(box[k]) for k in ("x", "y", "width", "height"))
    except (KeyError, TypeError, ValueError):
        raise ValidationError("Invalid box", f"box {index}: needs numeric x, y, width and height") from None
    if label not in known:
        raise ValidationError("Unknown label", f"box {index}: {label!r} is not a label of the project")
    if not (w > 0 and h > 0):
        raise ValidationError("Invalid box", f"box {index}: width and height must be positive")
    tol = EDGE_TOLERANCE
    if x < -tol or y < -tol or x + w > 1 + tol or y + h > 1 + tol:
        raise ValidationError(
            "Box outside the image",
            f"box {index} lies outside the image: x, y, width, height are fractions of the image "
            "size, and x + width and y + height must not exceed 1",
        )
    x, y = max(x, 0.0), max(y, 0.0)
    return {"label": label, "x": x, "y": y, "width": min(w, 1.0 - x), "height": min(h, 1.0 - y)}


def labels_of(label: str | None, boxes: Iterable[dict[str, Any]] | None) -> set[str]:
    return {label} if label is not None else {box["label"] for box in boxes or ()}


def attach(session: Session, pairs: Sequence[tuple[Image, Annotation]]) -> None:
    """Make each annotation its image's current one and count newly labeled images in their batches.

    One image per pair; the caller holds the images' locks (:func:`lock_images`) and commits.
    """
    session.add_all(annotation for _, annotation in pairs)
    session.flush()
    session.add_all(
        AnnotationLabel(
            annotation_id=annotation.id,
            label=name,
            organization_id=annotation.organization_id,
            project_id=annotation.project_id,
        )
        for _, annotation in pairs
        for name in sorted(labels_of(annotation.label, annotation.boxes))
    )
    newly: Counter[int] = Counter()
    for image, annotation in pairs:
        if not image.labeled and image.batch_id is not None:
            newly[image.batch_id] += 1
        _set_current(image, annotation)
    add_to_batches(session, newly)


def detach(session: Session, image: Image, doomed: Sequence[Annotation]) -> None:
    """Delete annotations of one image; if its label was among them, the latest one left becomes it.

    The caller holds the image's lock (:func:`lock_images`) and commits.
    """
    was_current = any(annotation.id == image.annotation_id for annotation in doomed)
    for annotation in doomed:
        session.delete(annotation)
    session.flush()
    if was_current:
        previous = session.scalar(
            select(Annotation).where(Annotation.image_id == image.id).order_by(Annotation.id.desc()).limit(1)
        )
        _set_current(image, previous)
        if previous is None and image.batch_id is not None:
            add_to_batches(session, {image.batch_id: -1})


def add_to_batches(session: Session, deltas: dict[int, int]) -> None:
    """Move batches' annotated counters in the database (a read-modify-write could lose updates)."""
    for batch_id, delta in sorted(deltas.items()):
        if delta:
            # "evaluate" applies the same arithmetic to a Batch this session already holds.
            session.execute(
                update(Batch)
                .where(Batch.id == batch_id)
                .values(annotated_count=Batch.annotated_count + delta)
                .execution_options(synchronize_session="evaluate")
            )


def lock_images(session: Session, image_ids: Sequence[int]) -> dict[int, Image]:
    """Lock images, their batches first (the order every writer takes), and read them afresh."""
    batch_ids = session.scalars(select(Image.batch_id).where(Image.id.in_(image_ids)).distinct()).all()
    lock_rows(session, Batch, (b for b in batch_ids if b is not None))
    lock_rows(session, Image, image_ids)
    images = session.scalars(
        select(Image).where(Image.id.in_(image_ids)).execution_options(populate_existing=True)
    )
    return {image.id: image for image in images}


def _set_current(image: Image, annotation: Annotation | None) -> None:
    image.annotation_id = annotation.id if annotation else None
    image.labeled = annotation is not None
    image.label = annotation.label if annotation else None
