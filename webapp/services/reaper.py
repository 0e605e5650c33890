"""The reaper: flow-backed records left queued or running by a worker that died end failed, saying why.

A flow marks its own record failed when it fails or crashes in a way it can see (its Prefect hooks).
When its worker is killed outright, nothing is left to report, and the record would stay
``running`` forever. Each pass here looks at the records that have been quiet for a while:

* their flow run is CRASHED, FAILED or CANCELLED in Prefect, or Prefect has no such run, or it
  COMPLETED without the flow reporting a result → failed (a training job: cancelled when Prefect
  says CANCELLED), the error naming the Prefect state and its message. Prefect itself marks a run
  CRASHED when its heartbeats stop (``orchestration.ensure_zombie_detection``).
* running, and no report for ``job_stale_after_s`` → failed, whatever Prefect says (it may be
  unreachable, or the run may be stuck where no heartbeat notices).

Each change is one conditional UPDATE (same status, same updated_at as read), so a report the flow
makes meanwhile wins, and any number of reapers may run at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp import orchestration
from webapp.models import DatasetVersion, ExportJob, LabelStudioLink, TrainingJob, utcnow
from webapp.services import training
from webapp.settings import Settings

# Prefect state types after which the run will never report again.
DEAD_STATES = {"CRASHED", "FAILED", "CANCELLED"}
MAX_ERROR_CHARS = 10_000
SYNCING = ("pushing", "pulling")


@dataclass(frozen=True)
class Reaped:
    """One record the reaper moved: what it was, and the error it now carries."""

    kind: str
    id: int
    organization_id: int
    status: str
    error: str


@dataclass(frozen=True)
class _Kind:
    name: str
    model: Any
    status_column: str
    active: tuple[str, ...]
    running: tuple[str, ...]


KINDS = (
    _Kind("dataset version", DatasetVersion, "status", ("queued", "running"), ("running",)),
    _Kind("training job", TrainingJob, "status", ("queued", "running"), ("running",)),
    _Kind("export job", ExportJob, "status", ("queued", "running"), ("running",)),
    # Label Studio syncs keep no flow run id on the link: only the stale rule applies to them.
    _Kind(
        "label studio sync", LabelStudioLink, "sync_status", ("pushing", "pulling"), ("pushing", "pulling")
    ),
)


def _age(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 5400 else f"{seconds / 60:.0f} min"


def reap(session: Session, settings: Settings, now: datetime | None = None) -> list[Reaped]:
    """One pass over every organization's quiet queued/running records; returns those it failed."""
    now = now or utcnow()
    quiet_since = now - timedelta(seconds=settings.job_check_after_s)
    stale_since = now - timedelta(seconds=settings.job_stale_after_s)
    candidates: list[tuple[_Kind, Any]] = []
    for kind in KINDS:
        status = getattr(kind.model, kind.status_column)
        rows = session.scalars(
            select(kind.model)
            .where(status.in_(kind.active), kind.model.updated_at < quiet_since)
            .order_by(kind.model.id)
        ).all()
        candidates.extend((kind, row) for row in rows)
    run_ids = [row.flow_run_id for _, row in candidates if getattr(row, "flow_run_id", None)]
    states = orchestration.flow_run_states(run_ids) if run_ids else {}

    reaped: list[Reaped] = []
    for kind, row in candidates:
        outcome = _verdict(kind, row, states, stale_since, now)
        if outcome is not None and _apply(session, kind, row, *outcome, now):
            reaped.append(Reaped(kind.name, row.id, row.organization_id, outcome[0], outcome[1]))
            if kind.model is TrainingJob and outcome[0] == "failed":
                session.refresh(row)  # the UPDATE went around the ORM: read the row as it now is
                training.announce_finished(session, row)
    session.flush()
    return reaped


def _verdict(
    kind: _Kind,
    row: Any,
    states: dict[str, tuple[str, str]] | None,
    stale_since: datetime,
    now: datetime,
) -> tuple[str, str] | None:
    """(new status, error) for a record whose run is dead, or None to leave it."""
    status = getattr(row, kind.status_column)
    run_id = getattr(row, "flow_run_id", None)
    failed = "failed"
    said = "Prefect could not be asked" if states is None else "Prefect was not asked"
    if run_id and states is not None:
        state = states.get(run_id)
        if state is None:
            return failed, f"the {kind.name} was {status}, but Prefect has no flow run {run_id}"
        state_type, message = state
        said = f"Prefect says {state_type}"
        if state_type in DEAD_STATES:
            if state_type == "CANCELLED" and kind.model is TrainingJob:
                failed = "cancelled"
            detail = f": {message}" if message else ""
            return failed, f"its flow run {run_id} is {state_type} in Prefect{detail}"
        if state_type == "COMPLETED":
            return failed, f"its flow run {run_id} COMPLETED in Prefect without reporting a result"
    if status in kind.running and row.updated_at < stale_since:
        silent = (now - row.updated_at).total_seconds()
        return (
            failed,
            f"no progress report for {_age(silent)} while {status} ({said}); its worker may have died",
        )
    return None


def _apply(session: Session, kind: _Kind, row: Any, new_status: str, error: str, now: datetime) -> bool:
    """Move the record unless it changed since it was read; True when this pass moved it."""
    table = kind.model.__table__
    status_column = table.c[kind.status_column]
    error = f"reaped: {error}"[:MAX_ERROR_CHARS]
    if kind.model is LabelStudioLink:
        values: dict[str, Any] = {"sync_status": new_status, "last_error": error, "last_error_at": now}
    else:
        values = {"status": new_status, "error": error, "finished_at": now}
    result = session.execute(
        update(table)
        .where(
            table.c.id == row.id,
            status_column == getattr(row, kind.status_column),
            table.c.updated_at == row.updated_at,
        )
        .values(**values, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)
