"""Annotations: validation by task type, history and the current label, counters, deletion, roles."""

import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import bearer
from tests.helpers import assert_error, service_headers
from webapp.extensions import db
from webapp.models import Annotation, Batch, Image, User
from webapp.services import annotations, service_accounts
from webapp.unit_of_work import unit_of_work

BOX = {"label": "car", "x": 0.1, "y": 0.2, "width": 0.3, "height": 0.4}


@pytest.fixture
def cls_image(admin: User, admin_headers: dict[str, str], make_project: Any, make_images: Any) -> Image:
    project = make_project(admin_headers, labels=["cat", "dog"])
    return make_images(admin, 1, project_id=project["id"])[0]


@pytest.fixture
def det_image(admin: User, admin_headers: dict[str, str], make_project: Any, make_images: Any) -> Image:
    project = make_project(admin_headers, task_type="detection", labels=["car", "person"])
    return make_images(admin, 1, project_id=project["id"])[0]


def _post(client: FlaskClient, headers: dict[str, str], image_id: int, **body: Any) -> Any:
    return client.post("/api/data/annotations", json={"image_id": image_id, **body}, headers=headers)


def _image(client: FlaskClient, headers: dict[str, str], image_id: int) -> dict[str, Any]:
    return client.get(f"/api/data/images/{image_id}", headers=headers).get_json()["data"]


def _batch(client: FlaskClient, headers: dict[str, str], batch_id: int) -> dict[str, Any]:
    return client.get(f"/api/data/batches/{batch_id}", headers=headers).get_json()["data"]


def test_classification_annotation_becomes_the_label(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], cls_image: Image
) -> None:
    resp = _post(client, admin_headers, cls_image.id, label="cat")
    assert resp.status_code == 201
    first = resp.get_json()["data"]
    assert first["label"] == "cat" and first["boxes"] is None
    assert (first["source"], first["annotator_id"], first["annotator_email"]) == (
        "manual",
        admin.id,
        admin.email,
    )
    assert first["current"] is True and first["created_at"]
    image = _image(client, admin_headers, cls_image.id)
    assert (image["label"], image["labeled"], image["annotation"]["id"]) == ("cat", True, first["id"])
    assert _batch(client, admin_headers, cls_image.batch_id)["annotated_count"] == 1

    second = _post(client, admin_headers, cls_image.id, label="dog").get_json()["data"]
    assert _image(client, admin_headers, cls_image.id)["label"] == "dog"
    # Relabeling does not count the image twice.
    assert _batch(client, admin_headers, cls_image.batch_id)["annotated_count"] == 1
    history = client.get(f"/api/data/annotations?image_id={cls_image.id}", headers=admin_headers).get_json()
    assert [(a["id"], a["current"]) for a in history["data"]] == [(second["id"], True), (first["id"], False)]
    assert history["meta"]["total"] == 2


def test_detection_annotation(client: FlaskClient, admin_headers: dict[str, str], det_image: Image) -> None:
    boxes = [BOX, {"label": "person", "x": 0, "y": 0, "width": 1, "height": 1}]
    created = _post(client, admin_headers, det_image.id, boxes=boxes).get_json()["data"]
    assert created["boxes"] == boxes and created["label"] is None
    image = _image(client, admin_headers, det_image.id)
    assert (image["labeled"], image["label"]) == (True, None)
    # No objects is an annotation too.
    empty = _post(client, admin_headers, det_image.id, boxes=[])
    assert empty.status_code == 201 and empty.get_json()["data"]["boxes"] == []
    assert _image(client, admin_headers, det_image.id)["annotation"]["boxes"] == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"label": "bird"}, "Unknown label"),
        ({"boxes": [BOX]}, "take a label, not boxes"),
        ({}, "A label is required"),
    ],
)
def test_classification_validation(
    client: FlaskClient, admin_headers: dict[str, str], cls_image: Image, body: dict[str, Any], message: str
) -> None:
    error = assert_error(_post(client, admin_headers, cls_image.id, **body), 400, "VALIDATION_ERROR")
    assert message in error["message"]
    assert _image(client, admin_headers, cls_image.id)["labeled"] is False


