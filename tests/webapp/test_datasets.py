"""Dataset versions through the API, up to the point where a flow takes over."""

import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import psutil
import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import bearer
from tests.helpers import assert_error, service_headers
from webapp.extensions import db
from webapp.models import Annotation, DatasetItem, DatasetVersion
from webapp.services import service_accounts


def test_create_freezes_selection_and_starts_flow(
    client: FlaskClient, admin_headers: dict[str, str], labeled_project: Any, started: list[Any]
) -> None:
    made = labeled_project(admin_headers, n=6)
    resp = client.post(
        "/api/data/datasets", json={"project_id": made["project_id"], "seed": 7}, headers=admin_headers
    )
    assert resp.status_code == 201, resp.get_json()
    data = resp.get_json()["data"]
    assert data["status"] == "queued" and data["version"] == 1 and data["image_count"] == 6
    assert data["flow_run_id"] == "run-1" and data["labels"] == ["cat", "dog"]
    assert data["params"]["splits"] == {"train": 0.8, "val": 0.1, "test": 0.1}
    assert started == [
        {"kind": "dataset", "dataset_id": data["id"], "organization_id": started[0]["organization_id"]}
    ]
    # Later annotations do not change a frozen version.
    client.post(
        "/api/data/annotations",
        json={"image_id": made["images"][0]["id"], "label": "dog"},
        headers=admin_headers,
    )
    manifest = client.get(f"/api/data/datasets/{data['id']}/manifest", headers=admin_headers)
    rows = [line for line in manifest.get_data(as_text=True).splitlines() if line]
    assert len(rows) == 6
    first = next(r for r in map(json.loads, rows) if r["sha256"] == made["images"][0]["sha256"])
    assert first["label"] == "cat"


def test_second_version_numbers_up(
    client: FlaskClient, admin_headers: dict[str, str], labeled_project: Any, started: list[Any]
) -> None:
    pid = labeled_project(admin_headers, n=2)["project_id"]
    for expected in (1, 2):
        data = client.post("/api/data/datasets", json={"project_id": pid}, headers=admin_headers).get_json()
        assert data["data"]["version"] == expected
    listed = client.get(f"/api/data/datasets?project_id={pid}", headers=admin_headers).get_json()
    assert [d["version"] for d in listed["data"]] == [2, 1] and listed["meta"]["total"] == 2


def test_prefect_down_is_503_and_changes_nothing(
    client: FlaskClient, admin_headers: dict[str, str], labeled_project: Any, prefect_unreachable: None
) -> None:
    pid = labeled_project(admin_headers, n=2)["project_id"]
    resp = client.post("/api/data/datasets", json={"project_id": pid}, headers=admin_headers)
    error = assert_error(resp, 503, "SERVICE_UNAVAILABLE")
    assert "Prefect" in error["message"]
    assert db.session.scalar(select(func.count()).select_from(DatasetVersion)) == 0
    assert db.session.scalar(select(func.count()).select_from(DatasetItem)) == 0


def test_without_a_prefect_server_configured_the_api_starts_none(
    client: FlaskClient, admin_headers: dict[str, str], labeled_project: Any, prefect_unconfigured: Path
) -> None:
    """Prefect's client would start a temporary server inside the web worker (seconds, files in its
    home, a server knowing none of our runs): the API answers 503 at once and starts nothing."""
    pid = labeled_project(admin_headers, n=2)["project_id"]
    children_before = {p.pid for p in psutil.Process().children(recursive=True)}
    resp = client.post("/api/data/datasets", json={"project_id": pid}, headers=admin_headers)
    error = assert_error(resp, 503, "SERVICE_UNAVAILABLE")
    assert "not configured" in error["message"] and "PREFECT_API_URL" in error["details"]
    assert {p.pid for p in psutil.Process().children(recursive=True)} <= children_before
    assert not prefect_unconfigured.exists() or not any(prefect_unconfigured.rglob("*.db"))
    assert db.session.scalar(select(func.count()).select_from(DatasetVersion)) == 0


def test_empty_selection_is_409(
    client: FlaskClient, admin_headers: dict[str, str], started: list[Any]
) -> None:
    pid = client.post(
        "/api/data/projects",
        json={"name": "empty", "task_type": "classification", "labels": ["a"]},
        headers=admin_headers,
    ).get_json()["data"]["id"]
    assert_error(
        client.post("/api/data/datasets", json={"project_id": pid}, headers=admin_headers), 409, "CONFLICT"
    )
    assert started == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"project_id": "x"},
        {"project_id": 1, "splits": {"train": 0.5, "val": 0.1, "test": 0.1}},
        {"project_id": 1, "splits": {"train": 0, "val": 0.5, "test": 0.5}},
        {"project_id": 1, "splits": {"train": 1.0}},
        {"project_id": 1, "image_size": 4},
        {"project_id": 1, "image_size": 4096},
        {"project_id": 1, "seed": -1},
        {"project_id": 1, "image_statuses": ["lost"]},
        {"project_id": 1, "batch_ids": []},
        {"project_id": 1, "resize": {"mode": "fit"}},
        {"project_id": 1, "resize": {"mode": "letterbox", "pad_value": [1, 2]}},
        {"project_id": 1, "resize": {"placement": "center"}},
    ],
)
def test_create_validation(
    client: FlaskClient, admin_headers: dict[str, str], started: list[Any], body: dict[str, Any]
) -> None:
    assert_error(client.post("/api/data/datasets", json=body, headers=admin_headers), 400, "VALIDATION_ERROR")
    assert started == []


