"""Training jobs: validate the request, start the flow, take its reports, register the model."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp import orchestration
from webapp.errors import Conflict, ValidationError
from webapp.models import (
    FINAL_TRAINING_STATUSES,
    DatasetVersion,
    ModelVersion,
    TrainingJob,
    User,
)
from webapp.services import events, jobs, quotas
from webapp.services.common import Page, get_in_org, paginate, where_equal

TRANSITIONS = {
    "queued": {"running", "failed", "cancelled"},
    "running": {"running", "succeeded", "failed", "cancelled"},
    # A Prefect retry of a failed run starts it again.
    "failed": {"running", "failed"},
    "succeeded": set(),
    "cancelled": set(),
}
REPORTED_FIELDS = {"status", "progress", "metrics", "error"}
# Parameters that only one task's section of params.yaml has (`train:` classification, `detect:` detection).
TASK_ONLY_PARAMS = {
    "classification": {"label_smoothing"},
    "detection": {"fpn_channels", "head_convs", "scale_jitter"},
}
# Fewer held-out images than this in a split and its figures are too noisy to judge a model by.
MIN_MEASURED_IMAGES = 20


def create(
    session: Session,
    organization_id: int,
    user: User | None,
    *,
    dataset_id: int,
    params: dict[str, Any] | None = None,
    device: str = "auto",
) -> TrainingJob:
    """A queued job for a ready dataset version, and its flow run."""
    dataset = get_in_org(session, DatasetVersion, organization_id, dataset_id)
    if dataset.status != "ready":
        raise Conflict(
            f"Dataset version {dataset.id} is {dataset.status}, not ready", "wait until it is ready"
        )
    params = dict(params or {})
    size = params.pop("image_size", None)
    if size is not None and size != dataset.params["image_size"]:
        raise ValidationError(
            "image_size is fixed by the dataset version",
            f"this version holds {dataset.params['image_size']} px images; cut a version at {size} px",
        )
    _check_task_params(dataset.task_type, params)
    quotas.check_training_params(params)
    quotas.claim_job_slot(session, organization_id, "training_jobs")
    job = TrainingJob(
        organization_id=organization_id,
        project_id=dataset.project_id,
        dataset_id=dataset.id,
        params=params,
        device=device,
        warnings=split_warnings(dataset),
        created_by_id=user.id if user else None,
    )
    session.add(job)
    session.flush()
    jobs.start_flow(session, job, "training", {"job_id": job.id, "organization_id": organization_id})
    return job


def _check_task_params(task_type: str, params: dict[str, Any]) -> None:
    """Refuse (400) a parameter of the other task: it would be silently ignored."""
    for other, names in TASK_ONLY_PARAMS.items():
        wrong = sorted(names & set(params)) if other != task_type else []
        if wrong:
            raise ValidationError(
                f"{', '.join(wrong)} {'is a' if len(wrong) == 1 else 'are'} {other} parameter"
                f"{'' if len(wrong) == 1 else 's'}",
                f"this dataset version is for {task_type}; drop {', '.join(wrong)}",
            )


def split_warnings(dataset: DatasetVersion) -> list[str]:
    """What the version's split sizes make weak: no validation figures, or too few to trust."""
    splits = (dataset.counts or {}).get("splits") or {}
    warnings = []
    for split, figures in (("val", "validation figures (val_*)"), ("test", "the model's test metrics")):
        count = splits.get(split)
        if count is None:
            continue  # not reported (older versions)
        if count == 0:
            fallback = " (the test stage uses the val split instead)" if split == "test" else ""
            warnings.append(
                f"the {split} split is empty: {figures} will be null{fallback}; "
                f"cut a version with more images or a larger {split} share"
            )
        elif count < MIN_MEASURED_IMAGES:
            warnings.append(
                f"the {split} split holds only {count} image{'s' if count != 1 else ''}: "
                f"{figures} will be noisy (fewer than {MIN_MEASURED_IMAGES})"
            )
    return warnings


