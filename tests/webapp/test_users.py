"""Admins manage people: users, invitations and email-domain rules; the last admin stays."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from acusight.cli import main
from tests.conftest import bearer
from tests.helpers import assert_error
from webapp.auth import issue_tokens
from webapp.extensions import db
from webapp.models import Invitation, User
from webapp.services import accounts

# --- who may call ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["ml_engineer", "annotator", "viewer"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/users"),
        ("get", "/api/users/1"),
        ("patch", "/api/users/1"),
        ("delete", "/api/users/1"),
        ("get", "/api/users/invitations"),
        ("post", "/api/users/invitations"),
        ("delete", "/api/users/invitations/1"),
        ("get", "/api/users/domain-rules"),
        ("delete", "/api/users/domain-rules/1"),
    ],
)
def test_only_admins_manage_people(
    client: FlaskClient, make_user: Any, role: str, method: str, path: str
) -> None:
    resp = getattr(client, method)(path, json={}, headers=bearer(make_user(role)))
    assert_error(resp, 403, "FORBIDDEN")
    assert_error(getattr(client, method)(path, json={}), 401, "UNAUTHORIZED")


# --- listing and reading -----------------------------------------------------------------------


def test_list_users_of_own_organization_with_filters(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any
) -> None:
    viewer = make_user("viewer")
    make_user("annotator")
    make_user("admin", org="Other")
    resp = client.get("/api/users?per_page=2", headers=admin_headers)
    body = resp.get_json()
    assert resp.status_code == 200
    assert body["meta"] == {"total": 3, "page": 1, "per_page": 2, "total_pages": 2}
    assert {u["email"] for u in body["data"]} <= {u.email for u in db.session.query(User)}
    viewers = client.get("/api/users?role=viewer", headers=admin_headers).get_json()["data"]
    assert [u["id"] for u in viewers] == [viewer.id]
    assert set(viewers[0]) == {
        "id",
        "email",
        "name",
        "role",
        "disabled",
        "oidc_issuer",
        "last_login_at",
        "created_at",
        "updated_at",
    }
    assert client.get("/api/users?disabled=true", headers=admin_headers).get_json()["meta"]["total"] == 0
    assert_error(client.get("/api/users?role=root", headers=admin_headers), 400, "VALIDATION_ERROR")


def test_other_organizations_users_are_404(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any
) -> None:
    stranger = make_user("viewer", org="Other")
    for method in ("get", "patch", "delete"):
        resp = getattr(client, method)(f"/api/users/{stranger.id}", json={}, headers=admin_headers)
        assert_error(resp, 404, "NOT_FOUND")
    assert db.session.get(User, stranger.id) is not None


# --- changing people ---------------------------------------------------------------------------


def test_patch_role_name_and_disable(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any
) -> None:
    viewer = make_user("viewer")
    resp = client.patch(
        f"/api/users/{viewer.id}", json={"role": "ml_engineer", "name": "Vera"}, headers=admin_headers
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["data"]["role"] == "ml_engineer" and resp.get_json()["data"]["name"] == "Vera"
    # The new role takes effect on the very next request: it is not baked into the token.
    headers = bearer(viewer)
    assert client.get("/api/devices", headers=headers).status_code == 200
    assert (
        client.patch(f"/api/users/{viewer.id}", json={"disabled": True}, headers=admin_headers).status_code
        == 200
    )
    assert_error(client.get("/api/auth/me", headers=headers), 401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    "body",
    [{"role": "root"}, {"disabled": "maybe"}, {"email": "new@acme.test"}, {"name": ""}],
    ids=["bad-role", "bad-flag", "email-is-not-editable", "empty-name"],
)
def test_patch_validation(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any, body: dict[str, Any]
) -> None:
    viewer = make_user("viewer")
    assert_error(
        client.patch(f"/api/users/{viewer.id}", json=body, headers=admin_headers), 400, "VALIDATION_ERROR"
    )


@pytest.mark.parametrize(
    "change", [{"role": "viewer"}, {"disabled": True}, {"role": "ml_engineer", "disabled": False}]
)
def test_last_admin_cannot_demote_or_disable_themself(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], change: dict[str, Any]
) -> None:
    error = assert_error(
        client.patch(f"/api/users/{admin.id}", json=change, headers=admin_headers), 409, "CONFLICT"
    )
    assert error["message"] == "An organization needs at least one enabled admin"
    db.session.refresh(admin)
    assert admin.role == "admin" and not admin.disabled


def test_last_admin_cannot_remove_themself(
    client: FlaskClient, admin: User, admin_headers: dict[str, str]
) -> None:
    assert_error(client.delete(f"/api/users/{admin.id}", headers=admin_headers), 409, "CONFLICT")
    assert db.session.get(User, admin.id) is not None


def test_a_disabled_admin_does_not_count(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_user: Any
) -> None:
    other = make_user("admin")
    other.disabled = True
    db.session.commit()
    assert_error(
        client.patch(f"/api/users/{admin.id}", json={"role": "viewer"}, headers=admin_headers),
        409,
        "CONFLICT",
    )


def test_with_another_admin_an_admin_may_step_down(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_user: Any
) -> None:
    other = make_user("admin")
    resp = client.patch(f"/api/users/{admin.id}", json={"role": "viewer"}, headers=admin_headers)
    assert resp.status_code == 200
    # Now ``other`` is the last one, and the stepped-down user is no longer allowed to manage people.
    assert_error(client.get("/api/users", headers=admin_headers), 403, "FORBIDDEN")
    resp = client.delete(f"/api/users/{other.id}", headers=bearer(other))
    assert_error(resp, 409, "CONFLICT")


def test_delete_user_and_their_tokens_stop_working(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any
) -> None:
    viewer = make_user("viewer")
    tokens = issue_tokens(viewer)
    assert client.delete(f"/api/users/{viewer.id}", headers=admin_headers).status_code == 204
    assert db.session.get(User, viewer.id) is None
    assert_error(
        client.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}),
        401,
        "UNAUTHORIZED",
    )
    resp = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {tokens['refresh_token']}"})
    assert_error(resp, 401, "UNAUTHORIZED")
    assert_error(client.delete(f"/api/users/{viewer.id}", headers=admin_headers), 404, "NOT_FOUND")


def test_deleting_a_user_keeps_their_invitations_and_revocations_consistent(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_user: Any
) -> None:
    second = make_user("admin")
    accounts.invite(db.session, second.organization_id, "x@acme.test", "viewer", second, 7)
    tokens = issue_tokens(second)
    client.post("/api/auth/logout", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert client.delete(f"/api/users/{second.id}", headers=admin_headers).status_code == 204
    invitation = db.session.query(Invitation).one()
    assert invitation.invited_by_id is None


# --- invitations -------------------------------------------------------------------------------


def test_invite_list_and_revoke(client: FlaskClient, admin: User, admin_headers: dict[str, str]) -> None:
    resp = client.post(
        "/api/users/invitations",
        json={"email": "New.Person@Acme.TEST", "role": "annotator"},
        headers=admin_headers,
    )
    assert resp.status_code == 201, resp.get_json()
    invitation = resp.get_json()["data"]
    assert invitation["email"] == "new.person@acme.test" and invitation["status"] == "pending"
    assert invitation["invited_by_id"] == admin.id and invitation["user_id"] is None
    listed = client.get("/api/users/invitations", headers=admin_headers).get_json()
    assert [i["id"] for i in listed["data"]] == [invitation["id"]] and listed["meta"]["total"] == 1
    assert (
        client.get("/api/users/invitations?status=accepted", headers=admin_headers).get_json()["data"] == []
    )
    assert (
        client.delete(f"/api/users/invitations/{invitation['id']}", headers=admin_headers).status_code == 204
    )
    assert_error(
        client.delete(f"/api/users/invitations/{invitation['id']}", headers=admin_headers), 404, "NOT_FOUND"
    )
    assert client.get("/api/users/invitations", headers=admin_headers).get_json()["data"] == []


def test_invitation_lifetime(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    body = {"email": "a@acme.test", "role": "viewer", "expires_in_days": 2}
    data = client.post("/api/users/invitations", json=body, headers=admin_headers).get_json()["data"]
    default = client.post(
        "/api/users/invitations", json={"email": "b@acme.test", "role": "viewer"}, headers=admin_headers
    ).get_json()["data"]
    assert data["expires_at"] < default["expires_at"]
    for days in (0, 91):
        resp = client.post(
            "/api/users/invitations",
            json={**body, "email": "c@acme.test", "expires_in_days": days},
            headers=admin_headers,
        )
        assert_error(resp, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-email", "role": "viewer"},
        {"email": "a@acme.test", "role": "root"},
        {"email": "a@acme.test"},
        {"role": "viewer"},
        {"email": "a@acme.test", "role": "viewer", "organization_id": 2},
    ],
    ids=["bad-email", "bad-role", "no-role", "no-email", "unknown-field"],
)
def test_invitation_validation(
    client: FlaskClient, admin_headers: dict[str, str], body: dict[str, Any]
) -> None:
    assert_error(
        client.post("/api/users/invitations", json=body, headers=admin_headers), 400, "VALIDATION_ERROR"
    )


def test_invitation_conflicts(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_user: Any
) -> None:
    body = {"email": "dup@acme.test", "role": "viewer"}
    assert client.post("/api/users/invitations", json=body, headers=admin_headers).status_code == 201
    error = assert_error(
        client.post("/api/users/invitations", json=body, headers=admin_headers), 409, "CONFLICT"
    )
    assert "pending invitation" in error["message"]
    # A member of the organization is not invited into it again.
    resp = client.post(
        "/api/users/invitations", json={"email": admin.email, "role": "viewer"}, headers=admin_headers
    )
    assert "already in your organization" in assert_error(resp, 409, "CONFLICT")["message"]


def test_invitations_tell_nothing_of_other_organizations(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_user: Any
) -> None:
    """Another organization's member, another organization's pending invitation and a stranger are
    invited alike: an admin cannot probe who is where."""
    other_admin = make_user("admin", org="Other")
    other = bearer(other_admin)
    first = {"email": "dup@acme.test", "role": "viewer"}
    assert client.post("/api/users/invitations", json=first, headers=admin_headers).status_code == 201
    answers = {}
    for email in ("dup@acme.test", admin.email, "stranger@acme.test"):
        resp = client.post("/api/users/invitations", json={"email": email, "role": "viewer"}, headers=other)
        data = resp.get_json()["data"]
        answers[email] = (resp.status_code, tuple(sorted(data)), data["status"])
    assert len(set(answers.values())) == 1 and answers[admin.email][0] == 201, answers
    # The member stays where they are: one person, one account.
    db.session.refresh(admin)
    assert admin.organization.name == "Acme"


def test_expired_invitation_can_be_renewed(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    body = {"email": "late@acme.test", "role": "viewer"}
    first = client.post("/api/users/invitations", json=body, headers=admin_headers).get_json()["data"]
    invitation = db.session.get(Invitation, first["id"])
    invitation.expires_at -= timedelta(days=30)
    db.session.commit()
    expired = client.get("/api/users/invitations?status=expired", headers=admin_headers).get_json()["data"]
    assert [i["id"] for i in expired] == [first["id"]] and expired[0]["status"] == "expired"
    assert client.post("/api/users/invitations", json=body, headers=admin_headers).status_code == 201
    pending = client.get("/api/users/invitations?status=pending", headers=admin_headers).get_json()["data"]
    assert len(pending) == 1 and pending[0]["id"] != first["id"]
    assert_error(
        client.get("/api/users/invitations?status=weird", headers=admin_headers), 400, "VALIDATION_ERROR"
    )


def test_other_organizations_invitations_are_invisible(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any
) -> None:
    other_admin = make_user("admin", org="Other")
    theirs = accounts.invite(
        db.session, other_admin.organization_id, "o@other.test", "viewer", other_admin, 7
    )
    assert client.get("/api/users/invitations", headers=admin_headers).get_json()["data"] == []
    assert_error(
        client.delete(f"/api/users/invitations/{theirs.id}", headers=admin_headers), 404, "NOT_FOUND"
    )


# --- email-domain rules ------------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACUSIGHT_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("ACUSIGHT_DATABASE_URL", database_url)


def test_domain_rules_by_cli_then_seen_and_removed_by_admins(
    cli_env: None, client: FlaskClient, admin_headers: dict[str, str], make_user: Any
) -> None:
    runner = CliRunner()
    added = runner.invoke(
        main, ["users", "domain", "add", "@Acme.TEST", "--org", "Acme", "--role", "annotator"]
    )
    assert added.exit_code == 0, added.output
    assert "acme.test" in added.output
    assert runner.invoke(main, ["orgs", "create", "Other"]).exit_code == 0
    again = runner.invoke(main, ["users", "domain", "add", "acme.test", "--org", "Other"])
    assert again.exit_code == 1 and "already exists" in again.output
    assert runner.invoke(main, ["users", "domain", "add", "other.test", "--org", "Other"]).exit_code == 0
    listed = runner.invoke(main, ["users", "domain", "list"])
    assert listed.output.splitlines() == ["acme.test\tAcme\tannotator", "other.test\tOther\tviewer"]

    rules = client.get("/api/users/domain-rules", headers=admin_headers).get_json()["data"]
    assert [(r["domain"], r["role"]) for r in rules] == [("acme.test", "annotator")]
    others = accounts.list_domain_rules(db.session)
    other_id = next(rule.id for rule, org in others if org == "Other")
    assert_error(
        client.delete(f"/api/users/domain-rules/{other_id}", headers=admin_headers), 404, "NOT_FOUND"
    )
    assert (
        client.delete(f"/api/users/domain-rules/{rules[0]['id']}", headers=admin_headers).status_code == 204
    )
    assert client.get("/api/users/domain-rules", headers=admin_headers).get_json()["data"] == []

    removed = runner.invoke(main, ["users", "domain", "remove", "other.test"])
    assert removed.exit_code == 0 and runner.invoke(main, ["users", "domain", "list"]).output == ""
    missing = runner.invoke(main, ["users", "domain", "remove", "other.test"])
    assert missing.exit_code == 1 and "No rule" in missing.output


@pytest.mark.parametrize("domain", ["localhost", "bad domain.test", "a..b", ""])
def test_domain_rule_validation(cli_env: None, app: Any, make_user: Any, domain: str) -> None:
    make_user("admin", org="Acme")
    result = CliRunner().invoke(main, ["users", "domain", "add", domain, "--org", "Acme"])
    assert result.exit_code == 1 and "Invalid email domain" in result.output


def test_domain_rule_role_is_checked(cli_env: None, app: Any) -> None:
    result = CliRunner().invoke(
        main, ["users", "domain", "add", "acme.test", "--org", "Acme", "--role", "root"]
    )
    assert result.exit_code == 2
