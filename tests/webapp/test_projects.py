"""Projects: names, task types, labels that annotations pin, deletion, tenants and roles."""

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import bearer
from tests.helpers import assert_error


def _annotate(client: FlaskClient, headers: dict[str, str], image_id: int, **body: Any) -> dict[str, Any]:
    resp = client.post("/api/data/annotations", json={"image_id": image_id, **body}, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["data"]


def test_create_list_and_get(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    body = {"name": "gate", "description": "the gate", "task_type": "detection", "labels": ["car", "person"]}
    resp = client.post("/api/data/projects", json=body, headers=admin_headers)
    assert resp.status_code == 201
    project = resp.get_json()["data"]
    assert {k: project[k] for k in body} == body
    assert project["archived"] is False
    assert project["image_count"] == 0 and project["annotated_count"] == 0
    got = client.get(f"/api/data/projects/{project['id']}", headers=admin_headers).get_json()["data"]
    assert got == project
    client.post("/api/data/projects", json={"name": "apples"}, headers=admin_headers)
    listed = client.get("/api/data/projects", headers=admin_headers).get_json()
    assert [p["name"] for p in listed["data"]] == ["apples", "gate"]
    assert listed["meta"]["total"] == 2
    default = listed["data"][0]
    assert default["task_type"] == "classification" and default["labels"] == []


def test_list_filters(client: FlaskClient, admin_headers: dict[str, str], make_project: Any) -> None:
    a = make_project(admin_headers, name="a")
    make_project(admin_headers, name="b", task_type="detection")
    client.patch(f"/api/data/projects/{a['id']}", json={"archived": True}, headers=admin_headers)

    def names(query: str) -> list[str]:
        return [
            p["name"] for p in client.get(f"/api/data/projects?{query}", headers=admin_headers).json["data"]
        ]

    assert names("archived=true") == ["a"]
    assert names("archived=false") == ["b"]
    assert names("task_type=detection") == ["b"]
    assert names("task_type=classification") == ["a"]
    assert_error(
        client.get("/api/data/projects?task_type=segmentation", headers=admin_headers),
        400,
        "VALIDATION_ERROR",
    )


def test_name_is_unique_in_the_organization(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any, make_project: Any
) -> None:
    make_project(admin_headers, name="gate")
    assert_error(
        client.post("/api/data/projects", json={"name": "gate"}, headers=admin_headers), 409, "CONFLICT"
    )
    other = make_project(admin_headers, name="yard")
    resp = client.patch(f"/api/data/projects/{other['id']}", json={"name": "gate"}, headers=admin_headers)
    assert_error(resp, 409, "CONFLICT")
    # Renaming to its own name is no clash.
    resp = client.patch(f"/api/data/projects/{other['id']}", json={"name": "yard"}, headers=admin_headers)
    assert resp.status_code == 200
    elsewhere = bearer(make_user("admin", org="Globex"))
    assert client.post("/api/data/projects", json={"name": "gate"}, headers=elsewhere).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "x" * 201},
        {"name": "p", "task_type": "segmentation"},
        {"name": "p", "labels": "cat"},
        {"name": "p", "labels": ["cat", "cat"]},
        {"name": "p", "labels": [""]},
        {"name": "p", "labels": [" cat"]},
        {"name": "p", "labels": ["line\nbreak"]},
        {"name": "p", "labels": ["x" * 201]},
        {"name": "p", "labels": [f"c{i}" for i in range(1001)]},
        {"name": "p", "deployed_export_id": 3},
    ],
    ids=[
        "no-name",
        "empty-name",
        "long-name",
        "task-type",
        "labels-not-list",
        "duplicate-labels",
        "empty-label",
        "padded-label",
        "control-char",
        "long-label",
        "too-many-labels",
        "unknown-field",
    ],
)
def test_create_validation(client: FlaskClient, admin_headers: dict[str, str], body: dict[str, Any]) -> None:
    assert_error(client.post("/api/data/projects", json=body, headers=admin_headers), 400, "VALIDATION_ERROR")


