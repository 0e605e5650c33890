"""Provisioning tokens and device provisioning."""

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import bearer
from tests.helpers import assert_error
from webapp.extensions import db
from webapp.models import Device, Project, ProvisioningToken, utcnow
from webapp.security import hash_secret


def create_token(client: FlaskClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    resp = client.post("/api/provisioning-tokens", json={"name": "lab", **body}, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["data"]


def provision(client: FlaskClient, token: str, serial: str = "SN-1") -> Any:
    return client.post(
        "/api/devices/provision",
        json={"token": token, "serial_number": serial, "name": "cam", "model": "pi-cam-3"},
    )


def test_secret_shown_once_and_stored_only_hashed(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    created = create_token(client, admin_headers, max_uses=3, expires_in_hours=2)
    secret = created["token"]
    assert secret.startswith("apt_") and len(secret) > 40
    assert created["status"] == "active" and created["max_uses"] == 3 and created["use_count"] == 0
    listed = client.get("/api/provisioning-tokens", headers=admin_headers).get_json()
    assert listed["meta"] == {"total": 1, "page": 1, "per_page": 20, "total_pages": 1}
    assert "token" not in listed["data"][0]
    assert secret not in str(listed)
    row = db.session.get(ProvisioningToken, created["id"])
    assert row.token_hash == hash_secret(secret) and secret not in (row.token_prefix, row.token_hash)


def test_provision_device_then_read_self(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    token = create_token(client, admin_headers)["token"]
    resp = provision(client, token)
    assert resp.status_code == 201
    data = resp.get_json()["data"]
    key = data["api_key"]
    assert key.startswith("adk_")
    assert data["device"]["serial_number"] == "SN-1" and data["device"]["model"] == "pi-cam-3"
    me = client.get("/api/device/self", headers={"X-Device-Key": key}).get_json()["data"]
    assert me["id"] == data["device"]["id"] and me["status"] == "never_seen"
    device = db.session.get(Device, me["id"])
    assert device.key_hash == hash_secret(key) and key not in device.key_prefix + device.key_hash


def test_used_up_token_cannot_provision(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    token = create_token(client, admin_headers)["token"]
    assert provision(client, token, "A").status_code == 201
    error = assert_error(provision(client, token, "B"), 401, "UNAUTHORIZED")
    assert "used up" in error["details"]


def test_multi_use_token(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    token = create_token(client, admin_headers, max_uses=2)["token"]
    assert provision(client, token, "A").status_code == 201
    assert provision(client, token, "B").status_code == 201
    assert_error(provision(client, token, "C"), 401, "UNAUTHORIZED")


def test_revoked_token_cannot_provision(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    created = create_token(client, admin_headers)
    resp = client.delete(f"/api/provisioning-tokens/{created['id']}", headers=admin_headers)
    assert resp.status_code == 200 and resp.get_json()["data"]["status"] == "revoked"
    assert_error(provision(client, created["token"]), 401, "UNAUTHORIZED")


def test_expired_token_cannot_provision(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    created = create_token(client, admin_headers)
    db.session.get(ProvisioningToken, created["id"]).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    error = assert_error(provision(client, created["token"]), 401, "UNAUTHORIZED")
    assert "expired" in error["details"]


@pytest.mark.parametrize("token", ["apt_nonsense", "", "adk_whatever", "x" * 200])
def test_bad_tokens(client: FlaskClient, admin_headers: dict[str, str], token: str) -> None:
    create_token(client, admin_headers)
    status = 400 if token == "" else 401
    assert provision(client, token).status_code == status


def test_token_with_right_prefix_but_wrong_secret(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    secret = create_token(client, admin_headers)["token"]
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    assert_error(provision(client, forged), 401, "UNAUTHORIZED")
    assert provision(client, secret).status_code == 201


def test_duplicate_serial_is_409_and_spends_nothing(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    assert provision(client, create_token(client, admin_headers)["token"], "SN-9").status_code == 201
    second = create_token(client, admin_headers)
    assert_error(provision(client, second["token"], "SN-9"), 409, "CONFLICT")
    assert db.session.get(ProvisioningToken, second["id"]).use_count == 0
    assert provision(client, second["token"], "SN-10").status_code == 201


def test_same_serial_in_another_org_is_fine(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any
) -> None:
    other = bearer(make_user("admin", org="Globex"))
    assert provision(client, create_token(client, admin_headers)["token"], "SN-1").status_code == 201
    assert provision(client, create_token(client, other)["token"], "SN-1").status_code == 201


def test_token_project_is_given_to_devices(
    client: FlaskClient, admin_headers: dict[str, str], admin: Any
) -> None:
    project = Project(organization_id=admin.organization_id, name="yard", labels=["cat"])
    db.session.add(project)
    db.session.commit()
    token = create_token(client, admin_headers, project_id=project.id)["token"]
    key = provision(client, token).get_json()["data"]["api_key"]
    me = client.get("/api/device/self", headers={"X-Device-Key": key}).get_json()["data"]
    assert me["project_id"] == project.id and me["project"]["name"] == "yard"


def test_token_for_another_orgs_project_is_404(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any
) -> None:
    other = make_user("admin", org="Globex")
    project = Project(organization_id=other.organization_id, name="theirs", labels=[])
    db.session.add(project)
    db.session.commit()
    resp = client.post(
        "/api/provisioning-tokens", json={"name": "x", "project_id": project.id}, headers=admin_headers
    )
    assert_error(resp, 404, "NOT_FOUND")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "x" * 201},
        {"name": "x", "max_uses": 0},
        {"name": "x", "max_uses": "many"},
        {"name": "x", "expires_in_hours": -1},
        {"name": 5},
    ],
)
def test_create_token_validation(
    client: FlaskClient, admin_headers: dict[str, str], body: dict[str, Any]
) -> None:
    resp = client.post("/api/provisioning-tokens", json=body, headers=admin_headers)
    assert_error(resp, 400, "VALIDATION_ERROR")
    assert db.session.scalar(select(ProvisioningToken.id)) is None


@pytest.mark.parametrize("role", ["ml_engineer", "annotator", "viewer"])
def test_only_admins_manage_tokens(client: FlaskClient, make_user: Any, role: str) -> None:
    headers = bearer(make_user(role))
    assert_error(client.get("/api/provisioning-tokens", headers=headers), 403, "FORBIDDEN")
    assert_error(
        client.post("/api/provisioning-tokens", json={"name": "x"}, headers=headers), 403, "FORBIDDEN"
    )
    assert_error(client.delete("/api/provisioning-tokens/1", headers=headers), 403, "FORBIDDEN")


def test_another_orgs_token_cannot_be_revoked(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any
) -> None:
    theirs = create_token(client, bearer(make_user("admin", org="Globex")))
    resp = client.delete(f"/api/provisioning-tokens/{theirs['id']}", headers=admin_headers)
    assert_error(resp, 404, "NOT_FOUND")
    assert provision(client, theirs["token"]).status_code == 201