def list_(
    session: Session,
    organization_id: int,
    page: int,
    per_page: int,
    project_id: int | None = None,
    dataset_id: int | None = None,
    status: str | None = None,
) -> Page[Any]:
    stmt = select(TrainingJob).where(TrainingJob.organization_id == organization_id)
    stmt = where_equal(
        stmt,
        {TrainingJob.project_id: project_id, TrainingJob.dataset_id: dataset_id, TrainingJob.status: status},
    )
    return paginate(session, stmt.order_by(TrainingJob.id.desc()), page, per_page)


def get(session: Session, organization_id: int, job_id: int) -> TrainingJob:
    return get_in_org(session, TrainingJob, organization_id, job_id)


def report(session: Session, organization_id: int, job_id: int, changes: dict[str, Any]) -> TrainingJob:
    """Take the flow's report: status, live progress, final metrics or the error."""
    job = get(session, organization_id, job_id)
    previous = job.status
    _move(job, changes.get("status"))
    for key, value in changes.items():
        setattr(job, key, value)
    session.flush()
    if job.status != previous and job.status in ("succeeded", "failed"):
        announce_finished(session, job)
    return job


def announce_finished(session: Session, job: TrainingJob) -> None:
    """``training.succeeded`` or ``training.failed``, for a job that just reached that status."""
    data: dict[str, Any] = {
        "training_job_id": job.id,
        "project_id": job.project_id,
        "dataset_id": job.dataset_id,
        "status": job.status,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }
    if job.status == "succeeded":
        model = session.scalar(select(ModelVersion).where(ModelVersion.training_job_id == job.id))
        data["model_id"] = model.id if model else None
        data["model_name"] = model.name if model else None
    else:
        data["error"] = (job.error or "")[:500] or None
    events.platform_event.send(
        session, name=f"training.{job.status}", organization_id=job.organization_id, data=data
    )


def _move(job: TrainingJob, new_status: str | None) -> None:
    jobs.move(job, new_status, TRANSITIONS, FINAL_TRAINING_STATUSES, "training job")


def cancel(session: Session, organization_id: int, job_id: int) -> TrainingJob:
    """Cancel the job's flow run; a finished job can't be cancelled."""
    job = get(session, organization_id, job_id)
    if job.status in FINAL_TRAINING_STATUSES:
        raise Conflict(f"The job is already {job.status}")
    if job.flow_run_id:
        orchestration.cancel(job.flow_run_id)
    _move(job, "cancelled")
    session.flush()
    return job


def check_can_register(session: Session, organization_id: int, job_id: int) -> TrainingJob:
    job = get(session, organization_id, job_id)
    if job.status != "running":
        raise Conflict(f"The job is {job.status}; only a running job registers its model")
    return job


def register_model(
    session: Session,
    organization_id: int,
    job_id: int,
    *,
    metrics: dict[str, Any],
    params: dict[str, Any],
    preprocessing: dict[str, Any],
    artifact_sha256: str,
    artifact_size: int,
) -> ModelVersion:
    """The model version a running job produced (the flow registers it, once)."""
    job = check_can_register(session, organization_id, job_id)
    existing = session.scalar(select(ModelVersion).where(ModelVersion.training_job_id == job.id))
    if existing is not None:
        return existing  # a retried report: idempotent
    dataset = session.get(DatasetVersion, job.dataset_id)
    assert dataset is not None
    number = (
        session.scalar(
            select(func.max(ModelVersion.version)).where(ModelVersion.project_id == job.project_id)
        )
        or 0
    ) + 1
    model = ModelVersion(
        organization_id=organization_id,
        project_id=job.project_id,
        dataset_id=job.dataset_id,
        training_job_id=job.id,
        version=number,
        name=f"{dataset.name.rsplit(' v', 1)[0]} model v{number}",
        labels=list(dataset.labels),
        image_size=int(dataset.params["image_size"]),
        metrics=metrics,
        params=params,
        preprocessing=preprocessing,
        artifact_sha256=artifact_sha256,
        artifact_size=artifact_size,
    )
    session.add(model)
    session.flush()
    return model