def test_labels_can_be_added_and_reordered(
    client: FlaskClient, admin: Any, admin_headers: dict[str, str], make_project: Any, make_images: Any
) -> None:
    project = make_project(admin_headers, labels=["cat", "dog"])
    [image] = make_images(admin, 1, project_id=project["id"])
    _annotate(client, admin_headers, image.id, label="cat")
    resp = client.patch(
        f"/api/data/projects/{project['id']}", json={"labels": ["dog", "bird", "cat"]}, headers=admin_headers
    )
    assert resp.status_code == 200
    assert resp.get_json()["data"]["labels"] == ["dog", "bird", "cat"]


def test_removing_a_used_label_is_a_conflict(
    client: FlaskClient, admin: Any, admin_headers: dict[str, str], make_project: Any, make_images: Any
) -> None:
    project = make_project(admin_headers, labels=["cat", "dog", "bird"])
    url = f"/api/data/projects/{project['id']}"
    [image] = make_images(admin, 1, project_id=project["id"])
    old = _annotate(client, admin_headers, image.id, label="cat")
    _annotate(client, admin_headers, image.id, label="dog")
    # Unused: fine.
    assert client.patch(url, json={"labels": ["cat", "dog"]}, headers=admin_headers).status_code == 200
    # "cat" is only in the history now, but annotations still use it.
    error = assert_error(client.patch(url, json={"labels": ["dog"]}, headers=admin_headers), 409, "CONFLICT")
    assert "'cat' (1 annotations)" in error["details"]
    assert client.get(url, headers=admin_headers).get_json()["data"]["labels"] == ["cat", "dog"]
    client.delete(f"/api/data/annotations/{old['id']}", headers=admin_headers)
    assert client.patch(url, json={"labels": ["dog"]}, headers=admin_headers).status_code == 200


def test_removing_a_label_used_by_a_box_is_a_conflict(
    client: FlaskClient, admin: Any, admin_headers: dict[str, str], make_project: Any, make_images: Any
) -> None:
    project = make_project(admin_headers, task_type="detection", labels=["car", "person", "bike"])
    [image] = make_images(admin, 1, project_id=project["id"])
    box = {"x": 0.1, "y": 0.1, "width": 0.2, "height": 0.2}
    _annotate(client, admin_headers, image.id, boxes=[{"label": "car", **box}, {"label": "person", **box}])
    url = f"/api/data/projects/{project['id']}"
    error = assert_error(client.patch(url, json={"labels": ["car"]}, headers=admin_headers), 409, "CONFLICT")
    assert "person" in error["details"] and "car" not in error["details"]
    assert client.patch(url, json={"labels": ["car", "person"]}, headers=admin_headers).status_code == 200


def test_task_type_changes_only_before_annotations(
    client: FlaskClient, admin: Any, admin_headers: dict[str, str], make_project: Any, make_images: Any
) -> None:
    project = make_project(admin_headers)
    url = f"/api/data/projects/{project['id']}"
    resp = client.patch(url, json={"task_type": "detection"}, headers=admin_headers)
    assert resp.get_json()["data"]["task_type"] == "detection"
    client.patch(url, json={"task_type": "classification"}, headers=admin_headers)
    [image] = make_images(admin, 1, project_id=project["id"])
    _annotate(client, admin_headers, image.id, label="cat")
    assert_error(client.patch(url, json={"task_type": "detection"}, headers=admin_headers), 409, "CONFLICT")


def test_counts_come_from_the_batches(
    client: FlaskClient, admin: Any, admin_headers: dict[str, str], make_project: Any, make_images: Any
) -> None:
    project = make_project(admin_headers)
    images = make_images(admin, 3, project_id=project["id"])
    make_images(admin, 2, project_id=project["id"])
    _annotate(client, admin_headers, images[0].id, label="cat")
    _annotate(client, admin_headers, images[0].id, label="dog")
    _annotate(client, admin_headers, images[1].id, label="dog")
    got = client.get(f"/api/data/projects/{project['id']}", headers=admin_headers).get_json()["data"]
    assert (got["image_count"], got["annotated_count"]) == (5, 2)