def test_other_orgs_project_and_versions_are_404(
    client: FlaskClient,
    admin_headers: dict[str, str],
    make_user: Any,
    labeled_project: Any,
    started: list[Any],
) -> None:
    theirs = bearer(make_user("admin", org="Globex"))
    pid = labeled_project(theirs, n=2)["project_id"]
    assert_error(
        client.post("/api/data/datasets", json={"project_id": pid}, headers=admin_headers), 404, "NOT_FOUND"
    )
    did = client.post("/api/data/datasets", json={"project_id": pid}, headers=theirs).get_json()["data"]["id"]
    for path in (f"/api/data/datasets/{did}", f"/api/data/datasets/{did}/manifest"):
        assert_error(client.get(path, headers=admin_headers), 404, "NOT_FOUND")
    assert_error(
        client.patch(f"/api/data/datasets/{did}", json={"name": "x"}, headers=admin_headers), 404, "NOT_FOUND"
    )
    assert client.get("/api/data/datasets", headers=admin_headers).get_json()["meta"]["total"] == 0


@pytest.mark.parametrize("role", ["annotator", "viewer"])
def test_only_managers_create(
    client: FlaskClient,
    admin_headers: dict[str, str],
    make_user: Any,
    labeled_project: Any,
    role: str,
    started: list[Any],
) -> None:
    pid = labeled_project(admin_headers, n=2)["project_id"]
    headers = bearer(make_user(role))
    assert_error(
        client.post("/api/data/datasets", json={"project_id": pid}, headers=headers), 403, "FORBIDDEN"
    )
    assert client.get("/api/data/datasets", headers=headers).status_code == 200


def test_people_rename_but_only_the_flow_reports(
    client: FlaskClient, admin: Any, admin_headers: dict[str, str], labeled_project: Any, started: list[Any]
) -> None:
    pid = labeled_project(admin_headers, n=2)["project_id"]
    did = client.post("/api/data/datasets", json={"project_id": pid}, headers=admin_headers).get_json()[
        "data"
    ]["id"]
    path = f"/api/data/datasets/{did}"
    assert (
        client.patch(path, json={"name": "baseline"}, headers=admin_headers).get_json()["data"]["name"]
        == "baseline"
    )
    assert_error(client.patch(path, json={"status": "ready"}, headers=admin_headers), 403, "FORBIDDEN")

    _, key = service_accounts.create(db.session, "w")
    svc = service_headers(key, admin.organization_id)
    error = assert_error(client.patch(path, json={"status": "ready"}, headers=svc), 409, "CONFLICT")
    assert "running" in error["details"]
    running = client.patch(path, json={"status": "running", "progress": 0.5}, headers=svc).get_json()["data"]
    assert running["status"] == "running" and running["started_at"]
    ready = client.patch(
        path,
        json={"status": "ready", "git_tag": "t", "dvc_path": "data/x", "git_rev": "abc", "dvc_hash": "h.dir"},
        headers=svc,
    ).get_json()["data"]
    assert ready["finished_at"] and ready["checkout"]["git_tag"] == "t"
    assert any("dvc" in c for c in ready["checkout"]["commands"])
    assert_error(client.patch(path, json={"status": "running"}, headers=svc), 409, "CONFLICT")


def test_archive_streams_the_original_files(
    client: FlaskClient, admin_headers: dict[str, str], labeled_project: Any, started: list[Any]
) -> None:
    made = labeled_project(admin_headers, n=3)
    did = client.post(
        "/api/data/datasets", json={"project_id": made["project_id"]}, headers=admin_headers
    ).get_json()["data"]["id"]
    wanted = sorted(i["sha256"] for i in made["images"][:2])
    resp = client.post(f"/api/data/datasets/{did}/archive", json={"sha256": wanted}, headers=admin_headers)
    assert resp.status_code == 200 and resp.mimetype == "application/x-tar"
    with tarfile.open(fileobj=io.BytesIO(resp.data)) as tar:
        names = tar.getnames()
        blobs = {n: tar.extractfile(n).read() for n in names}  # type: ignore[union-attr]
    assert names == wanted
    assert all(hashlib.sha256(b).hexdigest() == n for n, b in blobs.items())
    stranger = "0" * 64
    bad = client.post(f"/api/data/datasets/{did}/archive", json={"sha256": [stranger]}, headers=admin_headers)
    assert_error(bad, 400, "VALIDATION_ERROR")
    assert_error(
        client.post(
            f"/api/data/datasets/{did}/archive", json={"sha256": ["../../etc/passwd"]}, headers=admin_headers
        ),
        400,
        "VALIDATION_ERROR",
    )


