"""Signed event webhooks through the API: endpoints and their secrets, who may, what is refused, and the
core's events end to end, each delivered to a real receiver (tests/webapp/webhook_receiver.py).

The dispatcher is driven here directly (``dispatcher.run_once``) with no backoff wait.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from acusight.cli import main
from acusight.cli._keys import record_serving_key
from tests.conftest import bearer
from tests.helpers import assert_error, make_export, make_model
from tests.webapp.webhook_receiver import (
    CONFIG,
    Receiver,
    create,
    deliver,
    deliveries,
    emit,
    receiving,
    row_count,
    verify,
)
from webapp.extensions import db
from webapp.integrations.webhooks import dispatcher, signing, urls
from webapp.models import Device, User, Webhook, WebhookDelivery, utcnow
from webapp.services import devices, reaper
from webapp.settings import get_settings
from webapp.unit_of_work import unit_of_work


@pytest.fixture
def app_config() -> dict[str, Any]:
    return dict(CONFIG)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as receiver:
        yield receiver


def test_secret_is_shown_once_and_kept_encrypted(
    app: Flask, client: FlaskClient, admin_headers: dict[str, str], receiver: Receiver
) -> None:
    hook = create(client, admin_headers, receiver.url, ["*"])
    secret = hook["secret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    assert hook["events"] == ["*"] and hook["active"] is True
    listed = client.get("/api/webhooks", headers=admin_headers).get_json()
    assert listed["meta"]["total"] == 1
    assert "secret" not in listed["data"][0]
    one = client.get(f"/api/webhooks/{hook['id']}", headers=admin_headers).get_json()["data"]
    assert "secret" not in one and one["url"] == receiver.url
    row = db.session.get(Webhook, hook["id"])
    assert row is not None and secret not in row.secret_encrypted
    assert signing.decrypt(get_settings(app).secret_key, row.secret_encrypted) == secret
    # Another server secret key cannot read it.
    with pytest.raises(signing.SecretUnreadable):
        signing.decrypt("another key entirely, also long enough!!", row.secret_encrypted)


# --- the core's events, end to end --------------------------------------------------------------------------


def test_training_and_export_events_come_from_their_reports(
    app: Flask,
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    receiver: Receiver,
    service: dict[str, str],
    ready_dataset: int,
) -> None:
    create(client, admin_headers, receiver.url, ["training.succeeded", "training.failed", "export.ready"])
    model = make_model(client, admin_headers, service, ready_dataset)
    make_model(client, admin_headers, service, ready_dataset, final="failed")
    export = make_export(client, admin_headers, service, model["id"])
    assert deliver(app) == 3
    by_event = {r.headers["Acusight-Event"]: r.json["data"] for r in receiver.received}
    assert by_event["training.succeeded"]["model_id"] == model["id"]
    assert by_event["training.succeeded"]["training_job_id"] == model["training_job_id"]
    assert by_event["training.failed"]["status"] == "failed"
    assert by_event["export.ready"]["export_id"] == export["id"]
    # A report that repeats a final status announces nothing again.
    path = f"/api/ml/training-jobs/{by_event['training.failed']['training_job_id']}"
    assert client.patch(path, json={"status": "failed"}, headers=service).status_code == 200
    assert deliver(app) == 0


def test_a_job_the_reaper_fails_is_announced(
    app: Flask,
    client: FlaskClient,
    admin_headers: dict[str, str],
    receiver: Receiver,
    service: dict[str, str],
    ready_dataset: int,
    prefect_unreachable: None,
) -> None:
    create(client, admin_headers, receiver.url, ["training.failed"])
    job = client.post("/api/ml/training-jobs", json={"dataset_id": ready_dataset}, headers=admin_headers)
    path = f"/api/ml/training-jobs/{job.get_json()['data']['id']}"
    assert client.patch(path, json={"status": "running"}, headers=service).status_code == 200
    with unit_of_work(db.session):
        (reaped,) = reaper.reap(db.session, get_settings(app), now=utcnow() + timedelta(hours=7))
    assert deliver(app) == 1
    (got,) = receiver.received
    data = got.json["data"]
    assert (data["training_job_id"], data["status"]) == (reaped.id, "failed")
    assert data["error"].startswith("reaped: no progress report")


def test_a_device_gone_silent_is_announced_once_per_outage(
    app: Flask,
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    receiver: Receiver,
    provision: Any,
) -> None:
    create(client, admin_headers, receiver.url, ["device.offline"])
    device_id = provision(admin_headers)["device"]["id"]
    never_seen = provision(admin_headers, serial="SN-2")["device"]["id"]
    settings = get_settings(app)
    device = db.session.get(Device, device_id)
    assert device is not None
    device.last_seen_at = utcnow() - timedelta(seconds=settings.offline_after_s + 5)
    db.session.commit()
    assert dispatcher.sweep_offline_devices(db.session, settings) == 1
    assert dispatcher.sweep_offline_devices(db.session, settings) == 0  # once per outage
    deliver(app)
    (got,) = receiver.received
    assert got.json["data"]["device_id"] == device_id != never_seen
    # Seen again, then silent again: a new outage.
    with unit_of_work(db.session):
        device.last_seen_at = utcnow() - timedelta(seconds=settings.offline_after_s + 1)
    assert devices.announce_offline(db.session, timedelta(seconds=settings.offline_after_s)) == 1
    db.session.commit()


def test_ping_and_redeliver(
    app: Flask, client: FlaskClient, admin: User, admin_headers: dict[str, str], receiver: Receiver
) -> None:
    hook = create(client, admin_headers, receiver.url, ["export.ready"])
    resp = client.post(f"/api/webhooks/{hook['id']}/ping", headers=admin_headers)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["data"]["event"] == "ping"
    emit(admin.organization_id, "export.ready")
    assert deliver(app) == 2
    original = deliveries(client, admin_headers, hook["id"])[0]
    again = client.post(
        f"/api/webhooks/{hook['id']}/deliveries/{original['id']}/redeliver", headers=admin_headers
    )
    assert again.status_code == 201, again.get_json()
    copy = again.get_json()["data"]
    assert copy["event_id"] == original["event_id"] and copy["uuid"] != original["uuid"]
    assert deliver(app) == 1
    ping, first, second = receiver.received
    assert ping.json["event"] == "ping" and verify(
        hook["secret"], ping.headers["Acusight-Signature"], ping.body
    )
    assert first.body == second.body
    assert first.headers["Acusight-Delivery"] != second.headers["Acusight-Delivery"]


def test_the_command_line_dispatcher_delivers(
    app: Flask,
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    receiver: Receiver,
    database_url: str,
    tmp_path: Path,
) -> None:
    hook = create(client, admin_headers, receiver.url, ["*"])
    emit(admin.organization_id)
    db.session.commit()
    key = get_settings(app).secret_key
    record_serving_key(tmp_path, key)  # as `acusight serve` does: the command signs with the API's key
    env = {
        "ACUSIGHT_DATA_DIR": str(tmp_path),
        "ACUSIGHT_DATABASE_URL": database_url,
        "ACUSIGHT_SECRET_KEY": key,
        "ACUSIGHT_WEBHOOK_ALLOW_PRIVATE_URLS": "true",
    }
    result = CliRunner().invoke(main, ["webhooks", "deliver", "--once"], env=env)
    assert result.exit_code == 0, result.output
    assert "1 delivery attempts made" in result.output
    (got,) = receiver.received
    assert verify(hook["secret"], got.headers["Acusight-Signature"], got.body)


# --- who may, what is refused -------------------------------------------------------------------------


PRIVATE_URLS = [
    "http://127.0.0.1/hook",
    "http://localhost:8080/hook",
    "http://[::1]/hook",
    "http://10.1.2.3/hook",
    "http://192.168.0.10/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:127.0.0.1]/hook",
    "http://2130706433/hook",
    "http://0.0.0.0/hook",
    "http://[fe80::1]/hook",
]
BAD_URLS = [
    "ftp://hooks.example.com/x",
    "file:///etc/passwd",
    "https://user:pw@hooks.example.com/x",
    "https://hooks.example.com/x#frag",
    "not a url",
    "https:///no-host",
    "https://hooks.example.com/" + "x" * 2000,
]


@pytest.mark.parametrize("url", PRIVATE_URLS + BAD_URLS)
def test_urls_that_could_reach_inside_are_refused(
    app: Flask, client: FlaskClient, admin_headers: dict[str, str], url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(app), "webhook_allow_private_urls", False)
    resp = client.post("/api/webhooks", json={"url": url, "events": ["*"]}, headers=admin_headers)
    assert_error(resp, 400, "VALIDATION_ERROR")
    assert row_count(Webhook) == 0


def _resolving(monkeypatch: pytest.MonkeyPatch, table: dict[str, list[str]]) -> None:
    """Names resolve as ``table`` says (none: the name does not resolve); addresses stay addresses."""
    real = socket.getaddrinfo

    def fake(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in table:
            return real(host, port, *args, **kwargs)
        if not table[host]:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in table[host]]

    monkeypatch.setattr(urls.socket, "getaddrinfo", fake)


def test_a_name_with_any_inside_address_is_refused_and_one_not_resolving_fails_at_delivery(
    app: Flask,
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(app), "webhook_allow_private_urls", False)
    _resolving(monkeypatch, {"mixed.example": ["93.184.215.14", "10.0.0.7"], "later.example": []})
    body = {"url": "https://mixed.example/hook", "events": ["*"]}
    error = assert_error(
        client.post("/api/webhooks", json=body, headers=admin_headers), 400, "VALIDATION_ERROR"
    )
    assert "10.0.0.7" in error["details"]
    hook = create(client, admin_headers, "https://later.example/hook", ["*"])  # not resolving yet: taken
    emit(admin.organization_id)
    assert deliver(app, limit=1) == 1
    (log,) = deliveries(client, admin_headers, hook["id"])
    assert log["status"] == "pending" and log["last_error"].startswith("the host name does not resolve")


def test_a_url_refused_since_it_was_made_is_refused_at_delivery(
    app: Flask,
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hook = create(client, admin_headers, receiver.url, ["*"])
    patch = client.patch(
        f"/api/webhooks/{hook['id']}", json={"url": "http://10.0.0.1/x"}, headers=admin_headers
    )
    assert patch.status_code == 200
    monkeypatch.setattr(get_settings(app), "webhook_allow_private_urls", False)
    refused = client.patch(
        f"/api/webhooks/{hook['id']}", json={"url": "http://[::1]/"}, headers=admin_headers
    )
    assert_error(refused, 400, "VALIDATION_ERROR")
    emit(admin.organization_id)
    assert deliver(app, limit=1) == 1
    (log,) = deliveries(client, admin_headers, hook["id"])
    assert log["last_error"].startswith("refused: 10.0.0.1 is 10.0.0.1, not a public address")
    assert receiver.received == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"url": "https://hooks.example.com/x"},
        {"events": ["*"]},
        {"url": "https://hooks.example.com/x", "events": []},
        {"url": "https://hooks.example.com/x", "events": ["training.started"]},
        {"url": "https://hooks.example.com/x", "events": "training.failed"},
        {"url": 5, "events": ["*"]},
        {"url": "https://hooks.example.com/x", "events": ["*"], "secret": "mine"},
    ],
)
def test_bad_input_is_400_and_stores_nothing(
    client: FlaskClient, admin_headers: dict[str, str], body: dict[str, Any]
) -> None:
    assert_error(client.post("/api/webhooks", json=body, headers=admin_headers), 400, "VALIDATION_ERROR")
    assert row_count(Webhook) == 0


def test_only_admins_manage_webhooks(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any, receiver: Receiver
) -> None:
    hook = create(client, admin_headers, receiver.url, ["*"])
    for role in ("ml_engineer", "annotator", "viewer"):
        headers = bearer(make_user(role))
        body = {"url": receiver.url, "events": ["*"]}
        assert_error(client.post("/api/webhooks", json=body, headers=headers), 403, "FORBIDDEN")
        assert_error(client.get("/api/webhooks", headers=headers), 403, "FORBIDDEN")
        assert_error(client.get(f"/api/webhooks/{hook['id']}/deliveries", headers=headers), 403, "FORBIDDEN")
        assert_error(client.delete(f"/api/webhooks/{hook['id']}", headers=headers), 403, "FORBIDDEN")
    assert_error(client.get("/api/webhooks"), 401, "UNAUTHORIZED")
    assert row_count(Webhook) == 1


def test_another_organizations_webhooks_are_not_found(
    app: Flask,
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    make_user: Any,
    receiver: Receiver,
) -> None:
    mine = create(client, admin_headers, receiver.url, ["*"])
    emit(admin.organization_id)
    deliver(app)
    (delivery,) = deliveries(client, admin_headers, mine["id"])
    other = bearer(make_user("admin", org="Globex"))
    theirs = create(client, other, receiver.url, ["*"])
    base = f"/api/webhooks/{mine['id']}"
    for method, path, body in [
        ("GET", base, None),
        ("PATCH", base, {"active": False}),
        ("DELETE", base, None),
        ("GET", f"{base}/deliveries", None),
        ("POST", f"{base}/ping", None),
        ("POST", f"{base}/deliveries/{delivery['id']}/redeliver", None),
        # Their own endpoint, with my delivery's id.
        ("POST", f"/api/webhooks/{theirs['id']}/deliveries/{delivery['id']}/redeliver", None),
    ]:
        assert_error(client.open(path, method=method, json=body, headers=other), 404, "NOT_FOUND")
    listed = client.get("/api/webhooks", headers=other).get_json()["data"]
    assert [h["id"] for h in listed] == [theirs["id"]]
    assert row_count(WebhookDelivery) == 1
    hook = db.session.get(Webhook, mine["id"])
    assert hook is not None and hook.active


def test_delete_removes_the_endpoint_and_its_log(
    app: Flask, client: FlaskClient, admin: User, admin_headers: dict[str, str], receiver: Receiver
) -> None:
    hook = create(client, admin_headers, receiver.url, ["*"])
    emit(admin.organization_id)
    assert client.delete(f"/api/webhooks/{hook['id']}", headers=admin_headers).status_code == 204
    assert row_count(WebhookDelivery) == 0
    assert deliver(app) == 0 and receiver.received == []
    assert_error(client.get(f"/api/webhooks/{hook['id']}", headers=admin_headers), 404, "NOT_FOUND")
