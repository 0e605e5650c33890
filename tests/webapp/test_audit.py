"""The audit log: who changed what, when and from where, for people, services and devices; append-only."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from tests.conftest import bearer
from tests.helpers import assert_error, make_image, post_image
from webapp import create_app
from webapp.errors import Conflict
from webapp.extensions import db
from webapp.integrations.audit.capture import REDACTED, is_secret
from webapp.models import AuditEvent, Base, Image, User
from webapp.models.audit import AuditLogIsAppendOnly
from webapp.services import login_links, projects, service_accounts
from webapp.unit_of_work import unit_of_work

EVENTS = "/api/audit-events"
CHECKIN = "/api/device/checkin"


def events(client: FlaskClient, headers: dict[str, str], **query: Any) -> list[dict[str, Any]]:
    resp = client.get(EVENTS, headers=headers, query_string={"per_page": 100, **query})
    assert resp.status_code == 200, resp.get_json()
    return list(resp.get_json()["data"])


def of(found: list[dict[str, Any]], resource_type: str, action: str | None = None) -> list[dict[str, Any]]:
    return [e for e in found if e["resource_type"] == resource_type and action in (None, e["action"])]


def count() -> int:
    """Every event stored; the session's transaction ends after (a TRUNCATE would wait for it)."""
    db.session.rollback()
    found = db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    db.session.rollback()
    return found


@pytest.fixture
def project(client: FlaskClient, admin_headers: dict[str, str]) -> dict[str, Any]:
    body = {"name": "pets", "task_type": "classification", "labels": ["cat", "dog"]}
    resp = client.post("/api/data/projects", json=body, headers=admin_headers)
    assert resp.status_code == 201, resp.get_json()
    return dict(resp.get_json()["data"])


# --- who, what, from where ------------------------------------------------------------------------------


def test_a_persons_change_records_who_where_and_before_after(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], project: dict[str, Any]
) -> None:
    path = f"/api/data/projects/{project['id']}"
    away = {"REMOTE_ADDR": "198.51.100.7"}
    resp = client.patch(path, json={"name": "pets v2"}, headers=admin_headers, environ_base=away)
    assert resp.status_code == 200, resp.get_json()

    (renamed,) = of(events(client, admin_headers, action="update"), "projects")
    assert renamed["changes"] == {"name": ["pets", "pets v2"]}  # updated_at is no news
    assert (renamed["actor_type"], renamed["actor_id"], renamed["actor_display"]) == (
        "user",
        admin.id,
        admin.email,
    )
    assert (renamed["method"], renamed["path"], renamed["remote_addr"]) == ("PATCH", path, "198.51.100.7")
    assert renamed["resource_id"] == str(project["id"]) and renamed["resource_display"] == "pets v2"
    assert renamed["organization_id"] == admin.organization_id and len(renamed["request_id"]) == 32
    (created,) = of(events(client, admin_headers, action="create"), "projects")
    assert created["changes"]["name"] == [None, "pets"]
    assert created["changes"]["labels"] == [None, ["cat", "dog"]]
    assert "created_at" in created["changes"] and "id" not in created["changes"]
    assert client.get(f"{EVENTS}/{renamed['id']}", headers=admin_headers).get_json()["data"] == renamed


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(
    database_url: str, data_dir: Any, admin: User, admin_headers: dict[str, str]
) -> None:
    for hops, expected in ((0, "10.0.0.2"), (1, "203.0.113.9")):
        app = create_app({"data_dir": data_dir, "database_url": database_url, "proxy_hops": hops})
        headers = {**admin_headers, "X-Forwarded-For": "203.0.113.9"}
        body = {"name": f"p{hops}", "task_type": "classification", "labels": ["a"]}
        with app.test_client() as other:
            resp = other.post(
                "/api/data/projects", json=body, headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.2"}
            )
            assert resp.status_code == 201, resp.get_json()
            found = events(other, admin_headers, resource_id=str(resp.get_json()["data"]["id"]))
        assert [e["remote_addr"] for e in of(found, "projects")] == [expected]


def test_a_service_accounts_change_names_the_account(
    client: FlaskClient,
    admin_headers: dict[str, str],
    service: dict[str, str],
    project: dict[str, Any],
    make_images: Callable[..., list[Image]],
    admin: User,
) -> None:
    (image,) = make_images(admin, 1, project_id=project["id"])
    body = {"image_id": image.id, "label": "cat"}
    resp = client.post("/api/data/annotations", json=body, headers=service)
    assert resp.status_code == 201, resp.get_json()
    (made,) = of(events(client, admin_headers, actor_type="service_account"), "annotations", "create")
    assert made["actor_display"] == "trainer" and made["actor_id"] is not None
    assert made["organization_id"] == admin.organization_id
    assert made["changes"]["label"] == [None, "cat"]