@pytest.mark.parametrize(
    "boxes",
    [
        [{**BOX, "label": "bird"}],
        [{**BOX, "x": 0.8, "width": 0.3}],
        [{**BOX, "y": 0.7, "height": 0.31}],
        [{**BOX, "x": -0.1}],
        [{**BOX, "y": 1.2}],
        [{**BOX, "width": 0}],
        [{**BOX, "height": -0.1}],
        [{**BOX, "width": 1.5}],
        [{**BOX, "x": "left"}],
        [{k: v for k, v in BOX.items() if k != "height"}],
        [{**BOX, "colour": "red"}],
        [BOX] * 1001,
        "car",
    ],
    ids=[
        "unknown-label",
        "right-edge",
        "bottom-edge",
        "negative-x",
        "y-beyond",
        "zero-width",
        "negative-height",
        "too-wide",
        "not-a-number",
        "missing-height",
        "unknown-field",
        "too-many",
        "not-a-list",
    ],
)
def test_box_validation(
    client: FlaskClient, admin_headers: dict[str, str], det_image: Image, boxes: Any
) -> None:
    assert_error(_post(client, admin_headers, det_image.id, boxes=boxes), 400, "VALIDATION_ERROR")
    assert _image(client, admin_headers, det_image.id)["labeled"] is False


def test_detection_takes_boxes_not_a_label(
    client: FlaskClient, admin_headers: dict[str, str], det_image: Image
) -> None:
    assert_error(_post(client, admin_headers, det_image.id, label="car"), 400, "VALIDATION_ERROR")
    error = assert_error(_post(client, admin_headers, det_image.id), 400, "VALIDATION_ERROR")
    assert "[] means no objects" in error["details"]


def test_box_exactly_at_the_edge_is_inside(
    client: FlaskClient, admin_headers: dict[str, str], det_image: Image
) -> None:
    box = {"label": "car", "x": 0.7, "y": 0.9, "width": 0.3, "height": 0.1}
    resp = _post(client, admin_headers, det_image.id, boxes=[box])
    assert resp.status_code == 201
    saved = resp.get_json()["data"]["boxes"][0]
    assert saved["x"] + saved["width"] <= 1 and saved["y"] + saved["height"] <= 1


@pytest.mark.parametrize(
    "body",
    [
        {"image_id": "one"},
        {"image_id": None},
        {"source": "crowd"},
        {"external_id": ""},
        {"external_id": "x" * 101},
        {"annotator_email": "not-an-email", "source": "label_studio"},
        {"annotator_id": 5},
        {"created_at": "2020-01-01T00:00:00Z"},
    ],
)
def test_request_validation(
    client: FlaskClient, admin_headers: dict[str, str], cls_image: Image, body: dict[str, Any]
) -> None:
    resp = client.post(
        "/api/data/annotations",
        json={"image_id": cls_image.id, "label": "cat", **body},
        headers=admin_headers,
    )
    assert_error(resp, 400, "VALIDATION_ERROR")
    resp = client.post("/api/data/annotations", json={"label": "cat"}, headers=admin_headers)
    assert_error(resp, 400, "VALIDATION_ERROR")


