"""What the flows share about failing: the retried task preset and the failure hook that reports a run.

Prefect retries any exception a task raises, on top of the HTTP client's own retries of transient
failures (flows/client.py): a task made with :func:`retried_task` retries only what may pass later,
not the platform refusing the call (a 4xx: it would say the same again).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, TypeVar

from prefect import Task, task
from prefect.client.schemas.objects import FlowRun
from prefect.flows import Flow
from prefect.states import State

from flows.client import ApiError, PlatformClient
from flows.config import FlowSettings

# The delays, in seconds, before each retry: a restart of the API or of Label Studio fits in them.
DELAYS = (2, 5, 15)
# 4xx statuses that say "later", not "no": a request timeout, too many requests.
RETRIED_CLIENT_ERRORS = frozenset({408, 429})
# Errors reported on a record are cut to what the API stores.
ERROR_LIMIT = 10_000

P = ParamSpec("P")
R = TypeVar("R")
FlowHook = Callable[[Flow[..., Any], FlowRun, State[Any]], None]
# Sends a failed run's report: (client, the run's parameters, the error message).
Report = Callable[[PlatformClient, dict[str, Any], str], None]


def retryable(exc: BaseException) -> bool:
    """Whether a task that raised ``exc`` may pass when run again: all but the platform's refusals."""
    if isinstance(exc, ApiError):
        return not (400 <= exc.status < 500) or exc.status in RETRIED_CLIENT_ERRORS
    return True


def retry_condition(task: Any, task_run: Any, state: State[Any]) -> bool:
    """Prefect's ``retry_condition_fn``: called with a task's failed state, says whether to retry it."""
    try:
        state.result()
    except Exception as exc:
        return retryable(exc)
    return True


def retried_task(delays: Sequence[float] = DELAYS, **options: Any) -> Callable[[Callable[P, R]], Task[P, R]]:
    """``@task``, retried once per delay (seconds) while :func:`retryable` holds; ``options`` go to
    ``task`` (``cache_policy``, ...)."""
    return task(
        retries=len(delays), retry_delay_seconds=list(delays), retry_condition_fn=retry_condition, **options
    )


def connect(organization_id: int | None) -> PlatformClient:
    """The platform's API, for a hook reporting on a run of ``organization_id``."""
    return PlatformClient(FlowSettings.from_env(), organization_id)


def failure_hook(
    report: Report, default: str, *, when: Callable[[dict[str, Any]], bool] | None = None
) -> FlowHook:
    """A flow's ``on_failure`` and ``on_crashed`` hook: a run that failed or crashed is reported through
    the API by ``report``, with the state's message (``default`` when it has none). ``when``: reported
    only for the runs whose parameters it holds for."""

    def hook(flow: Flow[..., Any], flow_run: FlowRun, state: State[Any]) -> None:
        params = flow_run.parameters
        if when is not None and not when(params):
            return
        report(connect(params["organization_id"]), params, state.message or default)

    return hook


def mark_failed(path: str, *, final_is_done: bool = False) -> Report:
    """A report that PATCHes the record at ``path`` (formatted with the run's parameters) to failed,
    with the error. ``final_is_done``: a 409 (the record is already cancelled or final) leaves nothing
    to mark."""

    def report(api: PlatformClient, params: dict[str, Any], message: str) -> None:
        try:
            api.patch(path.format(**params), {"status": "failed", "error": message[:ERROR_LIMIT]})
        except ApiError as exc:
            if not (final_is_done and exc.status == 409):
                raise

    return report
