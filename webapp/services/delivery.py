"""Models delivered to devices: which export a device runs (its own assignment wins over its project's)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipelines.device_contract import resize_spec
from webapp.errors import Conflict, NotFound
from webapp.models import Device, ExportJob, ModelVersion, Project
from webapp.services import cohorts, sampling
from webapp.services.common import get_in_org

DOWNLOAD_PATH = "/api/device/model/download"


def deployable(
    session: Session, organization_id: int, export_id: int, *, project_id: int | None = None
) -> ExportJob:
    """The export a user may assign: of the organization (else 404), succeeded, and when assigned to a
    project, an export of one of that project's models (both else 409)."""
    job = get_in_org(session, ExportJob, organization_id, export_id)
    if job.status != "succeeded":
        raise Conflict(f"Export {job.id} is {job.status}", "only a succeeded export can be deployed")
    if project_id is not None and job.project_id != project_id:
        raise Conflict(
            f"Export {job.id} is of another project's model",
            f"it exports a model of project {job.project_id}; a project runs its own models",
        )
    return job


def assigned(session: Session, device: Device) -> tuple[ExportJob, str] | None:
    """The export the device should run and where the assignment comes from: "device" (its own, which
    wins), "rollout" (a stage of a rollout holding its project, or a completed rollout narrowed by tags
    it matches), or "project"."""
    export_id, source = device.deployed_export_id, "device"
    if export_id is None and device.project_id is not None:
        rollout = cohorts.holding(session, device.project_id)
        if rollout is not None and cohorts.in_stage(rollout, device):
            export_id, source = rollout.export_id, "rollout"
        elif (done := cohorts.completed_for(session, device)) is not None:
            export_id, source = done.export_id, "rollout"
        else:
            project_export = select(Project.deployed_export_id).where(Project.id == device.project_id)
            export_id, source = session.scalar(project_export), "project"
    if export_id is None:
        return None
    job = session.get(ExportJob, export_id)
    # Assignments are checked when made and exports never go back; this guards the tenant boundary anyway.
    if job is None or job.organization_id != device.organization_id or job.status != "succeeded":
        return None
    return job, source


def device_model(session: Session, device: Device) -> dict[str, Any] | None:
    """What a device is told about its model: enough to fetch, verify and feed it; None when unassigned."""
    found = assigned(session, device)
    if found is None:
        return None
    job, source = found
    model = session.get(ModelVersion, job.model_id)
    assert model is not None
    signature = job.signature or {}
    given = signature.get("input") or {}
    preprocessing = model.preprocessing or {}
    try:
        # The vocabulary of docs/device-model.md; models trained before it recorded free text
        # that meant center_crop with Lanczos, which resize_spec maps to exactly that.
        resize = resize_spec(given.get("resize") or preprocessing.get("resize"))
    except ValueError:
        resize = None
    return {
        "export_id": job.id,
        "source": source,
        "model_id": model.id,
        "model_version": model.version,
        "model_name": model.name,
        "project_id": model.project_id,
        "format": job.format,
        "precision": job.precision,
        "opset": job.opset,
        "labels": list(model.labels),
        "task": signature.get("task", "classification"),
        "input": {
            "name": given.get("name", "input"),
            "shape": given.get("shape"),
            "dtype": given.get("dtype", "float32"),
            "layout": given.get("layout", "NCHW"),
            "image_size": model.image_size,
            "width": given.get("width", model.image_size),
            "height": given.get("height", model.image_size),
            "color": given.get("color", preprocessing.get("color", "RGB")),
            "resize": resize,
            "scale": given.get("scale", preprocessing.get("scale")),
            "mean": given.get("mean", preprocessing.get("mean")),
            "std": given.get("std", preprocessing.get("std")),
        },
        "output": signature.get("output"),
        "sha256": job.artifact_sha256,
        "size": job.artifact_size,
        "download_url": DOWNLOAD_PATH,
        "exported_at": job.finished_at,
        "sampling": sampling.device_policy(device.project, job.id),
    }


def download(session: Session, device: Device) -> ExportJob:
    """The device's assigned export, for its download; NOT_FOUND when it has none."""
    found = assigned(session, device)
    if found is None:
        raise NotFound("No model is assigned to this device", "assign an export to the device or its project")
    return found[0]
