"""Starting Prefect flow runs for the API: the one place the web app talks to Prefect."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from webapp.errors import ServiceUnavailable, describe_failure

log = logging.getLogger(__name__)

# Prefect sends usage data to its makers unless told not to: its SDK on import (DO_NOT_TRACK) and any
# server it runs (PREFECT_SERVER_ANALYTICS_ENABLED). Set here, before this process first imports it;
# the processes `acusight up` starts inherit them. An operator's own setting is kept.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

# Deployments the worker serves, by job kind: "<flow name>/<deployment name>".
DEPLOYMENTS = {
    "dataset": "build-dataset-version/acusight",
    "training": "train-model/acusight",
    "scheduled-training": "scheduled-training/acusight",
    "export": "export-model/acusight",
    "label_studio_push": "push-to-label-studio/acusight",
    "label_studio_pull": "pull-from-label-studio/acusight",
    "drift_check": "drift-check/acusight",
    "rollout_evaluation": "rollout-evaluation/acusight",
}


# --- what a run serves: its name and tags in the Prefect UI ------------------------------------------

# Each kind of run as its name and `kind:` tag call it ("train · project 3 · job 12", `kind:train`).
# flows/prefect_ui.py names the runs Prefect itself starts (schedules) with the same words.
RUN_KINDS = {
    "dataset": "dataset",
    "training": "train",
    "scheduled-training": "scheduled training",
    "export": "export",
    "label_studio_push": "label-studio push",
    "label_studio_pull": "label-studio pull",
    "drift_check": "drift check",
    "rollout_evaluation": "rollout evaluation",
}
RUN_TAG = "acusight"
SEPARATOR = " · "


@dataclass(frozen=True)
class RunLabel:
    """What a flow run serves, as its name and tags say it in the Prefect UI."""

    kind: str
    organization_id: int | None = None
    project_id: int | None = None
    # The record, as the name calls it: ("job", 12), ("version", 5), ("batch", 9).
    subject: tuple[str, int] | None = None
    # The record, as its tag names it (its id): ("job", 12), ("dataset", 40).
    tag: tuple[str, int] | None = None
    # What the name says when the run serves no one record (a pull of every linked project).
    scope: str | None = None

    @property
    def name(self) -> str:
        parts = [RUN_KINDS.get(self.kind, self.kind)]
        if self.project_id is not None:
            parts.append(f"project {self.project_id}")
        if self.subject is not None:
            parts.append(f"{self.subject[0]} {self.subject[1]}")
        elif self.scope and self.project_id is None:
            parts.append(self.scope)
        return SEPARATOR.join(parts)

    @property
    def tags(self) -> list[str]:
        tags = [RUN_TAG, "kind:" + RUN_KINDS.get(self.kind, self.kind).replace(" ", "-")]
        if self.project_id is not None:
            tags.append(f"project:{self.project_id}")
        if self.tag is not None:
            tags.append(f"{self.tag[0]}:{self.tag[1]}")
        if self.organization_id is not None:
            tags.append(f"org:{self.organization_id}")
        return tags


def run_label(kind: str, parameters: dict[str, Any], record: Any = None) -> RunLabel:
    """The label of a ``kind`` run started with ``parameters``; ``record`` is the row it serves (its
    project, and a dataset version's number, come from it)."""

    def named(what: str, key: str) -> tuple[str, int] | None:
        value = parameters.get(key)
        return (what, value) if value is not None else None

    org = parameters.get("organization_id", getattr(record, "organization_id", None))
    project = parameters.get("project_id", getattr(record, "project_id", None))
    subject = tag = None
    scope = None
    if kind in ("training", "export"):
        subject = tag = named("job", "job_id")
    elif kind == "dataset":
        tag = named("dataset", "dataset_id")
        version = getattr(record, "version", None)
        subject = ("version", version) if version is not None else tag
    elif kind == "scheduled-training":
        subject = tag = named("schedule", "schedule_id")
    elif kind == "label_studio_push":
        subject = tag = named("batch", "batch_id")
    elif kind == "label_studio_pull":
        scope = "every linked project"
    elif kind == "drift_check":
        subject = tag = named("export", "export_id")
        scope = "every deployed export"
    elif kind == "rollout_evaluation":
        subject = tag = named("rollout", "rollout_id")
        scope = "every active rollout"
    return RunLabel(kind, org, project, subject, tag, scope)


# The row a run of each kind serves, by the parameter that names it: where its project is read.
_RECORDS = {
    "dataset": ("DatasetVersion", "dataset_id"),
    "training": ("TrainingJob", "job_id"),
    "export": ("ExportJob", "job_id"),
    "scheduled-training": ("TrainingSchedule", "schedule_id"),
    "drift_check": ("ExportJob", "export_id"),
    "rollout_evaluation": ("Rollout", "rollout_id"),
}


def _record(kind: str, parameters: dict[str, Any]) -> Any:
    """The row a ``kind`` run serves (the caller committed it), or None: its parameters name no row, or
    it can't be read here (no app context). Only the run's name and tags use it."""
    if kind not in _RECORDS or "project_id" in parameters:
        return None
    model, key = _RECORDS[kind]
    if parameters.get(key) is None:
        return None
    try:
        from webapp import models
        from webapp.extensions import db

        return db.session.get(getattr(models, model), parameters[key])
    except Exception as exc:  # the run is still started, named without its project
        log.debug("no %s %s to label its run with: %r", model, parameters[key], exc)
        return None


def _not_configured() -> ServiceUnavailable:
    return ServiceUnavailable(
        "The orchestrator (Prefect) is not configured",
        "set PREFECT_API_URL to the Prefect server's API (`acusight up` sets it for the servers it starts)",
    )


def _server_configured() -> bool:
    """Whether PREFECT_API_URL names a server. Without one, Prefect's client starts a temporary server
    of its own inside the calling process (seconds of start, files under ~/.prefect, and a server that
    knows none of our runs): the web app never lets it."""
    from prefect.settings import get_current_settings

    return bool(get_current_settings().api.url)


@contextmanager
def _client() -> Iterator[Any]:
    """Prefect's synchronous client of the configured server; 503 when none is configured."""
    from prefect.client.orchestration import get_client

    if not _server_configured():
        raise _not_configured()
    with get_client(sync_client=True) as client:
        yield client


def start(kind: str, parameters: dict[str, Any]) -> str:
    """Create a flow run of the ``kind`` deployment and return its id, without waiting for it.

    The run is named and tagged for what it serves (:func:`run_label`): ``train · project 3 · job 12``,
    tags ``acusight``, ``kind:train``, ``project:3``, ``job:12``, ``org:1``.

    Raises ServiceUnavailable when Prefect can't be reached or no worker has registered the
    deployment, so the caller never records a job as started when it wasn't.
    """
    # Imported here: Prefect is heavy, and only job-creating requests need it.
    from prefect.deployments import run_deployment
    from prefect.exceptions import ObjectNotFound

    name = DEPLOYMENTS[kind]
    if not _server_configured():
        raise _not_configured()
    label = run_label(kind, parameters, _record(kind, parameters))
    try:
        flow_run = run_deployment(
            name=name, parameters=parameters, timeout=0, flow_run_name=label.name, tags=label.tags
        )
    except ObjectNotFound as exc:
        raise ServiceUnavailable(
            "No worker serves this job yet", f"deployment {name} is not registered; start `acusight worker`"
        ) from exc
    except Exception as exc:  # any failure to reach Prefect means the job did not start
        raise _unreachable(exc, f"could not start {name}") from exc
    return str(flow_run.id)


def ui_url() -> str | None:
    """The Prefect UI's base URL: ACUSIGHT_PREFECT_UI_URL, else PREFECT_UI_URL, else PREFECT_API_URL
    without its ``/api``; None when none is set.

    Read from the environment, not through Prefect's settings: the first record serialized with a
    ``flow_run_url`` would otherwise load Prefect into the API process (about 1.7 s) for a string.
    """
    from webapp.settings import get_settings

    explicit = get_settings().prefect_ui_url or os.environ.get("PREFECT_UI_URL", "")
    if explicit:
        return explicit.rstrip("/")
    api = os.environ.get("PREFECT_API_URL", "").rstrip("/")
    return api.removesuffix("/api") if api.endswith("/api") else None


def flow_run_url(flow_run_id: str | None) -> str | None:
    """The Prefect UI's page of a flow run; None without a run id or a known UI."""
    if not flow_run_id:
        return None
    base = ui_url()
    return f"{base}/runs/flow-run/{flow_run_id}" if base else None


def cancel(flow_run_id: str) -> None:
    """Ask Prefect to cancel a flow run."""
    from prefect.client.schemas.objects import StateType
    from prefect.states import State

    try:
        with _client() as client:
            client.set_flow_run_state(flow_run_id, State(type=StateType.CANCELLING), force=True)
    except Exception as exc:  # reported to the caller as 503
        raise _unreachable(exc) from exc


# --- schedules: Prefect deployment schedules, so the Prefect UI shows and pauses them too ----------


def _unreachable(exc: Exception, what: str = "Prefect call failed") -> ServiceUnavailable:
    """The 503 of a failed call to Prefect: its cause in words (the exception's text goes to the log)."""
    log.warning("%s: %r", what, exc)
    return ServiceUnavailable("The orchestrator (Prefect) is unreachable", describe_failure(exc))


def _deployment_id(client: Any, kind: str) -> Any:
    from prefect.exceptions import ObjectNotFound

    try:
        return client.read_deployment_by_name(DEPLOYMENTS[kind]).id
    except ObjectNotFound as exc:
        raise ServiceUnavailable(
            "No worker serves this job yet", f"deployment {DEPLOYMENTS[kind]} is not registered"
        ) from exc


def cron_problem(cron: str) -> str | None:
    """Why Prefect would refuse this cron expression, or None."""
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=cron)
    except ValueError as exc:
        errors = exc.errors() if hasattr(exc, "errors") else []
        return str(errors[0]["msg"] if errors else exc).removeprefix("Value error, ")[:300]
    return None


