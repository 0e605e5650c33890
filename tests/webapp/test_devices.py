"""Fleet management by users, and what a device key may do."""

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import bearer
from tests.helpers import assert_error
from webapp.extensions import db
from webapp.models import DeviceTag, Project


def test_list_and_get_devices(client: FlaskClient, admin_headers: dict[str, str], provision: Any) -> None:
    ids = [provision(admin_headers, f"SN-{i}")["device"]["id"] for i in range(3)]
    page = client.get("/api/devices?per_page=2&page=2", headers=admin_headers).get_json()
    assert page["meta"] == {"total": 3, "page": 2, "per_page": 2, "total_pages": 2}
    assert [d["id"] for d in page["data"]] == ids[2:]
    one = client.get(f"/api/devices/{ids[0]}", headers=admin_headers).get_json()["data"]
    assert one["serial_number"] == "SN-0"


def test_rename_move_and_disable(
    client: FlaskClient, admin: Any, admin_headers: dict[str, str], provision: Any
) -> None:
    created = provision(admin_headers)
    device_id, key = created["device"]["id"], created["api_key"]
    project = Project(organization_id=admin.organization_id, name="gate", labels=[])
    db.session.add(project)
    db.session.commit()
    resp = client.patch(
        f"/api/devices/{device_id}",
        json={"name": "gate cam", "project_id": project.id},
        headers=admin_headers,
    )
    assert resp.status_code == 200
    assert resp.get_json()["data"]["name"] == "gate cam"
    assert resp.get_json()["data"]["project_id"] == project.id
    me = client.get("/api/device/self", headers={"X-Device-Key": key}).get_json()["data"]
    assert me["project"]["name"] == "gate"

    client.patch(f"/api/devices/{device_id}", json={"disabled": True}, headers=admin_headers)
    assert_error(client.get("/api/device/self", headers={"X-Device-Key": key}), 401, "UNAUTHORIZED")
    got = client.get(f"/api/devices/{device_id}", headers=admin_headers).get_json()["data"]
    assert got["status"] == "disabled"
    client.patch(f"/api/devices/{device_id}", json={"disabled": False}, headers=admin_headers)
    assert client.get("/api/device/self", headers={"X-Device-Key": key}).status_code == 200


def test_deleted_device_key_stops_working(
    client: FlaskClient, admin_headers: dict[str, str], provision: Any
) -> None:
    created = provision(admin_headers)
    resp = client.delete(f"/api/devices/{created['device']['id']}", headers=admin_headers)
    assert resp.status_code == 204
    headers = {"X-Device-Key": created["api_key"]}
    assert_error(client.get("/api/device/self", headers=headers), 401, "UNAUTHORIZED")
    assert_error(
        client.get(f"/api/devices/{created['device']['id']}", headers=admin_headers), 404, "NOT_FOUND"
    )


@pytest.mark.parametrize(
    "body", [{"name": ""}, {"project_id": "x"}, {"disabled": "maybe"}, {"serial_number": "new"}]
)
def test_update_validation(
    client: FlaskClient, admin_headers: dict[str, str], provision: Any, body: dict[str, Any]
) -> None:
    device_id = provision(admin_headers)["device"]["id"]
    resp = client.patch(f"/api/devices/{device_id}", json=body, headers=admin_headers)
    assert_error(resp, 400, "VALIDATION_ERROR")


def test_move_to_unknown_project_is_404(
    client: FlaskClient, admin_headers: dict[str, str], provision: Any
) -> None:
    device_id = provision(admin_headers)["device"]["id"]
    resp = client.patch(f"/api/devices/{device_id}", json={"project_id": 999}, headers=admin_headers)
    assert_error(resp, 404, "NOT_FOUND")


def test_other_orgs_devices_are_invisible(
    client: FlaskClient, admin_headers: dict[str, str], provision: Any, make_user: Any
) -> None:
    theirs = provision(bearer(make_user("admin", org="Globex")), "THEIRS")["device"]["id"]
    mine = provision(admin_headers, "MINE")["device"]["id"]
    listed = client.get("/api/devices", headers=admin_headers).get_json()["data"]
    assert [d["id"] for d in listed] == [mine]
    for method in ("get", "delete"):
        resp = getattr(client, method)(f"/api/devices/{theirs}", headers=admin_headers)
        assert_error(resp, 404, "NOT_FOUND")
    resp = client.patch(f"/api/devices/{theirs}", json={"name": "pwned"}, headers=admin_headers)
    assert_error(resp, 404, "NOT_FOUND")


