"""Training schedules as real Prefect schedules: they fire, pause both ways, and skip when nothing is new."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from flask.testing import FlaskClient
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from tests.flows.prefect_runs import read_flow_run
from tests.helpers import FLOW_TEST_SETTINGS, wait_job, wait_until, worker_log

pytestmark = pytest.mark.usefixtures("worker", "service_key")


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Prefect firing a schedule on its own is seen within seconds: an interval far under the default."""
    return {**FLOW_TEST_SETTINGS, "schedule_min_interval_s": 5}


# Calls made straight to Prefect's API, as its UI would. A 503 is Prefect's "try again" (its SQLite
# database busy, seen here when the machine is loaded); Prefect's own client retries it, and so do we.
prefect = requests.Session()
prefect.mount(
    "http://",
    HTTPAdapter(
        max_retries=Retry(total=6, backoff_factor=0.5, status_forcelist=(503,), allowed_methods=None)
    ),
)


def prefect_schedules(prefect_server: str) -> dict[str, dict[str, Any]]:
    deployment = prefect.get(
        f"{prefect_server}/deployments/name/scheduled-training/acusight", timeout=5
    ).json()
    return {s["id"]: s for s in deployment["schedules"]}


def get_schedule(client: FlaskClient, headers: dict[str, str], schedule_id: int) -> dict[str, Any]:
    return client.get(f"/api/ml/schedules/{schedule_id}", headers=headers).get_json()["data"]


def test_run_cuts_a_version_and_trains_then_skips_when_nothing_new(
    client: FlaskClient,
    admin_headers: dict[str, str],
    labeled_project: Any,
    worker_dir: Path,
    prefect_server: str,
) -> None:
    made = labeled_project(admin_headers, n=24, labels=("a", "b"), name="nightly", seed=11)
    body = {
        "project_id": made["project_id"],
        "name": "nightly",
        "cron": "0 3 * * *",
        "dataset_params": {"image_size": 16},
        "training_params": {"epochs": 1, "width": 8},
        "device": "cpu",
        "min_new_annotations": 10,
    }
    created = client.post("/api/ml/schedules", json=body, headers=admin_headers)
    assert created.status_code == 201, created.get_json()
    schedule = created.get_json()["data"]
    assert schedule["active"] is True
    in_prefect = prefect_schedules(prefect_server)[schedule["prefect_schedule_id"]]
    assert in_prefect["schedule"]["cron"] == "0 3 * * *" and in_prefect["active"] is True
    assert in_prefect["parameters"] == {
        "schedule_id": schedule["id"],
        "organization_id": made_org(client, admin_headers),
    }

    run_now = client.post(f"/api/ml/schedules/{schedule['id']}/run", headers=admin_headers)
    run = read_flow_run(run_now.get_json()["data"]["flow_run_id"])
    assert run.name == f"scheduled training · project {made['project_id']} · schedule {schedule['id']}"
    assert {"acusight", "kind:scheduled-training", f"schedule:{schedule['id']}"} <= set(run.tags)
    ran = wait_until(
        lambda: (s := get_schedule(client, admin_headers, schedule["id"]))["last_training_job_id"] and s,
        240,
        "the scheduled run to start a training job",
        interval=0.5,
    )
    assert ran["last_dataset_id"] and "training job" in ran["last_outcome"]
    job = wait_job(client, admin_headers, ran["last_training_job_id"], worker_dir, {"succeeded", "failed"})
    assert job["status"] == "succeeded", job["error"] + worker_log(worker_dir)

    # Nothing newly annotated since: the next run records a skip and starts nothing.
    client.post(f"/api/ml/schedules/{schedule['id']}/run", headers=admin_headers)
    skipped = wait_until(
        lambda: (
            (s := get_schedule(client, admin_headers, schedule["id"]))["last_outcome"].startswith("skipped")
            and s
        ),
        120,
        "the second run to skip",
        interval=0.5,
    )
    assert skipped["last_dataset_id"] == ran["last_dataset_id"]
    assert client.get("/api/data/datasets", headers=admin_headers).get_json()["meta"]["total"] == 1


