"""What every flow-backed record shares: its status machine, and the timestamps it keeps."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Protocol

from webapp.errors import Conflict
from webapp.models import utcnow


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
