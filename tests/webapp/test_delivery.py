"""Models delivered to devices: assignments to a device or its project, the device's view, its download."""

from __future__ import annotations

import hashlib
from typing import Any

from flask.testing import FlaskClient

from tests.conftest import bearer
from tests.helpers import FIGURES, PREPROCESSING, assert_error, make_export
from tests.webapp.conftest import ONNX


def assign(client: FlaskClient, headers: dict[str, str], url: str, export_id: int | None) -> Any:
    return client.patch(url, json={"deployed_export_id": export_id}, headers=headers)


def checkin_model(client: FlaskClient, key: dict[str, str]) -> Any:
    resp = client.post("/api/device/checkin", json={}, headers=key)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["data"]["config"]["model"]


def device_model(client: FlaskClient, key: dict[str, str]) -> Any:
    resp = client.get("/api/device/model", headers=key)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["success"] is True and "data" in body
    return body["data"]


def test_device_without_assignment_gets_a_clear_empty_answer(
    client: FlaskClient, fleet: dict[str, Any]
) -> None:
    assert checkin_model(client, fleet["key"]) is None
    assert device_model(client, fleet["key"]) is None
    error = assert_error(client.get("/api/device/model/download", headers=fleet["key"]), 404, "NOT_FOUND")
    assert "No model is assigned" in error["message"]
    assert_error(client.get("/api/device/model"), 401, "UNAUTHORIZED")


def test_project_assignment_reaches_its_devices(
    client: FlaskClient, admin_headers: dict[str, str], fleet: dict[str, Any], provision: Any
) -> None:
    export, model = fleet["export"], fleet["model"]
    project_url = f"/api/data/projects/{fleet['project_id']}"
    resp = assign(client, admin_headers, project_url, export["id"])
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["data"]["deployed_export_id"] == export["id"]
    assert (
        client.get(project_url, headers=admin_headers).get_json()["data"]["deployed_export_id"]
        == export["id"]
    )

    seen = device_model(client, fleet["key"])
    assert seen == {
        "export_id": export["id"],
        "source": "project",
        "model_id": model["id"],
        "model_version": model["version"],
        "model_name": model["name"],
        "project_id": fleet["project_id"],
        "format": "onnx",
        "precision": "fp32",
        "opset": 18,
        "labels": model["labels"],
        "task": "classification",
        "input": {
            "name": "input",
            "shape": ["batch", 3, 64, 64],
            "dtype": "float32",
            "layout": "NCHW",
            "image_size": model["image_size"],
            "width": model["image_size"],
            "height": model["image_size"],
            "color": "RGB",
            # The legacy free text the model records is delivered in the device vocabulary.
            "resize": {"mode": "center_crop", "filter": "lanczos"},
            "scale": 255.0,
            "mean": PREPROCESSING["mean"],
            "std": PREPROCESSING["std"],
        },
        "output": FIGURES["signature"]["output"],
        "sha256": hashlib.sha256(ONNX).hexdigest(),
        "size": len(ONNX),
        "download_url": "/api/device/model/download",
        "sampling": None,
        "exported_at": export["finished_at"],
    }
    assert checkin_model(client, fleet["key"]) == seen

    download = client.get("/api/device/model/download", headers=fleet["key"])
    assert download.status_code == 200 and download.data == ONNX
    assert hashlib.sha256(download.data).hexdigest() == seen["sha256"]
    assert download.headers["ETag"] == f'"{seen["sha256"]}"'
    # A device that already holds these bytes gets 304, quoting the ETag or sending the bare sha256.
    for held in (download.headers["ETag"], seen["sha256"]):
        again = client.get("/api/device/model/download", headers={**fleet["key"], "If-None-Match": held})
        assert again.status_code == 304 and again.data == b""
    stale = client.get("/api/device/model/download", headers={**fleet["key"], "If-None-Match": '"0000"'})
    assert stale.status_code == 200 and stale.data == ONNX

    # Devices elsewhere are not concerned.
    other = provision(admin_headers, "CAM-2")
    assert device_model(client, {"X-Device-Key": other["api_key"]}) is None


