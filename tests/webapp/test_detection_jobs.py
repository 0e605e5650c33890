"""Training and export jobs of detection models through the API: each task takes its own parameters,
a job warns of splits too small to measure, and an export's NMS options are a detector's alone."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.helpers import EXPORTS, assert_error
from webapp.extensions import db
from webapp.models import DatasetVersion

TRAINING = "/api/ml/training-jobs"


@pytest.fixture
def detection_dataset(client: FlaskClient, admin: Any, admin_headers: dict[str, str]) -> int:
    """A ready detection dataset version (made by hand: no flow runs here), with its split counts."""
    body = {"name": "dock", "task_type": "detection", "labels": ["box", "pallet"]}
    project = client.post("/api/data/projects", json=body, headers=admin_headers).get_json()["data"]
    version = DatasetVersion(
        organization_id=admin.organization_id,
        project_id=project["id"],
        version=1,
        name="dock v1",
        status="ready",
        task_type="detection",
        labels=["box", "pallet"],
        params={"image_size": 64, "resize": {"mode": "letterbox"}},
        counts={"splits": {"train": 120, "val": 0, "test": 7}},
    )
    db.session.add(version)
    db.session.commit()
    return version.id


def register(
    client: FlaskClient, headers: dict[str, str], service: dict[str, str], dataset_id: int, task: str
) -> dict[str, Any]:
    """A model version of a succeeded job, registered as the training flow does."""
    job = client.post(TRAINING, json={"dataset_id": dataset_id}, headers=headers).get_json()["data"]
    path = f"{TRAINING}/{job['id']}"
    assert client.patch(path, json={"status": "running"}, headers=service).status_code == 200
    resp = client.post(
        f"{path}/model",
        data={
            "file": (io.BytesIO(f"weights of {path}".encode()), "model.pt"),
            "metrics": json.dumps({"test": {"map50": 0.7, "map": 0.4}}),
            "preprocessing": json.dumps({"task": task, "image_size": 64}),
        },
        headers=service,
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.get_json()
    assert client.patch(path, json={"status": "succeeded"}, headers=service).status_code == 200
    return dict(resp.get_json()["data"])


@pytest.mark.parametrize(
    ("params", "named"),
    [({"label_smoothing": 0.1}, "label_smoothing is a classification parameter")],
)
def test_a_classification_parameter_on_a_detection_version_is_400(
    client: FlaskClient,
    admin_headers: dict[str, str],
    detection_dataset: int,
    started: Any,
    params: dict[str, Any],
    named: str,
) -> None:
    body = {"dataset_id": detection_dataset, "params": params}
    error = assert_error(client.post(TRAINING, json=body, headers=admin_headers), 400, "VALIDATION_ERROR")
    assert named in error["message"]
    assert started == [] and client.get(TRAINING, headers=admin_headers).get_json()["meta"]["total"] == 0


@pytest.mark.parametrize(
    "params", [{"fpn_channels": 32}, {"head_convs": 1}, {"scale_jitter": 0.1, "fpn_channels": 32}]
)
def test_a_detection_parameter_on_a_classification_version_is_400(
    client: FlaskClient,
    admin_headers: dict[str, str],
    ready_dataset: int,
    started: Any,
    params: dict[str, Any],
) -> None:
    body = {"dataset_id": ready_dataset, "params": params}
    error = assert_error(client.post(TRAINING, json=body, headers=admin_headers), 400, "VALIDATION_ERROR")
    assert "detection parameter" in error["message"]
    assert [c["kind"] for c in started] == ["dataset"]


@pytest.mark.parametrize(
    "params", [{"fpn_channels": 4}, {"head_convs": 9}, {"scale_jitter": 1.0}, {"flip": "often"}]
)
def test_detection_parameters_out_of_range_are_400(
    client: FlaskClient, admin_headers: dict[str, str], detection_dataset: int, params: dict[str, Any]
) -> None:
    body = {"dataset_id": detection_dataset, "params": params}
    assert_error(client.post(TRAINING, json=body, headers=admin_headers), 400, "VALIDATION_ERROR")


def test_a_detection_job_keeps_its_parameters_and_warns_of_small_splits(
    client: FlaskClient, admin_headers: dict[str, str], detection_dataset: int, started: Any
) -> None:
    params = {"epochs": 5, "fpn_channels": 32, "head_convs": 1, "scale_jitter": 0.3, "flip": True}
    resp = client.post(
        TRAINING, json={"dataset_id": detection_dataset, "params": params}, headers=admin_headers
    )
    assert resp.status_code == 201, resp.get_json()
    job = resp.get_json()["data"]
    assert job["params"] == params and started[-1]["kind"] == "training"
    val, test = job["warnings"]
    assert val.startswith("the val split is empty: validation figures (val_*) will be null")
    assert test.startswith("the test split holds only 7 images")
    again = client.get(f"{TRAINING}/{job['id']}", headers=admin_headers).get_json()["data"]
    assert again["warnings"] == job["warnings"]


def test_a_version_with_enough_held_out_images_gives_no_warning(
    client: FlaskClient, admin_headers: dict[str, str], detection_dataset: int, started: Any
) -> None:
    version = db.session.get(DatasetVersion, detection_dataset)
    version.counts = {"splits": {"train": 800, "val": 100, "test": 100}}
    db.session.commit()
    resp = client.post(TRAINING, json={"dataset_id": detection_dataset}, headers=admin_headers)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["data"]["warnings"] == []


def test_detector_exports_record_their_nms_options_with_defaults(
    client: FlaskClient,
    admin_headers: dict[str, str],
    service: dict[str, str],
    detection_dataset: int,
    started: Any,
) -> None:
    model = register(client, admin_headers, service, detection_dataset, "detection")
    assert model["task_type"] == "detection"
    body = {"model_id": model["id"], "max_detections": 25, "iou_threshold": 0.45}
    resp = client.post(EXPORTS, json=body, headers=admin_headers)
    assert resp.status_code == 201, resp.get_json()
    job = resp.get_json()["data"]
    assert job["options"] == {"max_detections": 25, "score_threshold": 0.25, "iou_threshold": 0.45}
    assert started[-1]["kind"] == "export"
    plain = client.post(EXPORTS, json={"model_id": model["id"]}, headers=admin_headers).get_json()["data"]
    assert plain["options"] == {"max_detections": 100, "score_threshold": 0.25, "iou_threshold": 0.5}

    # The flow reports each step as the job's progress.
    progress = {"stage": "checking parity", "step": 4, "steps": 6, "at": "2026-12-07T00:00:00+00:00"}
    path = f"{EXPORTS}/{job['id']}"
    assert client.patch(path, json={"status": "running"}, headers=service).status_code == 200
    resp = client.patch(path, json={"progress": progress}, headers=service)
    assert resp.status_code == 200 and resp.get_json()["data"]["progress"] == progress
    assert client.get(path, headers=admin_headers).get_json()["data"]["progress"] == progress


@pytest.mark.parametrize(
    "options",
    [{"max_detections": 0}, {"max_detections": 10_001}, {"score_threshold": 1.5}, {"iou_threshold": -0.1}],
)
def test_detector_export_options_out_of_range_are_400(
    client: FlaskClient,
    admin_headers: dict[str, str],
    service: dict[str, str],
    detection_dataset: int,
    started: Any,
    options: dict[str, Any],
) -> None:
    model = register(client, admin_headers, service, detection_dataset, "detection")
    before = client.get(EXPORTS, headers=admin_headers).get_json()["meta"]["total"]
    resp = client.post(EXPORTS, json={"model_id": model["id"], **options}, headers=admin_headers)
    assert_error(resp, 400, "VALIDATION_ERROR")
    assert client.get(EXPORTS, headers=admin_headers).get_json()["meta"]["total"] == before


def test_nms_options_on_a_classifier_export_are_400_and_nothing_is_queued(
    client: FlaskClient,
    admin_headers: dict[str, str],
    service: dict[str, str],
    ready_dataset: int,
    started: Any,
) -> None:
    model = register(client, admin_headers, service, ready_dataset, "classification")
    before = len(started)
    resp = client.post(
        EXPORTS,
        json={"model_id": model["id"], "max_detections": 10, "score_threshold": 0.5},
        headers=admin_headers,
    )
    error = assert_error(resp, 400, "VALIDATION_ERROR")
    assert error["message"] == "max_detections, score_threshold apply to detectors only"
    assert len(started) == before
    assert client.get(EXPORTS, headers=admin_headers).get_json()["meta"]["total"] == 0
    # Without them the same model exports, and its job has no options.
    job = client.post(EXPORTS, json={"model_id": model["id"]}, headers=admin_headers).get_json()["data"]
    assert job["options"] is None