def test_sources_and_external_ids(client: FlaskClient, admin: User, cls_image: Image) -> None:
    _, key = service_accounts.create(db.session, "label-studio-sync-sources")
    service = service_headers(key, admin.organization_id)
    body = {
        "label": "cat",
        "source": "label_studio",
        "external_id": "ls-42",
        "annotator_email": "ann@ls.test",
    }
    created = _post(client, service, cls_image.id, **body).get_json()["data"]
    assert (created["source"], created["external_id"], created["annotator_email"]) == (
        "label_studio",
        "ls-42",
        "ann@ls.test",
    )
    assert created["annotator_id"] is None
    model = _post(client, service, cls_image.id, label="dog", source="model").get_json()["data"]
    assert model["source"] == "model"
    found = client.get("/api/data/annotations?external_id=ls-42", headers=service).get_json()["data"]
    assert [a["id"] for a in found] == [created["id"]]
    # A manual annotation names no one else, whoever makes it.
    resp = _post(client, service, cls_image.id, label="cat", annotator_email="someone@else.test")
    assert_error(resp, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize("role", ["annotator", "ml_engineer", "admin"])
@pytest.mark.parametrize(
    "forged",
    [
        {"source": "label_studio"},
        {"source": "model"},
        {"external_id": "17"},
        {"source": "label_studio", "external_id": "17", "annotator_email": "victim@acme.test"},
    ],
)
def test_people_cannot_attribute_annotations_elsewhere(
    client: FlaskClient, make_user: Any, cls_image: Image, role: str, forged: dict[str, Any]
) -> None:
    """Where an annotation came from and who made it elsewhere is the sync flows' to say: a person's
    annotation is their own, made here, and is never passed off as Label Studio's or someone else's."""
    headers = bearer(make_user(role))
    error = assert_error(_post(client, headers, cls_image.id, label="cat", **forged), 403, "FORBIDDEN")
    assert "service accounts" in error["message"]
    assert db.session.scalar(select(func.count()).select_from(Annotation)) == 0
    assert _post(client, headers, cls_image.id, label="cat").status_code == 201


def test_list_filters(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_project: Any, make_images: Any
) -> None:
    p1, p2 = make_project(admin_headers)["id"], make_project(admin_headers)["id"]
    [a] = make_images(admin, 1, project_id=p1)
    [b] = make_images(admin, 1, project_id=p2)
    ids = [_post(client, admin_headers, i.id, label="cat").get_json()["data"]["id"] for i in (a, b, a)]

    def listed(query: str) -> list[int]:
        return [
            x["id"] for x in client.get(f"/api/data/annotations?{query}", headers=admin_headers).json["data"]
        ]

    assert listed("") == ids[::-1]
    assert listed(f"project_id={p1}") == [ids[2], ids[0]]
    assert listed(f"image_id={b.id}") == [ids[1]]
    assert listed(f"image_id={a.id}&per_page=1&page=2") == [ids[0]]
    got = client.get(f"/api/data/annotations/{ids[1]}", headers=admin_headers).get_json()["data"]
    assert got["image_id"] == b.id and got["current"] is True


def test_images_without_a_project_cannot_be_annotated(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_images: Any
) -> None:
    [image] = make_images(admin, 1)
    error = assert_error(_post(client, admin_headers, image.id, label="cat"), 409, "CONFLICT")
    assert "no project" in error["message"]


def test_archived_projects_annotations_are_frozen(
    client: FlaskClient, admin_headers: dict[str, str], cls_image: Image
) -> None:
    created = _post(client, admin_headers, cls_image.id, label="cat").get_json()["data"]
    url = f"/api/data/projects/{cls_image.project_id}"
    client.patch(url, json={"archived": True}, headers=admin_headers)
    assert_error(_post(client, admin_headers, cls_image.id, label="dog"), 409, "CONFLICT")
    resp = client.delete(f"/api/data/annotations/{created['id']}", headers=admin_headers)
    assert_error(resp, 409, "CONFLICT")
    client.patch(url, json={"archived": False}, headers=admin_headers)
    assert client.delete(f"/api/data/annotations/{created['id']}", headers=admin_headers).status_code == 204


def test_delete_current_falls_back_to_the_previous(
    client: FlaskClient, admin_headers: dict[str, str], cls_image: Image
) -> None:
    first = _post(client, admin_headers, cls_image.id, label="cat").get_json()["data"]
    second = _post(client, admin_headers, cls_image.id, label="dog").get_json()["data"]
    assert client.delete(f"/api/data/annotations/{second['id']}", headers=admin_headers).status_code == 204
    image = _image(client, admin_headers, cls_image.id)
    assert (image["label"], image["labeled"], image["annotation"]["id"]) == ("cat", True, first["id"])
    assert _batch(client, admin_headers, cls_image.batch_id)["annotated_count"] == 1
    assert client.get("/api/data/images?label=cat", headers=admin_headers).json["meta"]["total"] == 1
    assert client.delete(f"/api/data/annotations/{first['id']}", headers=admin_headers).status_code == 204
    image = _image(client, admin_headers, cls_image.id)
    assert (image["label"], image["labeled"], image["annotation"]) == (None, False, None)
    assert _batch(client, admin_headers, cls_image.batch_id)["annotated_count"] == 0
    assert client.get("/api/data/images?labeled=true", headers=admin_headers).json["meta"]["total"] == 0
    resp = client.delete(f"/api/data/annotations/{first['id']}", headers=admin_headers)
    assert_error(resp, 404, "NOT_FOUND")


def test_delete_history_keeps_the_label(
    client: FlaskClient, admin_headers: dict[str, str], cls_image: Image
) -> None:
    first = _post(client, admin_headers, cls_image.id, label="cat").get_json()["data"]
    second = _post(client, admin_headers, cls_image.id, label="dog").get_json()["data"]
    client.delete(f"/api/data/annotations/{first['id']}", headers=admin_headers)
    image = _image(client, admin_headers, cls_image.id)
    assert (image["label"], image["annotation"]["id"]) == ("dog", second["id"])
    assert _batch(client, admin_headers, cls_image.batch_id)["annotated_count"] == 1


def test_counters_across_a_batch(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_project: Any, make_images: Any
) -> None:
    project = make_project(admin_headers)
    images = make_images(admin, 4, project_id=project["id"])
    made = [_post(client, admin_headers, i.id, label="cat").get_json()["data"] for i in images[:3]]
    _post(client, admin_headers, images[0].id, label="dog")
    batch = _batch(client, admin_headers, images[0].batch_id)
    assert (batch["image_count"], batch["annotated_count"]) == (4, 3)
    client.delete(f"/api/data/annotations/{made[2]['id']}", headers=admin_headers)
    client.delete(f"/api/data/annotations/{made[0]['id']}", headers=admin_headers)  # history only
    assert _batch(client, admin_headers, images[0].batch_id)["annotated_count"] == 2
    stored = db.session.get(Image, images[2].id)
    db.session.refresh(stored)
    assert (stored.labeled, stored.label, stored.annotation_id) == (False, None, None)


def test_other_organizations_are_404(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any, cls_image: Image
) -> None:
    created = _post(client, admin_headers, cls_image.id, label="cat").get_json()["data"]
    stranger = bearer(make_user("admin", org="Globex"))
    assert_error(_post(client, stranger, cls_image.id, label="cat"), 404, "NOT_FOUND")
    assert_error(_post(client, stranger, 999999, label="cat"), 404, "NOT_FOUND")
    assert_error(client.get(f"/api/data/annotations/{created['id']}", headers=stranger), 404, "NOT_FOUND")
    assert_error(client.delete(f"/api/data/annotations/{created['id']}", headers=stranger), 404, "NOT_FOUND")
    listed = client.get(f"/api/data/annotations?image_id={cls_image.id}", headers=stranger).get_json()
    assert listed["data"] == [] and listed["meta"]["total"] == 0
    assert _image(client, admin_headers, cls_image.id)["label"] == "cat"


def test_viewers_only_read(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any, cls_image: Image
) -> None:
    created = _post(client, admin_headers, cls_image.id, label="cat").get_json()["data"]
    viewer = bearer(make_user("viewer"))
    assert client.get(f"/api/data/annotations?image_id={cls_image.id}", headers=viewer).status_code == 200
    assert_error(_post(client, viewer, cls_image.id, label="dog"), 403, "FORBIDDEN")
    assert_error(client.delete(f"/api/data/annotations/{created['id']}", headers=viewer), 403, "FORBIDDEN")


def test_annotators_annotate_and_delete_their_own(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any, cls_image: Image
) -> None:
    someone = _post(client, admin_headers, cls_image.id, label="cat").get_json()["data"]
    annotator = make_user("annotator")
    headers = bearer(annotator)
    mine = _post(client, headers, cls_image.id, label="dog")
    assert mine.status_code == 201 and mine.get_json()["data"]["annotator_id"] == annotator.id
    error = assert_error(
        client.delete(f"/api/data/annotations/{someone['id']}", headers=headers), 403, "FORBIDDEN"
    )
    assert "own" in error["details"]
    assert (
        client.delete(f"/api/data/annotations/{mine.get_json()['data']['id']}", headers=headers).status_code
        == 204
    )


def test_managers_delete_anyones(
    client: FlaskClient, make_user: Any, cls_image: Image, admin_headers: dict[str, str]
) -> None:
    annotator = bearer(make_user("annotator"))
    created = _post(client, annotator, cls_image.id, label="cat").get_json()["data"]
    engineer = bearer(make_user("ml_engineer"))
    assert client.delete(f"/api/data/annotations/{created['id']}", headers=engineer).status_code == 204


def test_a_service_account_syncs_annotations(client: FlaskClient, admin: User, cls_image: Image) -> None:
    _, key = service_accounts.create(db.session, "label-studio-sync")
    headers = service_headers(key, admin.organization_id)
    body = {"label": "dog", "source": "label_studio", "external_id": "17", "annotator_email": "a@ls.test"}
    created = _post(client, headers, cls_image.id, **body)
    assert created.status_code == 201, created.get_json()
    data = created.get_json()["data"]
    assert (data["annotator_id"], data["annotator_email"]) == (None, "a@ls.test")
    assert (
        client.get(f"/api/data/images/{cls_image.id}", headers=headers).get_json()["data"]["label"] == "dog"
    )
    assert client.delete(f"/api/data/annotations/{data['id']}", headers=headers).status_code == 204
    # A service names the organization it acts for; another one's image is not found.
    other = service_headers(key, admin.organization_id + 1000)
    assert_error(_post(client, other, cls_image.id, **body), 401, "UNAUTHORIZED")


def test_anonymous_is_401(client: FlaskClient, cls_image: Image) -> None:
    assert_error(
        client.post("/api/data/annotations", json={"image_id": cls_image.id, "label": "cat"}),
        401,
        "UNAUTHORIZED",
    )
    assert_error(client.get("/api/data/annotations"), 401, "UNAUTHORIZED")


def test_concurrent_annotations_keep_the_counters_exact(
    app: Flask, admin: User, admin_headers: dict[str, str], make_project: Any, make_images: Any
) -> None:
    """Writers racing on the same images (on both backends): each image counted once, latest wins."""
    project = make_project(admin_headers)
    images = make_images(admin, 3, project_id=project["id"])
    ids = [i.id for i in images]
    batch_id, org = images[0].batch_id, admin.organization_id

    def work(n: int) -> None:
        with app.app_context():
            for k in range(4):
                image_id = ids[(n + k) % len(ids)]
                # Each call its own unit of work, as a request's would be.
                with unit_of_work(db.session):
                    made = annotations.create(db.session, org, image_id=image_id, annotator=None, label="cat")
                if k == 3 and n % 2:
                    with unit_of_work(db.session):
                        annotations.delete(db.session, org, made.id, None)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    batch = db.session.get(Batch, batch_id)
    assert batch.annotated_count == 3
    for image_id in ids:
        image = db.session.get(Image, image_id)
        latest = db.session.scalar(select(func.max(Annotation.id)).where(Annotation.image_id == image_id))
        assert (image.annotation_id, image.labeled, image.label) == (latest, True, "cat")
