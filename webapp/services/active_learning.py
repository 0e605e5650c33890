"""Frames uploaded under a sampling policy: they carry the device's prediction, land in the project's
batch "active learning YYYY-MM-DD", and the prediction becomes their pre-label (annotation source
``model``), ready for annotators to correct in Label Studio."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from webapp.errors import ValidationError
from webapp.models import ExportJob, Project, utcnow
from webapp.models.base import MAX_ID
from webapp.services import annotations
from webapp.services.common import get_in_org
from webapp.services.ingest import Upload

ACTIVE_LEARNING_BATCH = "active learning {day}"
SAMPLING_REASONS = ("uncertain", "random", "quota", "drift", "manual")


@dataclass(frozen=True)
class Sampled:
    """A frame's prediction, checked: the pre-label it becomes and what its metadata keeps of it."""

    prediction: dict[str, Any]
    label: str | None
    boxes: list[dict[str, Any]] | None


def batch_name(day: datetime) -> str:
    return ACTIVE_LEARNING_BATCH.format(day=day.date().isoformat())


def sampled(
    session: Session,
    organization_id: int,
    project_id: int | None,
    prediction: dict[str, Any],
    reason: str | None,
    upload: Upload,
    now: datetime | None = None,
) -> Sampled:
    """Check the prediction sent with a frame (single and batch uploads alike), send the frame to the
    day's active-learning batch and keep the prediction and ``reason`` in its metadata; VALIDATION_ERROR
    (NOT_FOUND for another organization's export) when it cannot be a pre-label, before anything is
    stored."""
    export_id = prediction.get("export_id")
    if not isinstance(export_id, int) or isinstance(export_id, bool) or not 1 <= export_id <= MAX_ID:
        raise ValidationError(
            "Invalid prediction", "the prediction names the export that made it (export_id)"
        )
    get_in_org(session, ExportJob, organization_id, export_id)
    project = session.get(Project, project_id) if project_id is not None else None
    label, boxes = check_prediction(project, prediction)
    upload.batch_name = batch_name(now or utcnow())
    upload.metadata = {**(upload.metadata or {}), "sampling": {"reason": reason, "prediction": prediction}}
    return Sampled(prediction, label, boxes)


def check_prediction(
    project: Project | None, prediction: dict[str, Any]
) -> tuple[str | None, list[dict[str, Any]] | None]:
    """A device's prediction sent with a frame, as the pre-label it becomes: (label, boxes) checked
    against the project's labels; VALIDATION_ERROR when it cannot be one."""
    if project is None:
        raise ValidationError(
            "The device has no project",
            "a frame with a prediction lands in a project's active-learning batch",
        )
    if project.task_type == "detection":
        detections = prediction.get("detections")
        if not isinstance(detections, list):
            raise ValidationError("Invalid prediction", "a detector's prediction has a list of detections")
        boxes = [
            {key: box.get(key) for key in ("label", "x", "y", "width", "height")}
            if isinstance(box, dict)
            else {}
            for box in detections
        ]
        return annotations.validate(project, None, boxes)
    label = prediction.get("label")
    if not isinstance(label, str):
        raise ValidationError("Invalid prediction", "a classifier's prediction has a label")
    return annotations.validate(project, label, None)


def pre_label(session: Session, organization_id: int, image_id: int, sampled: Sampled) -> None:
    """The device's prediction as the new frame's first annotation (source ``model``)."""
    annotations.create(
        session,
        organization_id,
        image_id=image_id,
        annotator=None,
        label=sampled.label,
        boxes=sampled.boxes,
        source="model",
    )
