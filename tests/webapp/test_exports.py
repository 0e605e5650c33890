"""Export jobs through the API, with the export flow's side played by a service account."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import bearer
from tests.helpers import EXPORTS, FIGURES, assert_error, make_export, make_model
from webapp.extensions import db
from webapp.models import DatasetVersion
from webapp.settings import get_settings


@pytest.fixture
def model(client: FlaskClient, admin_headers: dict[str, str], service: Any, ready_dataset: int) -> Any:
    return make_model(client, admin_headers, service, ready_dataset)


def test_create_report_and_download(
    client: FlaskClient, admin: Any, admin_headers: dict[str, str], model: Any, service: Any, started: Any
) -> None:
    resp = client.post(EXPORTS, json={"model_id": model["id"]}, headers=admin_headers)
    assert resp.status_code == 201, resp.get_json()
    job = resp.get_json()["data"]
    assert {k: job[k] for k in ("status", "format", "opset", "precision", "dynamic_batch")} == {
        "status": "queued",
        "format": "onnx",
        "opset": 18,
        "precision": "fp32",
        "dynamic_batch": True,
    }
    assert job["max_accuracy_drop"] == 0.01 and job["model_id"] == model["id"]
    assert job["project_id"] == model["project_id"] and job["artifact_sha256"] is None
    assert started[-1] == {"kind": "export", "job_id": job["id"], "organization_id": admin.organization_id}
    assert job["flow_run_id"] == f"run-{len(started)}"

    path = f"{EXPORTS}/{job['id']}"
    running = client.patch(path, json={"status": "running"}, headers=service).get_json()["data"]
    assert running["status"] == "running" and running["started_at"]
    onnx = b"\x08\x09onnx model bytes"
    up = client.post(
        f"{path}/artifact",
        data={"file": (io.BytesIO(onnx), "model.onnx"), "sha256": hashlib.sha256(onnx).hexdigest()},
        headers=service,
        content_type="multipart/form-data",
    )
    assert up.status_code == 201, up.get_json()
    assert up.get_json()["data"]["artifact_size"] == len(onnx)
    done = client.patch(path, json={"status": "succeeded", **FIGURES}, headers=service).get_json()["data"]
    assert done["status"] == "succeeded" and done["finished_at"]

    got = client.get(path, headers=admin_headers).get_json()["data"]
    assert got["artifact_sha256"] == hashlib.sha256(onnx).hexdigest() and got["artifact_size"] == len(onnx)
    assert {k: got[k] for k in FIGURES} == FIGURES
    download = client.get(f"{path}/download", headers=admin_headers)
    assert download.status_code == 200 and download.data == onnx
    assert download.headers["ETag"] == f'"{got["artifact_sha256"]}"'
    assert f"model-{model['id']}-export-{job['id']}-fp32.onnx" in download.headers["Content-Disposition"]
    again = client.get(
        f"{path}/download", headers={**admin_headers, "If-None-Match": download.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""

    listed = client.get(f"{EXPORTS}?model_id={model['id']}", headers=admin_headers).get_json()
    assert listed["meta"]["total"] == 1 and listed["data"][0]["id"] == job["id"]
    shown = client.get(f"/api/ml/models/{model['id']}", headers=admin_headers).get_json()["data"]
    assert [e["id"] for e in shown["exports"]] == [job["id"]]
    assert shown["exports"][0]["accuracy"] == FIGURES["accuracy"]
    # Final: the flow cannot move it again.
    assert_error(client.patch(path, json={"status": "running"}, headers=service), 409, "CONFLICT")


@pytest.mark.parametrize(
    "body",
    [
        {"precision": "fp32"},
        {"precision": "fp16", "dynamic_batch": False},
        {"precision": "int8", "opset": 13, "max_accuracy_drop": 0.05},
        {"precision": "int8", "opset": 23, "max_accuracy_drop": 0},
    ],
)
def test_each_precision_is_recorded_on_the_job(
    client: FlaskClient, admin_headers: dict[str, str], model: Any, started: Any, body: dict[str, Any]
) -> None:
    resp = client.post(EXPORTS, json={"model_id": model["id"], **body}, headers=admin_headers)
    assert resp.status_code == 201, resp.get_json()
    job = resp.get_json()["data"]
    expected = {"opset": 18, "dynamic_batch": True, "max_accuracy_drop": 0.01, **body}
    assert {k: job[k] for k in expected} == expected
    listed = client.get(f"{EXPORTS}?precision={body['precision']}", headers=admin_headers).get_json()
    assert [j["id"] for j in listed["data"]] == [job["id"]]


def test_default_accuracy_drop_is_a_setting(
    app: Flask, client: FlaskClient, admin_headers: dict[str, str], model: Any, started: Any
) -> None:
    get_settings(app).export_max_accuracy_drop = 0.05
    job = client.post(
        EXPORTS, json={"model_id": model["id"], "precision": "int8"}, headers=admin_headers
    ).get_json()["data"]
    assert job["max_accuracy_drop"] == 0.05


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"model_id": "one"},
        {"format": "tflite"},
        {"precision": "int4"},
        {"opset": 12},
        {"opset": 24},
        {"max_accuracy_drop": -0.1},
        {"max_accuracy_drop": 1.5},
        {"dynamic_batch": "sometimes"},
        {"providers": ["CUDAExecutionProvider"]},
    ],
)
def test_bad_bodies_are_400_before_anything_runs(
    client: FlaskClient, admin_headers: dict[str, str], model: Any, started: Any, body: dict[str, Any]
) -> None:
    body = {"model_id": model["id"], **body} if body and "model_id" not in body else body
    before = len(started)
    assert_error(client.post(EXPORTS, json=body, headers=admin_headers), 400, "VALIDATION_ERROR")
    assert len(started) == before


@pytest.mark.parametrize("final", ["failed", "cancelled", "running"])
def test_model_whose_training_did_not_succeed_is_409(
    client: FlaskClient,
    admin_headers: dict[str, str],
    service: Any,
    ready_dataset: int,
    started: Any,
    final: str,
) -> None:
    # The model was registered, then the job failed (or was cancelled, or has not finished).
    model = make_model(client, admin_headers, service, ready_dataset, final=final)
    before = len(started)
    error = assert_error(
        client.post(EXPORTS, json={"model_id": model["id"]}, headers=admin_headers), 409, "CONFLICT"
    )
    assert final in error["message"]
    assert len(started) == before


def test_unknown_or_foreign_model_is_404(
    client: FlaskClient, admin_headers: dict[str, str], model: Any, make_user: Any, started: Any
) -> None:
    assert_error(client.post(EXPORTS, json={"model_id": 999_999}, headers=admin_headers), 404, "NOT_FOUND")
    stranger = bearer(make_user("admin", org="Globex"))
    assert_error(client.post(EXPORTS, json={"model_id": model["id"]}, headers=stranger), 404, "NOT_FOUND")


def test_dataset_without_the_images_a_check_needs_is_409(
    client: FlaskClient, admin_headers: dict[str, str], model: Any, ready_dataset: int, started: Any
) -> None:
    version = db.session.get(DatasetVersion, ready_dataset)
    version.counts = {"splits": {"train": 4, "val": 0, "test": 0}}
    db.session.commit()
    error = assert_error(
        client.post(EXPORTS, json={"model_id": model["id"]}, headers=admin_headers), 409, "CONFLICT"
    )
    assert "held-out" in error["message"]
    version.counts = {"splits": {"train": 0, "val": 1, "test": 1}}
    db.session.commit()
    assert client.post(EXPORTS, json={"model_id": model["id"]}, headers=admin_headers).status_code == 201
    body = {"model_id": model["id"], "precision": "int8"}
    error = assert_error(client.post(EXPORTS, json=body, headers=admin_headers), 409, "CONFLICT")
    assert "calibration" in error["message"]


def test_failed_export_keeps_its_figures_and_has_no_download(
    client: FlaskClient, admin_headers: dict[str, str], model: Any, service: Any, started: Any
) -> None:
    job = make_export(client, admin_headers, service, model["id"], artifact=None, precision="int8")
    path = f"{EXPORTS}/{job['id']}"
    client.patch(path, json={"status": "running"}, headers=service)
    figures = {"parity": {"argmax_agreement": 0.4}, "accuracy": {"torch": 0.9, "onnx": 0.3, "drop": 0.6}}
    client.patch(path, json=figures, headers=service)
    error = 'ParityError: int8 ONNX loses more than 0.0100 accuracy: {"accuracy": {"drop": 0.6}}'
    failed = client.patch(path, json={"status": "failed", "error": error}, headers=service).get_json()["data"]
    assert failed["status"] == "failed" and failed["error"] == error and failed["finished_at"]
    got = client.get(path, headers=admin_headers).get_json()["data"]
    assert got["accuracy"] == figures["accuracy"] and got["parity"] == figures["parity"]
    assert got["artifact_sha256"] is None
    assert_error(client.get(f"{path}/download", headers=admin_headers), 409, "CONFLICT")
    failed_list = client.get(f"{EXPORTS}?status=failed", headers=admin_headers).get_json()
    assert [j["id"] for j in failed_list["data"]] == [job["id"]]


def test_artifact_and_report_rules(
    client: FlaskClient, admin_headers: dict[str, str], model: Any, service: Any, started: Any
) -> None:
    job = make_export(client, admin_headers, service, model["id"], artifact=None)
    path = f"{EXPORTS}/{job['id']}"

    def upload(data: dict[str, Any], headers: dict[str, str] = service) -> Any:
        return client.post(f"{path}/artifact", data=data, headers=headers, content_type="multipart/form-data")

    # Not running yet: no artifact.
    assert_error(upload({"file": (io.BytesIO(b"x"), "m.onnx")}), 409, "CONFLICT")
    client.patch(path, json={"status": "running"}, headers=service)
    # Success needs the artifact first.
    assert_error(client.patch(path, json={"status": "succeeded"}, headers=service), 409, "CONFLICT")
    for data in (
        {},
        {"file": (io.BytesIO(b""), "m.onnx")},
        {"file": (io.BytesIO(b"abc"), "m.onnx"), "sha256": "0" * 64},
        {"file": (io.BytesIO(b"abc"), "m.onnx"), "sha256": "not-a-hash"},
    ):
        assert_error(upload(data), 400, "VALIDATION_ERROR")
    assert client.get(path, headers=admin_headers).get_json()["data"]["artifact_sha256"] is None
    # A retried upload (the flow's task retry) replaces the record.
    assert upload({"file": (io.BytesIO(b"first"), "m.onnx")}).status_code == 201
    second = upload({"file": (io.BytesIO(b"second"), "m.onnx")}).get_json()["data"]
    assert second["artifact_sha256"] == hashlib.sha256(b"second").hexdigest()
    # People neither report nor upload.
    assert_error(client.patch(path, json={"status": "failed"}, headers=admin_headers), 403, "FORBIDDEN")
    assert_error(upload({"file": (io.BytesIO(b"x"), "m.onnx")}, admin_headers), 403, "FORBIDDEN")
    for body in ({"status": "done"}, {"parity": "good"}, {"artifact_sha256": "0" * 64}):
        assert_error(client.patch(path, json=body, headers=service), 400, "VALIDATION_ERROR")


def test_other_org_and_roles(
    client: FlaskClient,
    admin_headers: dict[str, str],
    model: Any,
    service: Any,
    make_user: Any,
    started: Any,
) -> None:
    job = make_export(client, admin_headers, service, model["id"])
    path = f"{EXPORTS}/{job['id']}"
    stranger = bearer(make_user("admin", org="Globex"))
    for url in (path, f"{path}/download"):
        assert_error(client.get(url, headers=stranger), 404, "NOT_FOUND")
    assert client.get(EXPORTS, headers=stranger).get_json()["meta"]["total"] == 0
    for role in ("annotator", "viewer"):
        headers = bearer(make_user(role))
        assert client.get(path, headers=headers).status_code == 200
        assert client.get(f"{path}/download", headers=headers).status_code == 200
        body = {"model_id": model["id"]}
        assert_error(client.post(EXPORTS, json=body, headers=headers), 403, "FORBIDDEN")
    assert_error(client.post(EXPORTS, json={"model_id": model["id"]}, headers=service), 403, "FORBIDDEN")
    assert_error(client.get(EXPORTS), 401, "UNAUTHORIZED")


def test_an_export_links_its_flow_run_in_the_prefect_ui(
    app: Flask,
    client: FlaskClient,
    admin_headers: dict[str, str],
    model: Any,
    started: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_UI_URL", raising=False)
    job = client.post(EXPORTS, json={"model_id": model["id"]}, headers=admin_headers).get_json()["data"]
    assert job["flow_run_id"] and job["flow_run_url"] is None  # no Prefect UI known
    path = f"{EXPORTS}/{job['id']}"
    get_settings(app).prefect_ui_url = "https://prefect.example.com"
    got = client.get(path, headers=admin_headers).get_json()["data"]
    assert got["flow_run_url"] == f"https://prefect.example.com/runs/flow-run/{job['flow_run_id']}"
