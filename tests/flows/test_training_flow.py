"""Training jobs for real: dataset flow, then `dvc repro` of the pipeline in a worker, reporting over HTTP."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
import requests
import torch
from flask.testing import FlaskClient

from tests.flows.prefect_runs import read_flow_run, run_artifacts
from tests.helpers import FLOW_TEST_SETTINGS, wait_final, wait_job, wait_until


@pytest.fixture
def app_config() -> dict[str, Any]:
    """A training long enough to cancel asks for more epochs than the default bound."""
    return {**FLOW_TEST_SETTINGS, "training_max_epochs": 1000}


pytestmark = pytest.mark.usefixtures("worker", "service_key")


def ready_dataset(
    client: FlaskClient, headers: dict[str, str], labeled_project: Any, worker_dir: Path
) -> int:
    made = labeled_project(headers, n=30, labels=("a", "b", "c"))
    body = {"project_id": made["project_id"], "image_size": 16}
    dataset = client.post("/api/data/datasets", json=body, headers=headers).get_json()["data"]
    assert wait_final(client, headers, dataset["id"], worker_dir)["status"] == "ready"
    return int(dataset["id"])


def test_training_job_end_to_end(
    client: FlaskClient,
    admin: Any,
    admin_headers: dict[str, str],
    labeled_project: Any,
    worker_dir: Path,
    prefect_server: str,
) -> None:
    dataset_id = ready_dataset(client, admin_headers, labeled_project, worker_dir)
    body = {"dataset_id": dataset_id, "params": {"epochs": 2, "width": 8, "batch_size": 16}, "device": "cpu"}
    job = client.post("/api/ml/training-jobs", json=body, headers=admin_headers).get_json()["data"]
    done = wait_job(client, admin_headers, job["id"], worker_dir, {"succeeded", "failed", "cancelled"})
    assert done["status"] == "succeeded", done["error"]
    assert done["progress"]["epoch"] == 2 and done["progress"]["epochs"] == 2
    assert [h["epoch"] for h in done["progress"]["history"]] == [1, 2]
    assert done["metrics"]["epochs"] == 2 and "accuracy" in done["metrics"]["test"]
    # 30 images, 10% held out each way: too few to measure, and the job said so when it was made.
    assert job["warnings"] and all("split" in w for w in job["warnings"])
    model = client.get(f"/api/ml/models/{done['model_id']}", headers=admin_headers).get_json()["data"]
    assert (
        model["dataset_id"] == dataset_id and model["labels"] == ["a", "b", "c"] and model["image_size"] == 16
    )
    assert model["params"]["epochs"] == 2 and model["params"]["width"] == 8
    assert model["preprocessing"]["mean"] and model["preprocessing"]["image_size"] == 16
    assert model["task_type"] == "classification"
    confusion = model["metrics"]["test"]["confusion_matrix"]
    assert confusion["labels"] == ["a", "b", "c"] and len(confusion["matrix"]) == 3
    assert sum(map(sum, confusion["matrix"])) == model["metrics"]["test"]["num_images"]
    blob = client.get(f"/api/ml/models/{model['id']}/download", headers=admin_headers).data
    assert hashlib.sha256(blob).hexdigest() == model["artifact_sha256"]
    checkpoint = torch.load(io.BytesIO(blob), map_location="cpu", weights_only=True)
    assert checkpoint["labels"] == ["a", "b", "c"] and checkpoint["image_size"] == 16

    # The run says in the Prefect UI what it served, and the API links to it there.
    run = read_flow_run(job["flow_run_id"])
    project, org = done["project_id"], admin.organization_id
    assert run.name == f"train · project {project} · job {job['id']}"
    assert {"acusight", "kind:train", f"project:{project}", f"job:{job['id']}", f"org:{org}"} <= set(run.tags)
    assert done["flow_run_url"] == f"{prefect_server.removesuffix('/api')}/runs/flow-run/{job['flow_run_id']}"
    dataset = client.get(f"/api/data/datasets/{dataset_id}", headers=admin_headers).get_json()["data"]
    dataset_run = read_flow_run(dataset["flow_run_id"])
    assert dataset_run.name == f"dataset · project {project} · version {dataset['version']}"
    assert {"kind:dataset", f"dataset:{dataset_id}", f"org:{org}"} <= set(dataset_run.tags)
    # Its artifacts: every epoch's figures, and the final metrics.
    artifacts = run_artifacts(job["flow_run_id"])
    epochs = artifacts[f"training-job-{job['id']}-epochs"]
    assert epochs["type"] == "table" and [row["epoch"] for row in epochs["data"]] == [1, 2]
    assert all("train_loss" in row and "val_accuracy" in row for row in epochs["data"])
    final = artifacts[f"training-job-{job['id']}"]
    assert final["type"] == "markdown" and f"model version {model['id']}" in final["data"]
    assert "| val_accuracy |" in final["data"] and "| accuracy |" in final["data"]


def test_cancel_stops_the_flow_run(
    client: FlaskClient,
    admin_headers: dict[str, str],
    labeled_project: Any,
    worker_dir: Path,
    prefect_server: str,
) -> None:
    dataset_id = ready_dataset(client, admin_headers, labeled_project, worker_dir)
    body = {"dataset_id": dataset_id, "params": {"epochs": 1000}, "device": "cpu"}
    job = client.post("/api/ml/training-jobs", json=body, headers=admin_headers).get_json()["data"]
    wait_job(client, admin_headers, job["id"], worker_dir, {"running"})
    cancelled = client.post(f"/api/ml/training-jobs/{job['id']}/cancel", headers=admin_headers)
    assert cancelled.status_code == 200 and cancelled.get_json()["data"]["status"] == "cancelled"

    def run_state() -> str | None:
        run = requests.get(f"{prefect_server}/flow_runs/{job['flow_run_id']}", timeout=5).json()
        return (
            run["state_type"]
            if run["state_type"] in ("CANCELLED", "FAILED", "COMPLETED", "CRASHED")
            else None
        )

    assert wait_until(run_state, 60, "the flow run to stop") == "CANCELLED"
    final = client.get(f"/api/ml/training-jobs/{job['id']}", headers=admin_headers).get_json()["data"]
    assert final["status"] == "cancelled" and final["model_id"] is None