def test_device_assignment_wins_over_its_project(
    client: FlaskClient, admin_headers: dict[str, str], fleet: dict[str, Any], service: Any
) -> None:
    project_url = f"/api/data/projects/{fleet['project_id']}"
    device_url = f"/api/devices/{fleet['device']['id']}"
    own = make_export(
        client, admin_headers, service, fleet["model"]["id"], artifact=b"fp16 bytes", precision="fp16"
    )
    assert assign(client, admin_headers, project_url, fleet["export"]["id"]).status_code == 200
    resp = assign(client, admin_headers, device_url, own["id"])
    assert resp.status_code == 200 and resp.get_json()["data"]["deployed_export_id"] == own["id"]
    seen = device_model(client, fleet["key"])
    assert (seen["export_id"], seen["source"], seen["precision"]) == (own["id"], "device", "fp16")
    assert client.get("/api/device/model/download", headers=fleet["key"]).data == b"fp16 bytes"
    assert (
        client.get("/api/device/self", headers=fleet["key"]).get_json()["data"]["deployed_export_id"]
        == (own["id"])
    )

    # Clearing the device's own assignment falls back to the project's; clearing that leaves none.
    assert assign(client, admin_headers, device_url, None).get_json()["data"]["deployed_export_id"] is None
    assert device_model(client, fleet["key"])["export_id"] == fleet["export"]["id"]
    assert assign(client, admin_headers, project_url, None).get_json()["data"]["deployed_export_id"] is None
    assert device_model(client, fleet["key"]) is None
    assert checkin_model(client, fleet["key"]) is None


def test_only_succeeded_exports_of_the_right_project_can_be_assigned(
    client: FlaskClient,
    admin_headers: dict[str, str],
    fleet: dict[str, Any],
    service: Any,
) -> None:
    project_url = f"/api/data/projects/{fleet['project_id']}"
    device_url = f"/api/devices/{fleet['device']['id']}"
    queued = make_export(client, admin_headers, service, fleet["model"]["id"], artifact=None)
    for url in (project_url, device_url):
        assert_error(assign(client, admin_headers, url, 999_999), 404, "NOT_FOUND")
        assert_error(assign(client, admin_headers, url, queued["id"]), 409, "CONFLICT")
        resp = client.patch(url, json={"deployed_export_id": "latest"}, headers=admin_headers)
        assert_error(resp, 400, "VALIDATION_ERROR")

    # A project runs its own models: another project's export is refused there, but a device may run it.
    other_project = client.post(
        "/api/data/projects", json={"name": "other", "labels": ["cat", "dog"]}, headers=admin_headers
    ).get_json()["data"]["id"]
    error = assert_error(
        assign(client, admin_headers, f"/api/data/projects/{other_project}", fleet["export"]["id"]),
        409,
        "CONFLICT",
    )
    assert "another project" in error["message"]
    client.patch(device_url, json={"project_id": other_project}, headers=admin_headers)
    assert assign(client, admin_headers, device_url, fleet["export"]["id"]).status_code == 200
    assert device_model(client, fleet["key"])["export_id"] == fleet["export"]["id"]
    # Nothing changed where the request was refused.
    assert client.get(project_url, headers=admin_headers).get_json()["data"]["deployed_export_id"] is None


def test_other_organizations_see_nothing(
    client: FlaskClient,
    admin_headers: dict[str, str],
    fleet: dict[str, Any],
    make_user: Any,
    provision: Any,
) -> None:
    stranger = bearer(make_user("admin", org="Globex"))
    export_id = fleet["export"]["id"]
    # Their admin cannot assign our device, nor our export to their own device or project.
    assert_error(
        assign(client, stranger, f"/api/devices/{fleet['device']['id']}", export_id), 404, "NOT_FOUND"
    )
    theirs = provision(stranger, "GLOBEX-1")
    assert_error(
        assign(client, stranger, f"/api/devices/{theirs['device']['id']}", export_id), 404, "NOT_FOUND"
    )
    their_project = client.post(
        "/api/data/projects", json={"name": "theirs", "labels": ["a"]}, headers=stranger
    ).get_json()["data"]["id"]
    assert_error(assign(client, stranger, f"/api/data/projects/{their_project}", export_id), 404, "NOT_FOUND")
    assert device_model(client, {"X-Device-Key": theirs["api_key"]}) is None
    # Roles below manager cannot assign at all.
    viewer = bearer(make_user("viewer"))
    assert_error(assign(client, viewer, f"/api/devices/{fleet['device']['id']}", export_id), 403, "FORBIDDEN")


def test_an_export_gone_with_its_project_leaves_no_assignment(
    client: FlaskClient, admin_headers: dict[str, str], fleet: dict[str, Any], provision: Any
) -> None:
    # A device outside the project runs the project's model; then the project (and its models) go.
    loner = provision(admin_headers, "CAM-LONE")
    device_url = f"/api/devices/{loner['device']['id']}"
    assert assign(client, admin_headers, device_url, fleet["export"]["id"]).status_code == 200
    project_url = f"/api/data/projects/{fleet['project_id']}"
    client.patch(project_url, json={"archived": True}, headers=admin_headers)
    assert client.delete(project_url, headers=admin_headers).status_code == 204
    assert client.get(device_url, headers=admin_headers).get_json()["data"]["deployed_export_id"] is None
    assert device_model(client, {"X-Device-Key": loner["api_key"]}) is None
