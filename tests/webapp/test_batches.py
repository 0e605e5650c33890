"""Batches: filters, counts, the status graph, moving between projects, tenants and roles."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import bearer
from tests.helpers import assert_error, service_headers
from webapp.extensions import db
from webapp.models import Batch, User
from webapp.services import service_accounts
from webapp.services.batches import TRANSITIONS
from webapp.unit_of_work import unit_of_work

STATUSES = list(TRANSITIONS)


def _batch(user: User, **columns: Any) -> Batch:
    batch = Batch(organization_id=user.organization_id, name=columns.pop("name", "b"), **columns)
    db.session.add(batch)
    db.session.commit()
    return batch


def _ids(client: FlaskClient, headers: dict[str, str], query: str = "") -> list[int]:
    resp = client.get(f"/api/data/batches?{query}", headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return [b["id"] for b in resp.get_json()["data"]]


def test_list_newest_first_with_counts(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_project: Any, make_images: Any
) -> None:
    project = make_project(admin_headers)
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    old = _batch(admin, project_id=project["id"], created_at=t0)
    new = _batch(admin, project_id=project["id"], created_at=t0 + timedelta(days=1))
    images = make_images(admin, 3, batch=old)
    client.post(
        "/api/data/annotations", json={"image_id": images[0].id, "label": "cat"}, headers=admin_headers
    )
    body = client.get("/api/data/batches", headers=admin_headers).get_json()
    assert [b["id"] for b in body["data"]] == [new.id, old.id]
    assert body["meta"] == {"total": 2, "page": 1, "per_page": 20, "total_pages": 1}
    got = client.get(f"/api/data/batches/{old.id}", headers=admin_headers).get_json()["data"]
    assert (got["image_count"], got["annotated_count"]) == (3, 1)
    assert got["status"] == "open" and got["next_statuses"] == ["ready", "archived"]
    assert _ids(client, admin_headers, "per_page=1&page=2") == [old.id]


def test_filters(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_project: Any, provision: Any
) -> None:
    p1, p2 = make_project(admin_headers)["id"], make_project(admin_headers)["id"]
    d1 = provision(admin_headers, "SN-1")["device"]["id"]
    d2 = provision(admin_headers, "SN-2")["device"]["id"]
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    a = _batch(admin, project_id=p1, device_id=d1, created_at=t0)
    b = _batch(admin, project_id=p1, device_id=d2, created_at=t0 + timedelta(hours=1), status="ready")
    c = _batch(admin, project_id=p2, device_id=d1, created_at=t0 + timedelta(hours=2), status="archived")
    assert _ids(client, admin_headers, f"project_id={p1}") == [b.id, a.id]
    assert _ids(client, admin_headers, f"project_id={p2}") == [c.id]
    assert _ids(client, admin_headers, f"device_id={d1}") == [c.id, a.id]
    assert _ids(client, admin_headers, f"device_id={d1}&project_id={p1}") == [a.id]
    assert _ids(client, admin_headers, "status=ready") == [b.id]
    assert _ids(client, admin_headers, "status=annotating") == []
    # created_after is inclusive, created_before exclusive; naive times are UTC.
    assert _ids(client, admin_headers, "created_after=2026-03-01T01:00:00Z") == [c.id, b.id]
    assert _ids(client, admin_headers, "created_before=2026-03-01T01:00:00") == [a.id]
    assert _ids(
        client, admin_headers, "created_after=2026-03-01T00:30:00%2B00:00&created_before=2026-03-01T02:00:00Z"
    ) == [b.id]


@pytest.mark.parametrize("query", ["status=done", "created_after=yesterday", "project_id=x", "device_id=1.5"])
def test_filter_validation(client: FlaskClient, admin_headers: dict[str, str], query: str) -> None:
    assert_error(client.get(f"/api/data/batches?{query}", headers=admin_headers), 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(("start", "target"), [(s, t) for s in STATUSES for t in STATUSES if s != t])
def test_status_transitions(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], start: str, target: str
) -> None:
    batch = _batch(admin, status=start)
    resp = client.patch(f"/api/data/batches/{batch.id}", json={"status": target}, headers=admin_headers)
    if target in TRANSITIONS[start]:
        assert resp.status_code == 200, resp.get_json()
        assert resp.get_json()["data"]["status"] == target
        assert resp.get_json()["data"]["next_statuses"] == list(TRANSITIONS[target])
    else:
        error = assert_error(resp, 400, "VALIDATION_ERROR")
        assert error["details"] == f"allowed from {start}: {', '.join(TRANSITIONS[start])}"
        assert (
            client.get(f"/api/data/batches/{batch.id}", headers=admin_headers).json["data"]["status"] == start
        )


def test_the_status_graph_is_what_the_docs_say() -> None:
    assert TRANSITIONS == {
        "open": ("ready", "archived"),
        "ready": ("open", "annotating", "archived"),
        "annotating": ("ready", "annotated", "archived"),
        "annotated": ("annotating", "archived"),
        "archived": ("ready",),
    }


def test_a_batch_keeps_who_moved_it_from_what_to_what_and_when(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_user: Any
) -> None:
    batch = _batch(admin, status="open")
    path = f"/api/data/batches/{batch.id}"
    assert client.get(path, headers=admin_headers).json["data"]["transitions"] == []
    engineer = make_user("ml_engineer")
    for status, headers in (("ready", admin_headers), ("annotating", bearer(engineer))):
        assert client.patch(path, json={"status": status}, headers=headers).status_code == 200
    # A rename and a refused move add nothing; a service account's move has no person.
    assert client.patch(path, json={"name": "renamed"}, headers=admin_headers).status_code == 200
    assert_error(client.patch(path, json={"status": "open"}, headers=admin_headers), 400, "VALIDATION_ERROR")
    with unit_of_work(db.session):
        _, key = service_accounts.create(db.session, "mover")
    moved = client.patch(
        path, json={"status": "annotated"}, headers=service_headers(key, admin.organization_id)
    )
    transitions = moved.json["data"]["transitions"]
    assert [(t["from_status"], t["to_status"], t["by"]) for t in transitions] == [
        ("open", "ready", admin.email),
        ("ready", "annotating", engineer.email),
        ("annotating", "annotated", None),
    ]
    assert transitions[0]["at"] <= transitions[1]["at"] <= transitions[2]["at"]
    listed = client.get("/api/data/batches", headers=admin_headers).json["data"]
    assert [b["transitions"] for b in listed if b["id"] == batch.id] == [transitions]


def test_same_status_is_a_no_op(client: FlaskClient, admin: User, admin_headers: dict[str, str]) -> None:
    batch = _batch(admin, status="annotated")
    resp = client.patch(f"/api/data/batches/{batch.id}", json={"status": "annotated"}, headers=admin_headers)
    assert resp.status_code == 200


def test_rename_and_notes(client: FlaskClient, admin: User, admin_headers: dict[str, str]) -> None:
    batch = _batch(admin)
    resp = client.patch(
        f"/api/data/batches/{batch.id}", json={"name": "monday", "notes": "foggy"}, headers=admin_headers
    )
    data = resp.get_json()["data"]
    assert (data["name"], data["notes"]) == ("monday", "foggy")
    resp = client.patch(f"/api/data/batches/{batch.id}", json={"notes": None}, headers=admin_headers)
    assert resp.get_json()["data"]["notes"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"status": "done"},
        {"project_id": "x"},
        {"image_count": 3},
        {"annotated_count": 0},
        {"device_id": 1},
        {"notes": "x" * 5001},
    ],
)
def test_update_validation(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], body: dict[str, Any]
) -> None:
    batch = _batch(admin)
    resp = client.patch(f"/api/data/batches/{batch.id}", json=body, headers=admin_headers)
    assert_error(resp, 400, "VALIDATION_ERROR")


def test_move_to_another_project_moves_its_images(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_project: Any, make_images: Any
) -> None:
    p1, p2 = make_project(admin_headers)["id"], make_project(admin_headers)["id"]
    images = make_images(admin, 2, project_id=p1)
    batch_id = images[0].batch_id
    resp = client.patch(f"/api/data/batches/{batch_id}", json={"project_id": p2}, headers=admin_headers)
    assert resp.get_json()["data"]["project_id"] == p2
    listed = client.get(f"/api/data/images?project_id={p2}", headers=admin_headers).get_json()
    assert sorted(i["id"] for i in listed["data"]) == sorted(i.id for i in images)
    # Unassigned images cannot be annotated; assigned again, they can.
    client.patch(f"/api/data/batches/{batch_id}", json={"project_id": None}, headers=admin_headers)
    resp = client.post(
        "/api/data/annotations", json={"image_id": images[0].id, "label": "cat"}, headers=admin_headers
    )
    assert_error(resp, 409, "CONFLICT")
    client.patch(f"/api/data/batches/{batch_id}", json={"project_id": p1}, headers=admin_headers)
    resp = client.post(
        "/api/data/annotations", json={"image_id": images[0].id, "label": "cat"}, headers=admin_headers
    )
    assert resp.status_code == 201


def test_annotated_batches_do_not_move(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_project: Any, make_images: Any
) -> None:
    p1, p2 = make_project(admin_headers)["id"], make_project(admin_headers)["id"]
    [image] = make_images(admin, 1, project_id=p1)
    ann = client.post(
        "/api/data/annotations", json={"image_id": image.id, "label": "cat"}, headers=admin_headers
    )
    url = f"/api/data/batches/{image.batch_id}"
    error = assert_error(client.patch(url, json={"project_id": p2}, headers=admin_headers), 409, "CONFLICT")
    assert "1 annotated" in error["details"]
    client.delete(f"/api/data/annotations/{ann.get_json()['data']['id']}", headers=admin_headers)
    assert client.patch(url, json={"project_id": p2}, headers=admin_headers).status_code == 200


def test_a_refused_change_changes_nothing(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_project: Any, make_images: Any
) -> None:
    p1, p2 = make_project(admin_headers)["id"], make_project(admin_headers)["id"]
    [image] = make_images(admin, 1, project_id=p1)
    client.post("/api/data/annotations", json={"image_id": image.id, "label": "cat"}, headers=admin_headers)
    url = f"/api/data/batches/{image.batch_id}"
    body = {"status": "ready", "name": "renamed", "project_id": p2}
    assert_error(client.patch(url, json=body, headers=admin_headers), 409, "CONFLICT")
    got = client.get(url, headers=admin_headers).get_json()["data"]
    assert (got["status"], got["name"], got["project_id"]) == ("open", image.batch.name, p1)
    body = {"status": "annotated", "project_id": p2}
    assert_error(client.patch(url, json=body, headers=admin_headers), 400, "VALIDATION_ERROR")


def test_move_targets_must_exist_be_ours_and_open(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_user: Any, make_project: Any
) -> None:
    batch = _batch(admin)
    url = f"/api/data/batches/{batch.id}"
    assert_error(client.patch(url, json={"project_id": 999999}, headers=admin_headers), 404, "NOT_FOUND")
    foreign = make_project(bearer(make_user("admin", org="Globex")))["id"]
    assert_error(client.patch(url, json={"project_id": foreign}, headers=admin_headers), 404, "NOT_FOUND")
    archived = make_project(admin_headers)["id"]
    client.patch(f"/api/data/projects/{archived}", json={"archived": True}, headers=admin_headers)
    assert_error(client.patch(url, json={"project_id": archived}, headers=admin_headers), 409, "CONFLICT")


def test_other_organizations_batches_are_404(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_user: Any
) -> None:
    batch = _batch(admin)
    stranger = bearer(make_user("admin", org="Globex"))
    assert_error(client.get(f"/api/data/batches/{batch.id}", headers=stranger), 404, "NOT_FOUND")
    resp = client.patch(f"/api/data/batches/{batch.id}", json={"name": "x"}, headers=stranger)
    assert_error(resp, 404, "NOT_FOUND")
    assert _ids(client, stranger) == []


@pytest.mark.parametrize("role", ["annotator", "viewer"])
def test_only_managers_update_batches(client: FlaskClient, admin: User, make_user: Any, role: str) -> None:
    batch = _batch(admin)
    headers = bearer(make_user(role))
    assert client.get(f"/api/data/batches/{batch.id}", headers=headers).status_code == 200
    assert _ids(client, headers) == [batch.id]
    resp = client.patch(f"/api/data/batches/{batch.id}", json={"status": "ready"}, headers=headers)
    assert_error(resp, 403, "FORBIDDEN")


def test_ml_engineers_update_batches(client: FlaskClient, admin: User, make_user: Any) -> None:
    batch = _batch(admin)
    headers = bearer(make_user("ml_engineer"))
    resp = client.patch(f"/api/data/batches/{batch.id}", json={"status": "ready"}, headers=headers)
    assert resp.status_code == 200
