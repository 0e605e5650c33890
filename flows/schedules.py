"""The scheduled-training flow: each run of a schedule cuts a dataset version, then starts training."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from prefect import flow, get_run_logger, task

from flows.client import ApiError, PlatformClient
from flows.config import FlowSettings
from flows.prefect_ui import RunName

POLL_SECONDS = 2.0
DATASET_TIMEOUT_S = 6 * 3600
# How long a run whose version is ready waits for a training slot of its organization.
TRAINING_SLOT_WAIT_S = 3600


@task
def wait_for_dataset(api: PlatformClient, dataset_id: int) -> dict[str, Any]:
    """Poll the dataset version until its own flow has made it ready (or failed)."""
    deadline = time.monotonic() + DATASET_TIMEOUT_S
    while time.monotonic() < deadline:
        dataset = api.get(f"/data/datasets/{dataset_id}")
        if dataset["status"] in ("ready", "failed"):
            return dataset
        time.sleep(POLL_SECONDS)
    raise TimeoutError(f"dataset version {dataset_id} was not ready after {DATASET_TIMEOUT_S} s")


def start_training(
    api: PlatformClient,
    body: dict[str, Any],
    wait_s: float = 0.0,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any] | None:
    """Start the training job, waiting for a slot while the organization is at its limit of training
    jobs (429, with Retry-After); None when none frees within ``wait_s`` (default TRAINING_SLOT_WAIT_S).

    The version was cut for this run: skipping at once would leave it untrained, since the schedule's
    next tick sees nothing newly annotated.
    """
    deadline = time.monotonic() + (wait_s or TRAINING_SLOT_WAIT_S)
    while True:
        try:
            return api.post("/ml/training-jobs", body)
        except ApiError as exc:
            if exc.status != 429 or time.monotonic() >= deadline:
                if exc.status == 429:
                    return None
                raise
            sleep(min(exc.retry_after or POLL_SECONDS, max(deadline - time.monotonic(), 0.0)))


@flow(name="scheduled-training", flow_run_name=RunName("scheduled training", (("schedule", "schedule_id"),)))
def scheduled_training(schedule_id: int, organization_id: int) -> dict[str, Any]:
    """One tick of a training schedule: new dataset version when enough is new, then a training job."""
    log = get_run_logger()
    api = PlatformClient(FlowSettings.from_env(), organization_id)
    path = f"/ml/schedules/{schedule_id}"
    start = api.post(f"{path}/runs", {})
    if not start["started"]:
        log.info("schedule %s: %s", schedule_id, start["reason"])
        return start
    dataset = wait_for_dataset(api, start["dataset_id"])
    if dataset["status"] != "ready":
        outcome = f"dataset version {dataset['id']} failed: {dataset['error']}"
        api.patch(f"{path}/last-run", {"last_outcome": outcome})
        raise RuntimeError(outcome)
    schedule = api.get(path)
    body = {"dataset_id": dataset["id"], "params": schedule["training_params"], "device": schedule["device"]}
    job = start_training(api, body)
    if job is None:
        outcome = (
            f"dataset version {dataset['id']} ready; not trained: the organization's training jobs stayed "
            f"at their limit for {TRAINING_SLOT_WAIT_S} s"
        )
        api.patch(f"{path}/last-run", {"last_outcome": outcome})
        log.warning("schedule %s: %s", schedule_id, outcome)
        return {"started": False, "reason": outcome, "dataset_id": dataset["id"]}
    outcome = f"dataset version {dataset['id']} ready; training job {job['id']} started"
    api.patch(f"{path}/last-run", {"last_training_job_id": job["id"], "last_outcome": outcome})
    log.info("schedule %s: %s", schedule_id, outcome)
    return {"started": True, "dataset_id": dataset["id"], "training_job_id": job["id"]}