def test_a_devices_life_provisioning_checkins_and_uploads(
    client: FlaskClient, admin_headers: dict[str, str], provision: Any
) -> None:
    provisioned = provision(admin_headers, "SN-77")
    device, key = provisioned["device"], provisioned["api_key"]
    found = events(client, admin_headers)
    (token,) = of(found, "provisioning_tokens", "create")
    assert token["changes"]["token_hash"] == [None, REDACTED]
    (made,) = of(found, "devices", "create")
    assert (made["actor_type"], made["actor_id"]) == ("provisioning_token", int(token["resource_id"]))
    assert made["changes"]["key_hash"] == [None, REDACTED] and made["changes"]["key_prefix"] == [
        None,
        REDACTED,
    ]
    assert made["changes"]["serial_number"] == [None, "SN-77"] and made["resource_display"] == "cam SN-77"
    assert key not in json.dumps(found) and key[:16] not in json.dumps(found)

    headers = {"X-Device-Key": key}
    for _ in range(2):  # the first reports new firmware; the second changes nothing
        assert client.post(CHECKIN, json={"firmware_version": "2.4.1"}, headers=headers).status_code == 200
    updates = of(events(client, admin_headers, actor_type="device"), "devices", "update")
    assert [(e["actor_id"], e["actor_display"], e["changes"]) for e in updates] == [
        (device["id"], "cam SN-77", {"firmware_version": [None, "2.4.1"]})
    ]

    assert post_image(client, key, make_image(seed=1)).status_code == 201
    by_device = events(client, admin_headers, actor_type="device", actor_id=device["id"])
    (batch,) = of(by_device, "batches", "create")
    assert batch["changes"]["device_id"] == [None, device["id"]] and batch["method"] == "POST"
    # Telemetry and the images themselves (each records its device, batch and time) are not events.
    assert not of(by_device, "device_checkins") and not of(by_device, "images")


def test_a_deleted_record_keeps_its_events(
    client: FlaskClient, admin_headers: dict[str, str], provision: Any
) -> None:
    device = provision(admin_headers, "SN-9")["device"]
    assert client.delete(f"/api/devices/{device['id']}", headers=admin_headers).status_code == 204
    found = events(client, admin_headers, resource_type="devices", resource_id=str(device["id"]))
    assert [e["action"] for e in found] == ["delete", "create"]
    assert found[0]["changes"]["serial_number"] == ["SN-9", None]
    assert found[0]["changes"]["key_hash"] == [REDACTED, None]


def test_issued_secrets_never_reach_the_log(app: Flask, admin: User) -> None:
    with unit_of_work(db.session):
        link_secret = login_links.issue(db.session, admin)
        account, service_key = service_accounts.create(db.session, "flows")
    stored = db.session.scalars(
        select(AuditEvent).where(AuditEvent.resource_type.in_(["login_links", "service_accounts"]))
    )
    by_type = {event.resource_type: event.changes for event in stored}
    assert by_type["login_links"]["secret_hash"] == [None, REDACTED]
    assert by_type["service_accounts"]["key_hash"] == [None, REDACTED]
    assert by_type["service_accounts"]["name"] == [None, "flows"]
    everything = json.dumps([e.changes for e in db.session.scalars(select(AuditEvent))])
    for secret in (link_secret, service_key, account.key_hash):
        assert secret not in everything


def test_secrets_are_named_by_their_columns() -> None:
    columns = {column.name for table in Base.metadata.tables.values() for column in table.columns}
    secret = {name for name in columns if is_secret(name)}
    expected = {"key_hash", "key_prefix", "token_hash", "token_prefix", "secret_hash", "webhook_secret_hash"}
    expected |= {"secret_encrypted"}  # a webhook's signing secret, encrypted: still a secret
    assert expected | {"token", "url_key"} <= secret
    assert not {"id", "provisioning_token_id", "tokens_valid_after", "name", "email"} & secret


