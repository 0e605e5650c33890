"""Training jobs and model versions through the API, with the flow's side played by a service account."""

import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import bearer
from tests.helpers import assert_error
from webapp.extensions import db
from webapp.models import TrainingJob
from webapp.settings import get_settings


def test_create_and_report_and_register(
    client: FlaskClient, admin_headers: dict[str, str], ready_dataset: int, started: Any, service: Any
) -> None:
    resp = client.post(
        "/api/ml/training-jobs",
        json={"dataset_id": ready_dataset, "params": {"epochs": 3, "lr": 0.01}, "device": "cpu"},
        headers=admin_headers,
    )
    assert resp.status_code == 201, resp.get_json()
    job = resp.get_json()["data"]
    assert (
        job["status"] == "queued" and job["params"] == {"epochs": 3, "lr": 0.01} and job["model_id"] is None
    )
    assert started[-1] == {
        "kind": "training",
        "job_id": job["id"],
        "organization_id": started[-1]["organization_id"],
    }
    path = f"/api/ml/training-jobs/{job['id']}"

    running = client.patch(
        path, json={"status": "running", "progress": {"epoch": 1, "epochs": 3}}, headers=service
    )
    assert running.get_json()["data"]["progress"] == {"epoch": 1, "epochs": 3}
    checkpoint = b"\x80torch-ish weights"
    up = client.post(
        f"{path}/model",
        data={"file": (io.BytesIO(checkpoint), "model.pt"), "metrics": '{"val_accuracy": 0.9}'},
        headers=service,
        content_type="multipart/form-data",
    )
    assert up.status_code == 201, up.get_json()
    model = up.get_json()["data"]
    assert (
        model["version"] == 1
        and model["metrics"] == {"val_accuracy": 0.9}
        and model["artifact_size"] == len(checkpoint)
    )
    done = client.patch(path, json={"status": "succeeded", "metrics": {"val_accuracy": 0.9}}, headers=service)
    assert done.get_json()["data"]["model_id"] == model["id"] and done.get_json()["data"]["finished_at"]

    got = client.get(f"/api/ml/models/{model['id']}", headers=admin_headers).get_json()["data"]
    assert got["training_job_id"] == job["id"] and got["dataset_id"] == ready_dataset
    download = client.get(f"/api/ml/models/{model['id']}/download", headers=admin_headers)
    assert download.status_code == 200 and download.data == checkpoint
    etag = download.headers["ETag"]
    again = client.get(
        f"/api/ml/models/{model['id']}/download", headers={**admin_headers, "If-None-Match": etag}
    )
    assert again.status_code == 304
    assert client.get("/api/ml/models", headers=admin_headers).get_json()["meta"]["total"] == 1
    # Final: nothing moves it any more, and no second model can be registered.
    assert_error(client.patch(path, json={"status": "running"}, headers=service), 409, "CONFLICT")
    assert_error(client.post(f"{path}/cancel", headers=admin_headers), 409, "CONFLICT")


def test_dataset_not_ready_is_409(
    client: FlaskClient, admin_headers: dict[str, str], labeled_project: Any, started: Any
) -> None:
    pid = labeled_project(admin_headers, n=2)["project_id"]
    did = client.post("/api/data/datasets", json={"project_id": pid}, headers=admin_headers).get_json()[
        "data"
    ]["id"]
    resp = client.post("/api/ml/training-jobs", json={"dataset_id": did}, headers=admin_headers)
    assert_error(resp, 409, "CONFLICT")
    assert [c["kind"] for c in started] == ["dataset"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"dataset_id": "one"},
        {"params": {"epochs": 0}},
        {"params": {"epochs": 100_000}},
        {"params": {"lr": 0}},
        {"params": {"lr": -1}},
        {"params": {"batch_size": 0}},
        {"params": {"width": 2}},
        {"params": {"depth": 99}},
        {"params": {"optimizer": "magic"}},
        {"params": {"image_size": 32}},
        {"device": "tpu"},
    ],
)
def test_bad_params_are_400_before_anything_runs(
    client: FlaskClient, admin_headers: dict[str, str], ready_dataset: int, started: Any, body: dict[str, Any]
) -> None:
    body = {"dataset_id": ready_dataset, **body} if "dataset_id" not in body and body else body
    resp = client.post("/api/ml/training-jobs", json=body, headers=admin_headers)
    assert_error(resp, 400, "VALIDATION_ERROR")
    assert [c["kind"] for c in started] == ["dataset"]


def test_cancel(
    client: FlaskClient, admin_headers: dict[str, str], ready_dataset: int, started: Any, service: Any
) -> None:
    job = client.post(
        "/api/ml/training-jobs", json={"dataset_id": ready_dataset}, headers=admin_headers
    ).get_json()
    path = f"/api/ml/training-jobs/{job['data']['id']}"
    cancelled = client.post(f"{path}/cancel", headers=admin_headers).get_json()["data"]
    assert cancelled["status"] == "cancelled" and {"cancel": job["data"]["flow_run_id"]} in started
    # The flow finding out later cannot revive it.
    assert_error(client.patch(path, json={"status": "running"}, headers=service), 409, "CONFLICT")
    up = client.post(
        f"{path}/model",
        data={"file": (io.BytesIO(b"x"), "m.pt"), "metrics": "{}"},
        headers=service,
        content_type="multipart/form-data",
    )
    assert_error(up, 409, "CONFLICT")