def _schedule(cron: str | None, interval_seconds: int | None, timezone: str) -> Any:
    from prefect.client.schemas.schedules import CronSchedule, IntervalSchedule

    if cron:
        return CronSchedule(cron=cron, timezone=timezone)
    return IntervalSchedule(interval=timedelta(seconds=interval_seconds or 0), timezone=timezone)


def create_schedule(
    kind: str, parameters: dict[str, Any], *, cron: str | None, interval_seconds: int | None, timezone: str
) -> str:
    """Add a schedule to the ``kind`` deployment, running it with ``parameters``; returns its id."""
    from prefect.client.schemas.actions import DeploymentScheduleCreate

    try:
        with _client() as client:
            created = client.create_deployment_schedules(
                _deployment_id(client, kind),
                [
                    DeploymentScheduleCreate(
                        schedule=_schedule(cron, interval_seconds, timezone),
                        active=True,
                        parameters=parameters,
                    )
                ],
            )
    except ServiceUnavailable:
        raise
    except Exception as exc:  # any failure to reach Prefect: the schedule does not exist
        raise _unreachable(exc) from exc
    return str(created[0].id)


def update_schedule(
    kind: str,
    schedule_id: str,
    *,
    active: bool | None = None,
    cron: str | None = None,
    interval_seconds: int | None = None,
    timezone: str = "UTC",
) -> None:

    timing = _schedule(cron, interval_seconds, timezone) if (cron or interval_seconds) else None
    try:
        with _client() as client:
            client.update_deployment_schedule(
                _deployment_id(client, kind), UUID(schedule_id), active=active, schedule=timing
            )
    except ServiceUnavailable:
        raise
    except Exception as exc:  # reported to the caller as 503
        raise _unreachable(exc) from exc