@pytest.fixture
def boxed_project(client: FlaskClient, provision: Any) -> Any:
    """A detection project whose images are annotated with the given boxes (one list per image)."""

    def _make(
        headers: dict[str, str], boxes: list[list[dict[str, Any]]], labels: tuple[str, ...] = ("car", "bus")
    ) -> dict[str, Any]:
        from tests.conftest import png_bytes

        project = client.post(
            "/api/data/projects",
            json={"name": "street", "task_type": "detection", "labels": list(labels)},
            headers=headers,
        ).get_json()["data"]
        key = provision(headers, "street-cam", project_id=project["id"])["api_key"]
        images = []
        for i, image_boxes in enumerate(boxes):
            up = client.post(
                "/api/device/images/upload",
                data={"file": (io.BytesIO(png_bytes(500 + i)), f"f{i}.png")},
                headers={"X-Device-Key": key},
                content_type="multipart/form-data",
            ).get_json()["data"]
            ann = client.post(
                "/api/data/annotations", json={"image_id": up["id"], "boxes": image_boxes}, headers=headers
            )
            assert ann.status_code == 201, ann.get_json()
            images.append(
                {"id": up["id"], "sha256": up["sha256"], "annotation_id": ann.get_json()["data"]["id"]}
            )
        return {"project_id": project["id"], "images": images}

    return _make


CAR = {"label": "car", "x": 0.1, "y": 0.2, "width": 0.3, "height": 0.4}


def _nothing_stored() -> None:
    assert db.session.scalar(select(func.count()).select_from(DatasetVersion)) == 0
    assert db.session.scalar(select(func.count()).select_from(DatasetItem)) == 0


def test_detection_version_records_its_resize(
    client: FlaskClient, admin_headers: dict[str, str], boxed_project: Any, started: list[Any]
) -> None:
    made = boxed_project(admin_headers, [[CAR], []])  # an image with no objects is a fine negative
    pid = made["project_id"]
    data = client.post("/api/data/datasets", json={"project_id": pid}, headers=admin_headers).get_json()[
        "data"
    ]
    assert data["task_type"] == "detection" and data["image_count"] == 2
    assert data["params"]["resize"] == {
        "mode": "letterbox",
        "filter": "bilinear",
        "placement": "center",
        "pad_value": [114, 114, 114],
    }
    manifest = client.get(f"/api/data/datasets/{data['id']}/manifest", headers=admin_headers)
    rows = {r["sha256"]: r for r in map(json.loads, manifest.get_data(as_text=True).splitlines())}
    assert (
        rows[made["images"][0]["sha256"]]["boxes"] == [CAR]
        and rows[made["images"][1]["sha256"]]["boxes"] == []
    )
    body = {
        "project_id": pid,
        "resize": {"mode": "letterbox", "placement": "top_left", "pad_value": [0, 0, 0]},
    }
    resize = client.post("/api/data/datasets", json=body, headers=admin_headers).get_json()["data"]["params"]
    assert resize["resize"] == {
        "mode": "letterbox",
        "filter": "bilinear",
        "placement": "top_left",
        "pad_value": [0] * 3,
    }
    assert len(started) == 2


def test_classification_version_records_center_crop(
    client: FlaskClient, admin_headers: dict[str, str], labeled_project: Any, started: list[Any]
) -> None:
    pid = labeled_project(admin_headers, n=2)["project_id"]
    data = client.post("/api/data/datasets", json={"project_id": pid}, headers=admin_headers).get_json()[
        "data"
    ]
    assert data["params"]["resize"] == {"mode": "center_crop", "filter": "lanczos"}
    body = {"project_id": pid, "resize": {"mode": "stretch"}}
    data = client.post("/api/data/datasets", json=body, headers=admin_headers).get_json()["data"]
    assert data["params"]["resize"] == {"mode": "stretch", "filter": "bilinear"}


def test_detection_version_with_no_boxed_image_is_409(
    client: FlaskClient, admin_headers: dict[str, str], boxed_project: Any, started: list[Any]
) -> None:
    pid = boxed_project(admin_headers, [[], []])["project_id"]
    error = assert_error(
        client.post("/api/data/datasets", json={"project_id": pid}, headers=admin_headers), 409, "CONFLICT"
    )
    assert "box" in error["message"] and "2 selected images" in error["details"]
    assert started == []
    _nothing_stored()


def test_boxes_with_labels_the_project_lacks_are_409(
    client: FlaskClient, admin_headers: dict[str, str], boxed_project: Any, started: list[Any]
) -> None:
    made = boxed_project(admin_headers, [[CAR], [CAR]])
    # As an import that bypassed the annotation checks would leave it: a box labelled "tram".
    annotation = db.session.get(Annotation, made["images"][1]["annotation_id"])
    assert annotation is not None
    annotation.boxes = [CAR, {**CAR, "label": "tram"}]
    db.session.commit()
    body = {"project_id": made["project_id"]}
    error = assert_error(client.post("/api/data/datasets", json=body, headers=admin_headers), 409, "CONFLICT")
    assert "tram" in error["details"] and "labels" in error["message"]
    assert started == []
    _nothing_stored()
