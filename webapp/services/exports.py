"""Export jobs: turn a trained model into a deployable ONNX artifact through a flow, and keep its figures."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipelines.device_contract import detection_options
from webapp.errors import Conflict, ValidationError
from webapp.models import DatasetVersion, ExportJob, ModelVersion, TrainingJob, User
from webapp.services import events, jobs, quotas
from webapp.services.common import Page, get_in_org, paginate, where_equal
from webapp.services.models import artifact_key
from webapp.storage import BlobStore, StagedFile

TRANSITIONS = {
    "queued": {"running", "failed"},
    "running": {"running", "succeeded", "failed"},
    # A Prefect retry of a failed run starts it again.
    "failed": {"running", "failed"},
    "succeeded": set(),
}
FINAL_STATUSES = ("succeeded", "failed")


def create(
    session: Session,
    organization_id: int,
    user: User | None,
    *,
    model_id: int,
    max_accuracy_drop: float,
    format: str = "onnx",
    opset: int = 18,
    precision: str = "fp32",
    dynamic_batch: bool = True,
    **detection: Any,
) -> ExportJob:
    """A queued export of a model whose training succeeded, and its flow run.

    ``detection`` holds a detector's NMS options (max_detections, score_threshold, iou_threshold):
    the job records them with the defaults filled in; a classifier refuses them (400).
    """
    model = get_in_org(session, ModelVersion, organization_id, model_id)
    training = session.get(TrainingJob, model.training_job_id)
    assert training is not None
    if training.status != "succeeded":
        raise Conflict(
            f"Model {model.id} comes from a {training.status} training job",
            f"only models of succeeded training jobs are exported (training job {training.id})",
        )
    dataset = session.get(DatasetVersion, model.dataset_id)
    options = _options(model, dataset.task_type if dataset else "classification", detection)
    _check_dataset(session, model, precision)
    quotas.claim_job_slot(session, organization_id, "exports")
    job = ExportJob(
        organization_id=organization_id,
        project_id=model.project_id,
        model_id=model.id,
        format=format,
        opset=opset,
        precision=precision,
        dynamic_batch=dynamic_batch,
        max_accuracy_drop=max_accuracy_drop,
        options=options,
        created_by_id=user.id if user else None,
    )
    session.add(job)
    session.flush()
    jobs.start_flow(session, job, "export", {"job_id": job.id, "organization_id": organization_id})
    return job


def _options(model: ModelVersion, task_type: str, asked: dict[str, Any]) -> dict[str, Any] | None:
    """The detector's export options with defaults filled in; None for a classifier, which takes none."""
    given = {name: value for name, value in asked.items() if value is not None}
    if task_type != "detection":
        if given:
            raise ValidationError(
                f"{', '.join(sorted(given))} apply to detectors only",
                f"model {model.id} is a {task_type} model; drop {', '.join(sorted(given))}",
            )
        return None
    try:
        return detection_options(given)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def _check_dataset(session: Session, model: ModelVersion, precision: str) -> None:
    """Refuse now what the flow could only fail on: parity needs held-out images, int8 calibration images."""
    dataset = session.get(DatasetVersion, model.dataset_id)
    splits = ((dataset.counts if dataset else None) or {}).get("splits")
    if not splits:
        return  # not reported (older versions): the flow checks
    if not splits.get("test") and not splits.get("val"):
        raise Conflict(
            "The model's dataset version has no held-out images",
            f"dataset version {model.dataset_id} has empty test and val splits; parity is checked on them",
        )
    if precision == "int8" and not splits.get("train"):
        raise Conflict(
            "int8 needs calibration images",
            f"dataset version {model.dataset_id} has an empty train split",
        )


def list_(
    session: Session,
    organization_id: int,
    page: int,
    per_page: int,
    model_id: int | None = None,
    project_id: int | None = None,
    status: str | None = None,
    precision: str | None = None,
) -> Page[Any]:
    stmt = select(ExportJob).where(ExportJob.organization_id == organization_id)
    stmt = where_equal(
        stmt,
        {
            ExportJob.model_id: model_id,
            ExportJob.project_id: project_id,
            ExportJob.status: status,
            ExportJob.precision: precision,
        },
    )
    return paginate(session, stmt.order_by(ExportJob.id.desc()), page, per_page)


def get(session: Session, organization_id: int, job_id: int) -> ExportJob:
    return get_in_org(session, ExportJob, organization_id, job_id)


def report(session: Session, organization_id: int, job_id: int, changes: dict[str, Any]) -> ExportJob:
    """Take the flow's report: status, parity and accuracy figures, latency, signature or the error."""
    job = get(session, organization_id, job_id)
    new_status = changes.get("status")
    if new_status == "succeeded" and job.artifact_sha256 is None:
        raise Conflict("An export succeeds only with its artifact", "upload the .onnx file first")
    previous = job.status
    _move(job, new_status)
    for key, value in changes.items():
        setattr(job, key, value)
    session.flush()
    if job.status == "succeeded" and previous != "succeeded":
        data = {
            "export_id": job.id,
            "model_id": job.model_id,
            "project_id": job.project_id,
            "format": job.format,
            "precision": job.precision,
            "artifact_sha256": job.artifact_sha256,
        }
        events.platform_event.send(session, name="export.ready", organization_id=organization_id, data=data)
    return job


def _move(job: ExportJob, new_status: str | None) -> None:
    jobs.move(job, new_status, TRANSITIONS, FINAL_STATUSES, "export job")


def store_artifact(
    session: Session,
    store: BlobStore,
    organization_id: int,
    job_id: int,
    staged: StagedFile,
    declared_sha256: str | None = None,
) -> ExportJob:
    """Keep a running job's .onnx file (content-addressed); sending it again replaces the record."""
    job = get(session, organization_id, job_id)
    if job.status != "running":
        raise Conflict(f"The export job is {job.status}; only a running job uploads its artifact")
    if staged.size == 0:
        raise ValidationError("The artifact file is empty")
    if declared_sha256 is not None and declared_sha256.lower() != staged.sha256:
        raise ValidationError(
            "The artifact's sha256 does not match", f"declared {declared_sha256}, received {staged.sha256}"
        )
    staged.flush()
    key = artifact_key(staged.sha256)
    if not store.exists(key):
        store.put_file(key, staged.path)
    job.artifact_sha256 = staged.sha256
    job.artifact_size = staged.size
    session.flush()
    return job


def downloadable(session: Session, organization_id: int, job_id: int) -> ExportJob:
    """A succeeded export, whose artifact may be downloaded."""
    job = get(session, organization_id, job_id)
    if job.status != "succeeded":
        raise Conflict(f"The export job is {job.status}", "only a succeeded export has an artifact")
    return job


def artifact_filename(job: ExportJob) -> str:
    return f"model-{job.model_id}-export-{job.id}-{job.precision}.onnx"
