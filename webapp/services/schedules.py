"""Training schedules: cut a dataset version and train on a Prefect schedule, when enough is new."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from webapp import orchestration
from webapp.errors import RateLimited, ValidationError
from webapp.models import Annotation, Project, TrainingJob, TrainingSchedule, User, utcnow
from webapp.services import datasets, quotas
from webapp.services.common import Page, get_in_org, paginate
from webapp.unit_of_work import commit_now

KIND = "scheduled-training"
DAY_S = 86_400
# The five-field crons croniter's shorthands stand for.
_MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
# Matching days are looked for this many days ahead: four years hold every 29 February pattern.
_DAY_SEARCH = 4 * 366 + 1


def _parameters(schedule: TrainingSchedule) -> dict[str, Any]:
    return {"schedule_id": schedule.id, "organization_id": schedule.organization_id}


def _check_timing(cron: str | None, interval_seconds: int | None) -> None:
    if bool(cron) == bool(interval_seconds):
        raise ValidationError("Give exactly one of cron and interval_seconds")
    problem = orchestration.cron_problem(cron) if cron else None
    if problem:
        raise ValidationError("Invalid cron expression", problem)
    least = quotas.settings().schedule_min_interval_s
    if interval_seconds is not None and interval_seconds < least:
        raise ValidationError(
            f"A schedule runs at most once every {least} s on this server",
            f"interval_seconds {interval_seconds} is shorter than {least} (ACUSIGHT_SCHEDULE_MIN_INTERVAL_S)",
        )
    if cron and least > 0:
        gap = cron_gap_under(cron, least)
        if gap is not None:
            raise ValidationError(
                f"A schedule runs at most once every {least} s on this server",
                f"this cron fires {gap} s apart at its closest (ACUSIGHT_SCHEDULE_MIN_INTERVAL_S)",
            )


def cron_gap_under(cron: str, least: int) -> int | None:
    """The shortest time between two firings of a valid ``cron`` (seconds of wall-clock time) when it
    is under ``least``; None when the cron never fires closer than that.

    Every matching day fires at the same times of day (hours x minutes x seconds): the shortest gap is
    the shortest within a day, or from the last firing of a day to the first of the next matching day.
    Read with croniter, as Prefect's CronSchedule reads it.
    """
    from prefect._vendor.croniter import croniter

    cron = _MACROS.get(cron.strip().lower(), cron)
    fields = cron.split()
    expanded = croniter(cron).expanded

    def values(index: int, every: range) -> list[int]:
        if index >= len(expanded):
            return [0]
        return list(every) if expanded[index] == ["*"] else [int(v) for v in expanded[index]]

    hours, minutes, seconds = values(1, range(24)), values(0, range(60)), values(5, range(60))
    times = sorted({h * 3600 + m * 60 + s for h in hours for m in minutes for s in seconds})
    gaps = [b - a for a, b in pairwise(times)]
    overnight = times[0] + DAY_S - times[-1]  # to the next day's first firing, if that day matches
    if overnight < least:
        days = _shortest_day_gap(fields[2:5], fields[6] if len(fields) > 6 else None)
        if days is not None:
            gaps.append(overnight + (days - 1) * DAY_S)
    shortest = min(gaps, default=None)
    return shortest if shortest is not None and shortest < least else None


def _shortest_day_gap(day_fields: list[str], year: str | None) -> int | None:
    """Fewest days between two consecutive days the cron's day fields match (None: one day at most)."""
    from prefect._vendor.croniter import croniter

    expression = " ".join(["0", "0", *day_fields, *(["0", year] if year else [])])
    now = utcnow()
    days = croniter(expression, datetime(now.year, now.month, now.day))
    best: int | None = None
    previous: datetime | None = None
    for _ in range(_DAY_SEARCH):
        try:
            day = days.get_next(datetime)
        except Exception:  # croniter finds no later matching day (a year field in the past)
            break
        if previous is not None:
            best = min(best or DAY_S, (day - previous).days)
            if best == 1:
                break
        previous = day
    return best


def create(session: Session, organization_id: int, user: User | None, **fields: Any) -> TrainingSchedule:
    """A schedule row and its Prefect schedule; nothing is kept if Prefect can't be reached."""
    get_in_org(session, Project, organization_id, fields["project_id"])
    _check_timing(fields.get("cron"), fields.get("interval_seconds"))
    quotas.check_training_params(fields.get("training_params"))
    schedule = TrainingSchedule(
        organization_id=organization_id, created_by_id=user.id if user else None, **fields
    )
    session.add(schedule)
    # Durable before Prefect is called: a schedule Prefect has is never without its row.
    commit_now(session)
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
        # The committed row of a schedule Prefect never got goes, although the request is refused.
        commit_now(session)
        raise
    session.flush()
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
    if "training_params" in changes:
        quotas.check_training_params(changes["training_params"])
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
    session.flush()
    return with_state(schedule)


def delete(session: Session, organization_id: int, schedule_id: int) -> None:
    schedule = get_in_org(session, TrainingSchedule, organization_id, schedule_id)
    if schedule.prefect_schedule_id:
        orchestration.delete_schedule(KIND, schedule.prefect_schedule_id)
    session.delete(schedule)
    session.flush()


def run_now(session: Session, organization_id: int, schedule_id: int) -> str:
    """Start one run of the schedule now (as Prefect would), returning the flow run id; refused (429)
    while the organization is at its limit of dataset versions or training jobs, where the run could
    only skip."""
    schedule = get_in_org(session, TrainingSchedule, organization_id, schedule_id)
    for kind in ("training_jobs", "dataset_versions"):
        full = quotas.job_limit_reached(session, organization_id, kind)
        if full:
            raise RateLimited(
                full[0].upper() + full[1:], "retry when one finishes", retry_after_s=quotas.RETRY_AFTER_S
            )
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
    """The scheduled flow's first step: cut a dataset version if enough is new, else record a skip.

    Nothing newly annotated is never enough, whatever min_new_annotations says (0 counts as 1): a run
    never cuts, nor trains on, a version equal to the last one. A run that finds its organization at
    its limit of dataset versions or training jobs queued or running skips too.
    """
    schedule = get_in_org(session, TrainingSchedule, organization_id, schedule_id)
    fresh = new_annotations(session, schedule)
    now = utcnow()
    needed = max(schedule.min_new_annotations, 1)
    if fresh < needed:
        return _skip(session, schedule, f"{fresh} newly annotated images, {needed} needed", fresh)
    # Training comes after the version: a version cut now would wait for a free training slot anyway.
    for kind in ("training_jobs", "dataset_versions"):
        full = quotas.job_limit_reached(session, organization_id, kind)
        if full:
            return _skip(session, schedule, full, fresh)
    try:
        version = datasets.create(
            session, organization_id, None, project_id=schedule.project_id, **schedule.dataset_params
        )
    except RateLimited as refused:  # another request took the last slot since the count above
        schedule = get_in_org(session, TrainingSchedule, organization_id, schedule_id)
        return _skip(session, schedule, refused.message, fresh)
    schedule.last_run_at = now
    schedule.last_dataset_id = version.id
    schedule.last_training_job_id = None
    schedule.last_outcome = f"cut dataset version {version.id} from {fresh} newly annotated images"
    session.flush()
    return {"started": True, "dataset_id": version.id, "new_annotations": fresh}


def _skip(session: Session, schedule: TrainingSchedule, why: str, fresh: int) -> dict[str, Any]:
    schedule.last_outcome = f"skipped: {why}"
    session.flush()
    return {"started": False, "reason": schedule.last_outcome, "new_annotations": fresh}


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
    session.flush()
    return with_state(schedule)