@pytest.mark.parametrize("role,can_write", [("ml_engineer", True), ("annotator", False), ("viewer", False)])
def test_roles(
    client: FlaskClient,
    admin_headers: dict[str, str],
    provision: Any,
    make_user: Any,
    role: str,
    can_write: bool,
) -> None:
    device_id = provision(admin_headers)["device"]["id"]
    headers = bearer(make_user(role))
    assert client.get("/api/devices", headers=headers).status_code == 200
    assert client.get(f"/api/devices/{device_id}", headers=headers).status_code == 200
    patch = client.patch(f"/api/devices/{device_id}", json={"name": "n"}, headers=headers)
    delete = client.delete(f"/api/devices/{device_id}", headers=headers)
    if can_write:
        assert patch.status_code == 200 and delete.status_code == 204
    else:
        assert_error(patch, 403, "FORBIDDEN")
        assert_error(delete, 403, "FORBIDDEN")


def test_device_filter_by_project(
    client: FlaskClient, admin: Any, admin_headers: dict[str, str], provision: Any
) -> None:
    project = Project(organization_id=admin.organization_id, name="p", labels=[])
    db.session.add(project)
    db.session.commit()
    provision(admin_headers, "A", project_id=project.id)
    provision(admin_headers, "B")
    listed = client.get(f"/api/devices?project_id={project.id}", headers=admin_headers).get_json()
    assert [d["serial_number"] for d in listed["data"]] == ["A"]


def test_tags_are_set_whole_listed_in_order_and_select_devices(
    client: FlaskClient, admin_headers: dict[str, str], provision: Any, make_user: Any
) -> None:
    ids = [provision(admin_headers, f"SN-{i}")["device"]["id"] for i in range(3)]

    def tag(device_id: int, tags: list[str]) -> Any:
        return client.patch(f"/api/devices/{device_id}", json={"tags": tags}, headers=admin_headers)

    first = tag(ids[0], ["site:north", "line-3", "site:north", "rev=B"])
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["data"]["tags"] == ["line-3", "rev=B", "site:north"]
    assert tag(ids[1], ["site:north"]).status_code == 200
    assert client.get(f"/api/devices/{ids[2]}", headers=admin_headers).get_json()["data"]["tags"] == []

    def listed(query: str) -> list[int]:
        resp = client.get(f"/api/devices?{query}", headers=admin_headers)
        assert resp.status_code == 200, resp.get_json()
        return [d["id"] for d in resp.get_json()["data"]]

    assert listed("tag=site:north") == ids[:2]
    assert listed("tag=site:north&tag=line-3") == ids[:1]
    assert listed("tag=nowhere") == []
    # Replacing keeps what stays, drops what goes; an empty list clears them.
    assert tag(ids[0], ["line-3", "new"]).get_json()["data"]["tags"] == ["line-3", "new"]
    assert listed("tag=site:north") == ids[1:2]
    assert tag(ids[0], []).get_json()["data"]["tags"] == []
    # Another organization's tags select none of ours, and ours none of theirs.
    other = bearer(make_user("admin", org="Elsewhere"))
    theirs = provision(other, "SN-X")["device"]["id"]
    assert (
        client.patch(f"/api/devices/{theirs}", json={"tags": ["site:north"]}, headers=other).status_code
        == 200
    )
    assert listed("tag=site:north") == ids[1:2]


@pytest.mark.parametrize(
    "tags",
    [["has space"], [""], ["-leading"], ["x" * 51], [f"t{i}" for i in range(21)], "site:north", [7]],
)
def test_bad_tags_are_refused_and_change_nothing(
    client: FlaskClient, admin_headers: dict[str, str], provision: Any, tags: Any
) -> None:
    device_id = provision(admin_headers)["device"]["id"]
    assert (
        client.patch(f"/api/devices/{device_id}", json={"tags": ["keep"]}, headers=admin_headers).status_code
        == 200
    )
    resp = client.patch(
        f"/api/devices/{device_id}", json={"tags": tags, "name": "renamed"}, headers=admin_headers
    )
    assert_error(resp, 400, "VALIDATION_ERROR")
    device = client.get(f"/api/devices/{device_id}", headers=admin_headers).get_json()["data"]
    assert device["tags"] == ["keep"] and device["name"] != "renamed"
    assert_error(client.get("/api/devices?tag=has%20space", headers=admin_headers), 400, "VALIDATION_ERROR")


def test_a_deleted_device_takes_its_tags(
    client: FlaskClient, admin_headers: dict[str, str], provision: Any
) -> None:
    device_id = provision(admin_headers)["device"]["id"]
    client.patch(f"/api/devices/{device_id}", json={"tags": ["a", "b"]}, headers=admin_headers)
    assert client.delete(f"/api/devices/{device_id}", headers=admin_headers).status_code == 204
    assert db.session.scalar(select(func.count()).select_from(DeviceTag)) == 0
