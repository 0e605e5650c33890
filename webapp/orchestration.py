"""Starting Prefect flow runs for the API: the one place the web app talks to Prefect."""

from __future__ import annotations

import logging
from typing import Any

from webapp.errors import ServiceUnavailable

log = logging.getLogger(__name__)

# Deployments the worker serves, by job kind: "<flow name>/<deployment name>".
DEPLOYMENTS = {
    "dataset": "build-dataset-version/acusight",
    "training": "train-model/acusight",
}


def start(kind: str, parameters: dict[str, Any]) -> str:
    """Create a flow run of the ``kind`` deployment and return its id, without waiting for it.

    Raises ServiceUnavailable when Prefect can't be reached or no worker has registered the
    deployment, so the caller never records a job as started when it wasn't.
    """
    # Imported here: Prefect is heavy, and only job-creating requests need it.
    from prefect.deployments import run_deployment
    from prefect.exceptions import ObjectNotFound

    name = DEPLOYMENTS[kind]
    try:
        flow_run = run_deployment(name=name, parameters=parameters, timeout=0)
    except ObjectNotFound as exc:
        raise ServiceUnavailable(
            "No worker serves this job yet", f"deployment {name} is not registered; start `acusight worker`"
        ) from exc
    except Exception as exc:  # any failure to reach Prefect means the job did not start
        log.warning("could not start %s: %s", name, exc)
        raise ServiceUnavailable("The orchestrator (Prefect) is unreachable", str(exc)[:300]) from exc
    return str(flow_run.id)


def cancel(flow_run_id: str) -> None:
    """Ask Prefect to cancel a flow run."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType
    from prefect.states import State

    try:
        with get_client(sync_client=True) as client:
            client.set_flow_run_state(flow_run_id, State(type=StateType.CANCELLING), force=True)
    except Exception as exc:  # reported to the caller as 503
        raise ServiceUnavailable("The orchestrator (Prefect) is unreachable", str(exc)[:300]) from exc
