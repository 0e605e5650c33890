"""The organization endpoint."""

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import bearer
from tests.helpers import assert_error


def test_get_with_counts(client: FlaskClient, admin: Any, provision: Any, make_user: Any) -> None:
    make_user("viewer")
    headers = bearer(admin)
    provision(headers)
    data = client.get("/api/organization", headers=headers).get_json()["data"]
    assert data["name"] == "Acme" and data["slug"] == "acme"
    assert data["counts"] == {"users": 2, "devices": 1, "projects": 0}


def test_patch_by_admin(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    resp = client.patch("/api/organization", json={"name": "Acme Robotics"}, headers=admin_headers)
    assert resp.status_code == 200 and resp.get_json()["data"]["name"] == "Acme Robotics"


@pytest.mark.parametrize("body", [{"name": ""}, {"name": None}, {"slug": "x"}, {"name": "x" * 201}])
def test_patch_validation(client: FlaskClient, admin_headers: dict[str, str], body: Any) -> None:
    assert_error(client.patch("/api/organization", json=body, headers=admin_headers), 400, "VALIDATION_ERROR")


@pytest.mark.parametrize("role", ["ml_engineer", "annotator", "viewer"])
def test_patch_needs_admin(client: FlaskClient, make_user: Any, role: str) -> None:
    headers = bearer(make_user(role))
    assert client.get("/api/organization", headers=headers).status_code == 200
    assert_error(client.patch("/api/organization", json={"name": "x"}, headers=headers), 403, "FORBIDDEN")


def test_each_org_sees_only_itself(client: FlaskClient, admin: Any, make_user: Any) -> None:
    other = make_user("admin", org="Globex")
    assert client.get("/api/organization", headers=bearer(other)).get_json()["data"]["name"] == "Globex"
    assert client.get("/api/organization", headers=bearer(admin)).get_json()["data"]["name"] == "Acme"


@pytest.mark.parametrize(
    ("theirs", "taken"),
    [("Globex", "Globex"), ("Globex", "globex"), ("Globex", "  GLOBEX "), ("Glo bex", "Glo  bex")],
)
def test_another_tenants_name_cannot_be_taken(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any, theirs: str, taken: str
) -> None:
    """A name identifies one tenant: renaming onto another's name, in any case or spacing, is refused."""
    other = make_user("admin", org=theirs)
    resp = client.patch("/api/organization", json={"name": taken}, headers=admin_headers)
    assert_error(resp, 409, "CONFLICT")
    assert client.get("/api/organization", headers=admin_headers).get_json()["data"]["name"] == "Acme"
    assert client.get("/api/organization", headers=bearer(other)).get_json()["data"]["name"] == theirs


def test_renaming_to_own_name_in_another_case_and_trimmed(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    resp = client.patch("/api/organization", json={"name": "  ACME  Robotics "}, headers=admin_headers)
    assert resp.status_code == 200 and resp.get_json()["data"]["name"] == "ACME Robotics"
    again = client.patch("/api/organization", json={"name": "acme robotics"}, headers=admin_headers)
    assert again.status_code == 200 and again.get_json()["data"]["name"] == "acme robotics"
    blank = client.patch("/api/organization", json={"name": "   "}, headers=admin_headers)
    assert_error(blank, 400, "VALIDATION_ERROR")
