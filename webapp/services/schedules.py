"""Training schedules: cut a dataset version and train on a Prefect schedule, when enough is new."""

from __future__ import annotations

from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from webapp import orchestration
from webapp.errors import ValidationError
from webapp.models import Annotation, Project, TrainingJob, TrainingSchedule, User, utcnow
from webapp.services import datasets
from webapp.services.common import Page, get_in_org, paginate

KIND = "scheduled-training"


def _parameters(schedule: TrainingSchedule) -> dict[str, Any]:
    return {"schedule_id": schedule.id, "organization_id": schedule.organization_id}


def _check_timing(cron: str | None, interval_seconds: int | None) -> None:
    if bool(cron) == bool(interval_seconds):
        raise ValidationError("Give exactly one of cron and interval_seconds")
    problem = orchestration.cron_problem(cron) if cron else None
    if problem:
        raise ValidationError("Invalid cron expression", problem)


def create(session: Session, organization_id: int, user: User | None, **fields: Any) -> TrainingSchedule:
    """A schedule row and its Prefect schedule; nothing is kept if Prefect can't be reached."""
    get_in_org(session, Project, organization_id, fields["project_id"])
    _check_timing(fields.get("cron"), fields.get("interval_seconds"))
    schedule = TrainingSchedule(
        organization_id=organization_id, created_by_id=user.id if user else None, **fields
    )
    session.add(schedule)
    session.commit()
    try:
        schedule.prefect_schedule_id = orchestration.create_schedule(
            KIND,
            _parameters(schedule),
            cron=schedule.cron,
            interval_seconds=schedule.interval_seconds,
            timezone=schedule.timezone,
        )
    except Exception:
        session.delete(schedule)
        session.commit()
        raise
    session.commit()
    return with_state(schedule)


def with_state(schedule: TrainingSchedule, states: dict[str, bool] | None = None) -> TrainingSchedule:
    """Attach ``active`` as Prefect reports it (None when Prefect can't be asked)."""
    states = states if states is not None else orchestration.schedule_states(KIND)
    schedule.active = None if states is None else states.get(schedule.prefect_schedule_id or "")  # type: ignore[attr-defined]
    return schedule


def list_(
    session: Session, organization_id: int, page: int, per_page: int, project_id: int | None = None
) -> Page[Any]:
    stmt = select(TrainingSchedule).where(TrainingSchedule.organization_id == organization_id)
    if project_id is not None:
        stmt = stmt.where(TrainingSchedule.project_id == project_id)
    result = paginate(session, stmt.order_by(TrainingSchedule.id.desc()), page, per_page)
    states = orchestration.schedule_states(KIND) if result.items else {}
    for schedule in result.items:
        with_state(schedule, states)
    return result


def get(session: Session, organization_id: int, schedule_id: int) -> TrainingSchedule:
    return with_state(get_in_org(session, TrainingSchedule, organization_id, schedule_id))


def update(
    session: Session, organization_id: int, schedule_id: int, changes: dict[str, Any]
) -> TrainingSchedule:
    schedule = get_in_org(session, TrainingSchedule, organization_id, schedule_id)
    active = changes.pop("active", None)
    timing_changed = "cron" in changes or "interval_seconds" in changes
    if timing_changed:
        cron = changes.get("cron", schedule.cron)
        interval = changes.get("interval_seconds", schedule.interval_seconds)
        if changes.get("cron"):
            interval = changes["interval_seconds"] = None
        elif changes.get("interval_seconds"):
            cron = changes["cron"] = None
        _check_timing(cron, interval)
    if (active is not None or timing_changed) and schedule.prefect_schedule_id:
        orchestration.update_schedule(
            KIND,
            schedule.prefect_schedule_id,
            active=active,
            cron=changes.get("cron", schedule.cron) if timing_changed else None,
            interval_seconds=changes.get("interval_seconds", schedule.interval_seconds)
            if timing_changed
            else None,
            timezone=changes.get("timezone", schedule.timezone),
        )
    for key, value in changes.items():
        setattr(schedule, key, value)
    session.commit()
    return with_state(schedule)


def delete(session: Session, organization_id: int, schedule_id: int) -> None:
    schedule = get_in_org(session, TrainingSchedule, organization_id, schedule_id)
    if schedule.prefect_schedule_id:
        orchestration.delete_schedule(KIND, schedule.prefect_schedule_id)
    session.delete(schedule)
    session.commit()


def run_now(session: Session, organization_id: int, schedule_id: int) -> str:
    """Start one run of the schedule now (as Prefect would), returning the flow run id."""
    schedule = get_in_org(session, TrainingSchedule, organization_id, schedule_id)
    return orchestration.start(KIND, _parameters(schedule))


def new_annotations(session: Session, schedule: TrainingSchedule) -> int:
    """Images of the project annotated since the schedule last cut a version (all, before the first)."""
    stmt = select(func.count(distinct(Annotation.image_id))).where(
        Annotation.organization_id == schedule.organization_id, Annotation.project_id == schedule.project_id
    )
    if schedule.last_dataset_id is not None and schedule.last_run_at is not None:
        stmt = stmt.where(Annotation.created_at > schedule.last_run_at)
    return session.scalar(stmt) or 0


def start_run(session: Session, organization_id: int, schedule_id: int) -> dict[str, Any]:
    """The scheduled flow's first step: cut a dataset version if enough is new, else record a skip."""
    schedule = get_in_org(session, TrainingSchedule, organization_id, schedule_id)
    fresh = new_annotations(session, schedule)
    now = utcnow()
    if fresh < schedule.min_new_annotations:
        schedule.last_outcome = (
            f"skipped: {fresh} newly annotated images, {schedule.min_new_annotations} needed"
        )
        session.commit()
        return {"started": False, "reason": schedule.last_outcome, "new_annotations": fresh}
    version = datasets.create(
        session, organization_id, None, project_id=schedule.project_id, **schedule.dataset_params
    )
    schedule.last_run_at = now
    schedule.last_dataset_id = version.id
    schedule.last_training_job_id = None
    schedule.last_outcome = f"cut dataset version {version.id} from {fresh} newly annotated images"
    session.commit()
    return {"started": True, "dataset_id": version.id, "new_annotations": fresh}


def record_outcome(
    session: Session, organization_id: int, schedule_id: int, changes: dict[str, Any]
) -> TrainingSchedule:
    """The scheduled flow's report: the training job it started, or why it stopped."""
    schedule = get_in_org(session, TrainingSchedule, organization_id, schedule_id)
    if changes.get("last_training_job_id") is not None:
        # The foreign key holds across tenants; the job must be one of the schedule's organization.
        get_in_org(session, TrainingJob, organization_id, changes["last_training_job_id"])
    for key, value in changes.items():
        setattr(schedule, key, value)
    session.commit()
    return with_state(schedule)
