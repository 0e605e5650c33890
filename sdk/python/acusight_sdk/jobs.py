"""Waiting for the API's long-running work — dataset versions, training jobs, export jobs — to end.

Each is a resource with a ``status`` that a flow moves along; ``wait_for`` polls it until the status is
terminal, tells a callback of every change it sees, and turns a failed end or a deadline into an
exception that names the job, its last status and its error message.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

from acusight_sdk.errors import AcusightError

Job = dict[str, Any]
ProgressCallback = Callable[[Job], None]


@dataclass(frozen=True)
class JobKind:
    """What a kind of job is called, and which of its statuses end it well or badly."""

    name: str
    succeeded: frozenset[str]
    failed: frozenset[str]


DATASET = JobKind("dataset version", frozenset({"ready"}), frozenset({"failed"}))
TRAINING = JobKind("training job", frozenset({"succeeded"}), frozenset({"failed", "cancelled"}))
EXPORT = JobKind("export job", frozenset({"succeeded"}), frozenset({"failed"}))


class JobFailed(AcusightError):
    """The job ended without success (``failed``, ``cancelled``); ``error`` is the flow's message."""

    def __init__(self, kind: str, job: Job) -> None:
        self.kind = kind
        self.job = job
        self.job_id = job.get("id")
        self.status = str(job.get("status"))
        self.error: str | None = job.get("error")
        why = f": {self.error}" if self.error else ""
        super().__init__(f"{kind} {self.job_id} ended {self.status}{why}")


class JobTimeout(AcusightError, TimeoutError):
    """The job was still running when the wait's ``timeout`` ran out (the job itself goes on)."""

    def __init__(self, kind: str, job: Job, timeout: float) -> None:
        self.kind = kind
        self.job = job
        self.job_id = job.get("id")
        self.status = str(job.get("status"))
        self.timeout = timeout
        super().__init__(
            f"{kind} {self.job_id} still {self.status} after {timeout:g} s (its last progress: "
            f"{job.get('progress')})"
        )


def _observed(job: Job) -> tuple[Any, ...]:
    # What a person watching would call a change: the status, the progress figures, the error.
    return (job.get("status"), repr(job.get("progress")), job.get("error"))


def wait_for(
    fetch: Callable[[], Job],
    kind: JobKind,
    *,
    timeout: float | None = None,
    interval: float = 2.0,
    on_progress: ProgressCallback | None = None,
    raise_on_failure: bool = True,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Job:
    """Poll ``fetch()`` until the job's status is terminal; answers the job as last read.

    ``on_progress(job)`` is called with the first reading and then whenever the status, progress or
    error changed. Raises :class:`JobFailed` for a failed/cancelled end (unless ``raise_on_failure``
    is false) and :class:`JobTimeout` when ``timeout`` seconds pass first. Network errors are the
    client's to retry (its RetryTransport does); an :class:`~acusight_sdk.errors.ApiError` propagates.
    """
    deadline = None if timeout is None else clock() + timeout
    last: tuple[Any, ...] | None = None
    while True:
        job = fetch()
        seen = _observed(job)
        if seen != last:
            last = seen
            if on_progress is not None:
                on_progress(job)
        status = job.get("status")
        if status in kind.succeeded:
            return job
        if status in kind.failed:
            if raise_on_failure:
                raise JobFailed(kind.name, job)
            return job
        if deadline is not None:
            left = deadline - clock()
            if left <= 0:
                raise JobTimeout(kind.name, job, timeout or 0.0)
            sleep(min(interval, left))
        else:
            sleep(interval)