def test_people_cannot_report_or_register(
    client: FlaskClient, admin_headers: dict[str, str], ready_dataset: int, started: Any
) -> None:
    job = client.post(
        "/api/ml/training-jobs", json={"dataset_id": ready_dataset}, headers=admin_headers
    ).get_json()
    path = f"/api/ml/training-jobs/{job['data']['id']}"
    assert_error(client.patch(path, json={"status": "running"}, headers=admin_headers), 403, "FORBIDDEN")
    up = client.post(
        f"{path}/model",
        data={"file": (io.BytesIO(b"x"), "m.pt"), "metrics": "{}"},
        headers=admin_headers,
        content_type="multipart/form-data",
    )
    assert_error(up, 403, "FORBIDDEN")


def test_bad_model_uploads(
    client: FlaskClient, admin_headers: dict[str, str], ready_dataset: int, started: Any, service: Any
) -> None:
    job = client.post(
        "/api/ml/training-jobs", json={"dataset_id": ready_dataset}, headers=admin_headers
    ).get_json()
    path = f"/api/ml/training-jobs/{job['data']['id']}"
    client.patch(path, json={"status": "running"}, headers=service)
    for data in (
        {"metrics": "{}"},
        {"file": (io.BytesIO(b"x"), "m.pt"), "metrics": "not json"},
        {"file": (io.BytesIO(b"x"), "m.pt"), "metrics": "[1, 2]"},
        {"file": (io.BytesIO(b""), "m.pt"), "metrics": "{}"},
        {"file": (io.BytesIO(b"x"), "m.pt")},
    ):
        resp = client.post(f"{path}/model", data=data, headers=service, content_type="multipart/form-data")
        assert_error(resp, 400, "VALIDATION_ERROR")
    assert client.get("/api/ml/models", headers=admin_headers).get_json()["meta"]["total"] == 0


def test_other_org_and_roles(
    client: FlaskClient, admin_headers: dict[str, str], ready_dataset: int, make_user: Any, started: Any
) -> None:
    job = client.post(
        "/api/ml/training-jobs", json={"dataset_id": ready_dataset}, headers=admin_headers
    ).get_json()
    job_id = job["data"]["id"]
    stranger = bearer(make_user("admin", org="Globex"))
    assert_error(client.get(f"/api/ml/training-jobs/{job_id}", headers=stranger), 404, "NOT_FOUND")
    assert_error(client.post(f"/api/ml/training-jobs/{job_id}/cancel", headers=stranger), 404, "NOT_FOUND")
    assert_error(
        client.post("/api/ml/training-jobs", json={"dataset_id": ready_dataset}, headers=stranger),
        404,
        "NOT_FOUND",
    )
    for role in ("annotator", "viewer"):
        headers = bearer(make_user(role))
        assert client.get(f"/api/ml/training-jobs/{job_id}", headers=headers).status_code == 200
        assert_error(
            client.post("/api/ml/training-jobs", json={"dataset_id": ready_dataset}, headers=headers),
            403,
            "FORBIDDEN",
        )
        assert_error(client.post(f"/api/ml/training-jobs/{job_id}/cancel", headers=headers), 403, "FORBIDDEN")


def test_a_job_links_its_flow_run_in_the_prefect_ui(
    app: Flask,
    client: FlaskClient,
    admin_headers: dict[str, str],
    ready_dataset: int,
    started: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job = client.post(
        "/api/ml/training-jobs", json={"dataset_id": ready_dataset}, headers=admin_headers
    ).get_json()["data"]
    path = f"/api/ml/training-jobs/{job['id']}"

    def url() -> Any:
        return client.get(path, headers=admin_headers).get_json()["data"]["flow_run_url"]

    run = job["flow_run_id"]
    # No Prefect UI known: no link.
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_UI_URL", raising=False)
    assert url() is None
    # Prefect's API URL: its UI is the same server without /api.
    monkeypatch.setenv("PREFECT_API_URL", "http://prefect.internal:4200/api")
    assert url() == f"http://prefect.internal:4200/runs/flow-run/{run}"
    dataset = client.get(f"/api/data/datasets/{ready_dataset}", headers=admin_headers).get_json()["data"]
    assert dataset["flow_run_url"] == f"http://prefect.internal:4200/runs/flow-run/{dataset['flow_run_id']}"
    # Prefect's own UI setting, then ACUSIGHT_PREFECT_UI_URL: the UI as people reach it.
    monkeypatch.setenv("PREFECT_UI_URL", "http://prefect-ui.internal/")
    assert url() == f"http://prefect-ui.internal/runs/flow-run/{run}"
    get_settings(app).prefect_ui_url = "https://prefect.example.com/"
    assert url() == f"https://prefect.example.com/runs/flow-run/{run}"
    listed = client.get("/api/ml/training-jobs", headers=admin_headers).get_json()["data"]
    assert [j["flow_run_url"] for j in listed] == [f"https://prefect.example.com/runs/flow-run/{run}"]
    # A record without a run: no link.
    db.session.get(TrainingJob, job["id"]).flow_run_id = None
    db.session.commit()
    assert url() is None