def made_org(client: FlaskClient, headers: dict[str, str]) -> int:
    return int(client.get("/api/organization", headers=headers).get_json()["data"]["id"])


def test_a_real_schedule_fires_pauses_and_is_deleted(
    client: FlaskClient, admin_headers: dict[str, str], labeled_project: Any, prefect_server: str
) -> None:
    pid = labeled_project(admin_headers, n=1, name="ticking", seed=12)["project_id"]
    body = {"project_id": pid, "name": "every 5 s", "interval_seconds": 5, "min_new_annotations": 1000}
    schedule = client.post("/api/ml/schedules", json=body, headers=admin_headers).get_json()["data"]
    fired = wait_until(
        lambda: (get_schedule(client, admin_headers, schedule["id"])["last_outcome"] or "").startswith(
            "skipped"
        ),
        90,
        "Prefect to run the schedule on its own",
        interval=0.5,
    )
    assert fired
    # A run Prefect started itself is named from its parameters, and tagged by its deployment.
    runs = prefect.post(
        f"{prefect_server}/flow_runs/filter",
        json={"flow_runs": {"tags": {"all_": ["auto-scheduled", "acusight", "kind:scheduled-training"]}}},
        timeout=5,
    ).json()
    assert f"scheduled training · schedule {schedule['id']}" in {r["name"] for r in runs}

    # Paused through the API: Prefect shows it paused.
    paused = client.patch(
        f"/api/ml/schedules/{schedule['id']}", json={"active": False}, headers=admin_headers
    )
    assert paused.get_json()["data"]["active"] is False
    assert prefect_schedules(prefect_server)[schedule["prefect_schedule_id"]]["active"] is False
    # Resumed in Prefect (as from its UI): the API shows it active.
    deployment_id = prefect.get(
        f"{prefect_server}/deployments/name/scheduled-training/acusight", timeout=5
    ).json()["id"]
    prefect.patch(
        f"{prefect_server}/deployments/{deployment_id}/schedules/{schedule['prefect_schedule_id']}",
        json={"active": True},
        timeout=5,
    ).raise_for_status()
    assert get_schedule(client, admin_headers, schedule["id"])["active"] is True

    assert client.delete(f"/api/ml/schedules/{schedule['id']}", headers=admin_headers).status_code == 204
    assert schedule["prefect_schedule_id"] not in prefect_schedules(prefect_server)


class _Slots:
    """A stand-in for the platform's client whose training endpoint answers 429 ``busy`` times."""

    def __init__(self, busy: int, status: int = 429) -> None:
        self.busy, self.status, self.calls = busy, status, 0

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        from flows.client import ApiError

        self.calls += 1
        if self.calls <= self.busy:
            raise ApiError(self.status, "RATE_LIMITED", "Too many jobs", "at most 2", retry_after=7)
        return {"id": 42, "path": path, **body}


def test_a_ready_version_waits_for_a_training_slot_rather_than_going_untrained() -> None:
    """The schedule's next tick sees nothing new once a version is cut: skipping the training at the
    job limit would leave that version untrained for good, so the run waits (Retry-After) for a slot."""
    from flows.schedules import start_training

    waits: list[float] = []
    api = _Slots(busy=2)
    job = start_training(api, {"dataset_id": 1}, wait_s=60, sleep=waits.append)  # type: ignore[arg-type]
    assert job is not None and job["id"] == 42 and api.calls == 3 and waits == [7, 7]


def test_a_training_slot_that_never_frees_ends_the_wait_and_other_errors_are_raised() -> None:
    import time

    from flows.client import ApiError
    from flows.schedules import start_training

    api = _Slots(busy=10**6)
    assert start_training(api, {}, wait_s=0.05, sleep=lambda s: time.sleep(0.01)) is None  # type: ignore[arg-type]
    with pytest.raises(ApiError):
        start_training(_Slots(busy=1, status=400), {}, wait_s=60, sleep=lambda s: None)  # type: ignore[arg-type]
