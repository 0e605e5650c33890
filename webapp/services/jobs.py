"""What every flow-backed record shares: its status machine, and the timestamps it keeps."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Protocol

from sqlalchemy.orm import Session

from webapp import orchestration
from webapp.errors import Conflict
from webapp.models import utcnow
from webapp.unit_of_work import commit_now


class Job(Protocol):
    status: str
    error: str | None
    started_at: Any
    finished_at: Any


def move(
    job: Job,
    new_status: str | None,
    transitions: Mapping[str, Collection[str]],
    final: Collection[str],
    what: str,
) -> None:
    """Move ``job`` to ``new_status`` if its machine allows it (else 409 naming what is allowed)."""
    if new_status is None:
        return
    if new_status not in transitions[job.status]:
        allowed = ", ".join(sorted(transitions[job.status])) or "none (it is final)"
        raise Conflict(f"A {job.status} {what} cannot become {new_status}", f"allowed: {allowed}")
    now = utcnow()
    if new_status == "running":
        job.started_at = job.started_at or now
        job.error = None
    if new_status in final:
        job.finished_at = now
    job.status = new_status


def start_flow(session: Session, job: Any, kind: str, parameters: dict[str, Any]) -> None:
    """Commit ``job`` as queued, then start its flow run and keep the run's id (the caller's unit of
    work commits it).

    Committed first because the flow's first call reads the record. If the run can't be started
    (Prefect down, no worker), the record is deleted again and the error goes up: nothing pretends
    the job started.
    """
    session.add(job)
    # Durable before Prefect is called: the flow's first call reads the record.
    commit_now(session)
    try:
        job.flow_run_id = orchestration.start(kind, parameters)
    except Exception:
        session.delete(job)
        # The committed record of a run that never started goes, although the request is refused.
        commit_now(session)
        raise
    session.flush()
