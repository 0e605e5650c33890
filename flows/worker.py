"""`acusight worker`: serve every deployment of the platform's flows from this machine."""

from __future__ import annotations

import os
from datetime import timedelta

# A run starts within ~2 s of being requested with a 1 s poll, instead of up to 10 s with Prefect's
# default 10 s poll.
os.environ.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", "1")

from prefect import serve

from flows.config import FlowSettings
from flows.datasets import build_dataset_version
from flows.drift import drift_check
from flows.export import export_model
from flows.label_studio import pull_from_label_studio, push_to_label_studio
from flows.prefect_ui import deployment_tags
from flows.rollouts import evaluate_rollouts
from flows.schedules import scheduled_training
from flows.training import train_model

DEPLOYMENT_NAME = "acusight"


def deployments(only: set[str] | None = None) -> list:  # type: ignore[type-arg]
    """The flows the API can start, as deployments named ``<flow>/acusight``; ``only`` picks by flow name.

    Several machines may serve the same deployment: each run goes to one of them. So a GPU machine
    serves only ``train-model`` (ACUSIGHT_WORKER_FLOWS=train-model) and CPU machines the rest.
    """
    flows = (build_dataset_version, train_model, export_model, push_to_label_studio, scheduled_training)
    # Tagged `acusight` and `kind:…`: Prefect puts a deployment's tags on each of its runs, the ones its
    # schedules start included.
    chosen = [
        *(flow.to_deployment(name=DEPLOYMENT_NAME, tags=deployment_tags(flow)) for flow in flows),
        pull_from_label_studio.to_deployment(
            name=DEPLOYMENT_NAME,
            interval=label_studio_pull_interval(),
            tags=deployment_tags(pull_from_label_studio),
        ),
        drift_check.to_deployment(
            name=DEPLOYMENT_NAME, interval=drift_check_interval(), tags=deployment_tags(drift_check)
        ),
        evaluate_rollouts.to_deployment(
            name=DEPLOYMENT_NAME,
            interval=rollout_check_interval(),
            tags=deployment_tags(evaluate_rollouts),
        ),
    ]
    if only:
        unknown = only - {d.flow_name for d in chosen}
        if unknown:
            raise SystemExit(f"unknown flows in ACUSIGHT_WORKER_FLOWS: {', '.join(sorted(unknown))}")
        chosen = [d for d in chosen if d.flow_name in only]
    return chosen


def label_studio_pull_interval() -> timedelta | None:
    """The scheduled pull of every linked project, behind the webhook (ACUSIGHT_LABEL_STUDIO_PULL_MINUTES).

    The worker holds no Label Studio credentials (it asks the API for each link's), so it cannot see
    whether any organization uses one: the schedule runs every 5 minutes where the platform's shared
    Label Studio is named here (ACUSIGHT_LABEL_STUDIO_URL), or every N where the minutes are set;
    None (no schedule) otherwise, or when they are 0.
    """
    return FlowSettings.load().label_studio_pull_interval()


def drift_check_interval() -> timedelta | None:
    """The drift check of every deployed export, every ACUSIGHT_DRIFT_CHECK_MINUTES (0: not scheduled;
    a run may still be started by hand, `POST /ml/drift-checks`)."""
    minutes = FlowSettings.load().drift_check_minutes
    return timedelta(minutes=minutes) if minutes > 0 else None


def rollout_check_interval() -> timedelta | None:
    """The evaluation of every active rollout, every ACUSIGHT_ROLLOUT_CHECK_MINUTES (0: not scheduled;
    a run may still be started by hand, `POST /ml/rollout-checks`)."""
    minutes = FlowSettings.load().rollout_check_minutes
    return timedelta(minutes=minutes) if minutes > 0 else None


def main() -> None:
    # Not Prefect's default pause_on_shutdown: a deployment is shared by every worker that serves it,
    # so one worker stopping must not pause its schedules for the others; and pausing calls the
    # Prefect server, which `acusight up` stops at the same moment (the worker then hung past the
    # stop's grace period, waiting on a server that was gone).
    serve(*deployments(FlowSettings.load().flows or None), pause_on_shutdown=False)