def test_delete_empty_project(client: FlaskClient, admin_headers: dict[str, str], make_project: Any) -> None:
    project = make_project(admin_headers)
    assert client.delete(f"/api/data/projects/{project['id']}", headers=admin_headers).status_code == 204
    assert_error(client.get(f"/api/data/projects/{project['id']}", headers=admin_headers), 404, "NOT_FOUND")


def test_delete_project_with_images_needs_archiving(
    client: FlaskClient, admin: Any, admin_headers: dict[str, str], make_project: Any, make_images: Any
) -> None:
    project = make_project(admin_headers)
    url = f"/api/data/projects/{project['id']}"
    images = make_images(admin, 2, project_id=project["id"])
    annotation = _annotate(client, admin_headers, images[0].id, label="cat")
    assert_error(client.delete(url, headers=admin_headers), 409, "CONFLICT")
    client.patch(url, json={"archived": True}, headers=admin_headers)
    assert client.delete(url, headers=admin_headers).status_code == 204
    # Images and batches stay, unassigned; the project's annotations are gone with it.
    got = client.get(f"/api/data/images/{images[0].id}", headers=admin_headers).get_json()["data"]
    assert got["project_id"] is None
    assert (got["labeled"], got["label"], got["annotation"]) == (False, None, None)
    batch = client.get(f"/api/data/batches/{got['batch_id']}", headers=admin_headers).get_json()["data"]
    assert (batch["project_id"], batch["image_count"], batch["annotated_count"]) == (None, 2, 0)
    resp = client.get(f"/api/data/annotations/{annotation['id']}", headers=admin_headers)
    assert_error(resp, 404, "NOT_FOUND")


def test_other_organizations_projects_are_404(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any, make_project: Any
) -> None:
    project = make_project(admin_headers)
    url = f"/api/data/projects/{project['id']}"
    stranger = bearer(make_user("admin", org="Globex"))
    assert_error(client.get(url, headers=stranger), 404, "NOT_FOUND")
    assert_error(client.patch(url, json={"name": "mine"}, headers=stranger), 404, "NOT_FOUND")
    assert_error(client.delete(url, headers=stranger), 404, "NOT_FOUND")
    assert client.get("/api/data/projects", headers=stranger).get_json()["meta"]["total"] == 0
    assert_error(client.get("/api/data/projects/999999", headers=stranger), 404, "NOT_FOUND")


@pytest.mark.parametrize("role", ["annotator", "viewer"])
def test_only_managers_manage_projects(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any, make_project: Any, role: str
) -> None:
    project = make_project(admin_headers)
    url = f"/api/data/projects/{project['id']}"
    headers = bearer(make_user(role))
    assert client.get(url, headers=headers).status_code == 200
    assert client.get("/api/data/projects", headers=headers).status_code == 200
    assert_error(client.post("/api/data/projects", json={"name": "x"}, headers=headers), 403, "FORBIDDEN")
    assert_error(client.patch(url, json={"name": "x"}, headers=headers), 403, "FORBIDDEN")
    assert_error(client.delete(url, headers=headers), 403, "FORBIDDEN")


def test_ml_engineers_manage_projects(client: FlaskClient, make_user: Any) -> None:
    headers = bearer(make_user("ml_engineer"))
    project = client.post("/api/data/projects", json={"name": "x"}, headers=headers).get_json()["data"]
    resp = client.patch(f"/api/data/projects/{project['id']}", json={"labels": ["a"]}, headers=headers)
    assert resp.status_code == 200
    assert client.delete(f"/api/data/projects/{project['id']}", headers=headers).status_code == 204


def test_anonymous_is_401(client: FlaskClient) -> None:
    assert_error(client.get("/api/data/projects"), 401, "UNAUTHORIZED")
    assert_error(client.post("/api/data/projects", json={"name": "x"}), 401, "UNAUTHORIZED")


def test_unknown_project_update_fields_are_rejected(
    client: FlaskClient, admin_headers: dict[str, str], make_project: Any
) -> None:
    project = make_project(admin_headers)
    for body in ({"organization_id": 2}, {"image_count": 5}, {"archived": "maybe"}, {"labels": ["a", "a"]}):
        resp = client.patch(f"/api/data/projects/{project['id']}", json=body, headers=admin_headers)
        assert_error(resp, 400, "VALIDATION_ERROR")