def delete_schedule(kind: str, schedule_id: str) -> None:
    from prefect.exceptions import ObjectNotFound

    try:
        with _client() as client:
            client.delete_deployment_schedule(_deployment_id(client, kind), UUID(schedule_id))
    except ObjectNotFound:
        return  # already gone (deleted in the Prefect UI)
    except ServiceUnavailable:
        raise
    except Exception as exc:  # reported to the caller as 503
        raise _unreachable(exc) from exc


def schedule_states(kind: str) -> dict[str, bool] | None:
    """Whether each schedule of the ``kind`` deployment is active; None when Prefect can't say."""

    try:
        with _client() as client:
            schedules = client.read_deployment_schedules(_deployment_id(client, kind))
    except Exception as exc:  # shown as "unknown": listing must not fail because Prefect is down
        log.warning("could not read schedules of %s: %s", kind, exc)
        return None
    return {str(s.id): s.active for s in schedules}


# --- flow runs whose worker died: what Prefect says of them, and its zombie detection --------------

ZOMBIE_AUTOMATION = "acusight: crash flow runs that stopped heartbeating"


def flow_run_states(flow_run_ids: list[str]) -> dict[str, tuple[str, str]] | None:
    """Prefect's state of each flow run: id -> (state type, message); runs Prefect doesn't know are
    left out. None when Prefect can't be reached (the caller must not conclude anything then)."""
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    if not _server_configured():
        log.warning("PREFECT_API_URL is not set: flow runs are not checked against Prefect")
        return None
    wanted: list[UUID] = []
    for run_id in flow_run_ids:
        try:
            wanted.append(UUID(run_id))
        except ValueError:
            continue  # not an id Prefect ever gave: it knows no such run
    found: dict[str, tuple[str, str]] = {}
    try:
        with _client() as client:
            if not wanted and client.api_healthcheck() is not None:
                raise ConnectionError("Prefect is not healthy")
            for start in range(0, len(wanted), 200):
                runs = client.read_flow_runs(
                    flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=wanted[start : start + 200])),
                    limit=200,
                )
                for run in runs:
                    state = run.state
                    found[str(run.id)] = (
                        state.type.value if state else "UNKNOWN",
                        (state.message or "") if state else "",
                    )
    except Exception as exc:  # the caller skips the Prefect checks this time
        log.warning("could not read flow run states: %s", exc)
        return None
    return found