def test_commands_and_jobs_act_as_the_system(app: Flask, admin: User, project: dict[str, Any]) -> None:
    @click.command("rename-project")
    def rename() -> None:
        with unit_of_work(db.session):
            projects.update(db.session, admin.organization_id, project["id"], {"name": "renamed"})

    result = CliRunner().invoke(rename, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    last = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last is not None and last.changes == {"name": ["pets", "renamed"]}
    assert (last.actor_type, last.actor_display, last.remote_addr) == ("system", "rename-project", None)


# --- the query ------------------------------------------------------------------------------------------


def test_every_filter_narrows_the_list(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], project: dict[str, Any]
) -> None:
    path = f"/api/data/projects/{project['id']}"
    assert client.patch(path, json={"name": "renamed"}, headers=admin_headers).status_code == 200
    everything = events(client, admin_headers)
    ids = [e["id"] for e in everything]
    assert ids == sorted(ids, reverse=True)  # newest first
    assert {e["resource_type"] for e in everything} >= {"organizations", "users", "projects"}
    rename = everything[0]
    cases: list[tuple[dict[str, Any], Callable[[dict[str, Any]], bool]]] = [
        ({"actor_type": "user"}, lambda e: e["actor_type"] == "user"),
        ({"actor_id": admin.id}, lambda e: e["actor_id"] == admin.id),
        ({"resource_type": "projects"}, lambda e: e["resource_type"] == "projects"),
        ({"resource_id": str(admin.id)}, lambda e: e["resource_id"] == str(admin.id)),
        ({"action": "update"}, lambda e: e["action"] == "update"),
        ({"since": rename["created_at"]}, lambda e: e["created_at"] >= rename["created_at"]),
        ({"until": rename["created_at"]}, lambda e: e["created_at"] < rename["created_at"]),
    ]
    for query, keep in cases:
        got = events(client, admin_headers, **query)
        assert got == [e for e in everything if keep(e)] and got != everything, query
    assert events(client, admin_headers, since="2999-01-01T00:00:00Z") == []
    resp = client.get(EVENTS, headers=admin_headers, query_string={"per_page": 1, "page": 2})
    assert resp.get_json()["meta"]["total"] == len(everything) and len(resp.get_json()["data"]) == 1
    for bad in ({"since": "yesterday"}, {"until": "2026-13-01"}, {"actor_type": "robot"}, {"action": "x"}):
        assert_error(client.get(EVENTS, headers=admin_headers, query_string=bad), 400, "VALIDATION_ERROR")


def test_only_admins_read_the_log_of_their_own_organization(
    client: FlaskClient,
    make_user: Callable[..., User],
    admin_headers: dict[str, str],
    service: dict[str, str],
) -> None:
    mine = events(client, admin_headers)[0]["id"]
    for role in ("ml_engineer", "annotator", "viewer"):
        assert_error(client.get(EVENTS, headers=bearer(make_user(role))), 403, "FORBIDDEN")
        assert_error(client.get(f"{EVENTS}/{mine}", headers=bearer(make_user(role))), 403, "FORBIDDEN")
    assert_error(client.get(EVENTS, headers=service), 403, "FORBIDDEN")
    assert_error(client.get(EVENTS), 401, "UNAUTHORIZED")
    other = bearer(make_user("admin", org="Globex"))
    theirs = events(client, other)
    assert theirs and mine not in {e["id"] for e in theirs}
    assert_error(client.get(f"{EVENTS}/{mine}", headers=other), 404, "NOT_FOUND")
    assert client.delete(f"{EVENTS}/{mine}", headers=admin_headers).status_code == 405
    assert client.patch(f"{EVENTS}/{mine}", json={}, headers=admin_headers).status_code == 405


# --- in the change's transaction ------------------------------------------------------------------------


def test_a_rolled_back_request_leaves_no_event(
    client: FlaskClient,
    admin_headers: dict[str, str],
    project: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_update = projects.update

    def update_then_fail(*args: Any, **kwargs: Any) -> Any:
        real_update(*args, **kwargs)  # flushed: its event is written, in the request's transaction
        raise Conflict("refused after the change")

    monkeypatch.setattr(projects, "update", update_then_fail)
    before = count()
    resp = client.patch(f"/api/data/projects/{project['id']}", json={"name": "never"}, headers=admin_headers)
    assert_error(resp, 409, "CONFLICT")
    assert count() == before
    assert db.session.get(projects.Project, project["id"]).name == "pets"


def test_nothing_but_telemetry_writes_no_event(
    client: FlaskClient, provision: Any, admin_headers: Any
) -> None:
    key = provision(admin_headers)["api_key"]
    health = {"battery_pct": 80.0, "temperature_c": 30.0, "uptime_s": 5}
    before = count()
    for _ in range(3):
        assert client.post(CHECKIN, json=health, headers={"X-Device-Key": key}).status_code == 200
    assert count() == before


def test_auditing_can_be_switched_off(
    database_url: str, data_dir: Any, admin: User, admin_headers: Any
) -> None:
    app = create_app({"data_dir": data_dir, "database_url": database_url, "audit_enabled": False})
    before = count()
    body = {"name": "quiet", "task_type": "classification", "labels": ["a"]}
    assert app.test_client().post("/api/data/projects", json=body, headers=admin_headers).status_code == 201
    assert count() == before


# --- append-only ----------------------------------------------------------------------------------------


def test_the_orm_refuses_to_change_or_remove_an_event(app: Flask, admin: User) -> None:
    session = db.session
    first = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).first()
    assert first is not None
    first.action = "delete"
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
    session.rollback()
    session.delete(session.get(AuditEvent, first.id))
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
    session.rollback()
    for statement in (update(AuditEvent).values(action="x"), delete(AuditEvent)):
        with pytest.raises(AuditLogIsAppendOnly):
            session.execute(statement)
        session.rollback()
    assert session.get(AuditEvent, first.id).action == "create"


def test_the_database_refuses_to_change_or_remove_an_event(app: Flask, admin: User) -> None:
    statements = ["UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"]
    if db.engine.dialect.name == "postgresql":
        statements.append("TRUNCATE audit_events")
    before = count()
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
    assert count() == before > 0