def ensure_zombie_detection(after_s: int) -> bool:
    """Have Prefect mark a flow run CRASHED when its heartbeats stop for ``after_s`` seconds.

    Runs started from deployments send a heartbeat every PREFECT_FLOWS_HEARTBEAT_FREQUENCY seconds
    (180 by default, 30 at least); a worker killed with its runs stops sending them. This is the
    automation Prefect's "detect zombie flows" guide describes, created once under a fixed name
    (several API replicas or reapers may call this: the first creates it). False if Prefect is down.
    """
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    if not _server_configured():
        return False
    try:
        with _client() as client:
            existing = client.read_automations_by_name(ZOMBIE_AUTOMATION)
            if any(int(a.trigger.within.total_seconds()) == after_s for a in existing):  # type: ignore[union-attr]
                return True
            for automation in existing:  # another window was asked for: replace it
                client.delete_automation(automation.id)
            client.create_automation(
                AutomationCore(
                    name=ZOMBIE_AUTOMATION,
                    trigger=EventTrigger(
                        after={"prefect.flow-run.heartbeat"},
                        expect={
                            "prefect.flow-run.heartbeat",
                            "prefect.flow-run.Completed",
                            "prefect.flow-run.Failed",
                            "prefect.flow-run.Cancelled",
                            "prefect.flow-run.Crashed",
                        },
                        match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
                        for_each={"prefect.resource.id"},
                        posture=Posture.Proactive,
                        threshold=1,
                        within=timedelta(seconds=after_s),
                    ),
                    actions=[
                        ChangeFlowRunState(
                            state=StateType.CRASHED,
                            message=f"no heartbeat for {after_s} s: its worker stopped (killed, or lost)",
                        )
                    ],
                )
            )
    except Exception as exc:  # retried at the next reaper pass
        log.warning("could not set up zombie flow detection in Prefect: %s", exc)
        return False
    return True
