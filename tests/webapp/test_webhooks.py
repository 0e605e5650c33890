"""Signed event webhooks, against a real HTTP receiver that verifies with the documented snippet.

The dispatcher is driven here directly (``dispatcher.run_once``) with no backoff wait, so retries are
immediate; nothing waits on wall-clock minutes.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from acusight.cli import main
from acusight.cli._keys import record_serving_key
from tests.conftest import bearer
from tests.helpers import assert_error, make_export, make_model
from webapp.extensions import db
from webapp.integrations.webhooks import dispatcher, signing
from webapp.models import Device, User, Webhook, WebhookDelivery, utcnow
from webapp.services import devices, events, reaper
from webapp.settings import get_settings
from webapp.unit_of_work import unit_of_work

DOC = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "webhooks.md"


def _documented_verify() -> Callable[..., bool]:
    """The verification snippet of docs/how-to/webhooks.md, run as it is printed there."""
    match = re.search(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert match, "docs/how-to/webhooks.md has no Python snippet"
    namespace: dict[str, Any] = {}
    exec(match[1], namespace)  # our own documentation's code
    return namespace["verify"]  # type: ignore[no-any-return]


verify = _documented_verify()


@pytest.fixture
def app_config() -> dict[str, Any]:
    # A receiver on 127.0.0.1 (the tests'); no wait between attempts; a short timeout for the slow one.
    return {
        "webhook_allow_private_urls": True,
        "webhook_retry_base_s": 0,
        "webhook_timeout_s": 0.5,
        "webhook_max_attempts": 3,
    }


# --- the receiver ------------------------------------------------------------------------------------


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """An HTTP server in a thread: answers each POST with the next of ``statuses`` (then 200), after
    ``gate`` opens when one is set; keeps every request."""

    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    gate: threading.Event | None = None
    entered: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    holder: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            me = holder[0]
            body = self.rfile.read(int(self.headers["Content-Length"]))
            me.received.append(Received(dict(self.headers.items()), body))
            me.entered.set()
            if me.gate is not None:
                me.gate.wait(timeout=30)
            status = me.statuses.pop(0) if me.statuses else 200
            answer = b"thanks " * 200  # longer than the excerpt kept
            self.send_response(status)
            if status in (301, 302, 307):
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder.append(Receiver(server))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield holder[0]
    if holder[0].gate is not None:
        holder[0].gate.set()
    server.shutdown()
    server.server_close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


# --- helpers -------------------------------------------------------------------------------------------


def create(client: FlaskClient, headers: dict[str, str], url: str, events_: list[str]) -> dict[str, Any]:
    resp = client.post("/api/webhooks", json={"url": url, "events": events_}, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    return dict(resp.get_json()["data"])


def emit(org_id: int, name: str = "training.succeeded", **data: Any) -> None:
    """An event as the core sends it, in a unit of work of its own."""
    with unit_of_work(db.session):
        events.platform_event.send(db.session, name=name, organization_id=org_id, data=data or {"x": 1})


def deliver(app: Flask, limit: int | None = None) -> int:
    db.session.commit()
    return dispatcher.run_once(db.session, get_settings(app), limit=limit)


def deliveries(client: FlaskClient, headers: dict[str, str], hook_id: int) -> list[dict[str, Any]]:
    resp = client.get(f"/api/webhooks/{hook_id}/deliveries", headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return list(resp.get_json()["data"])


def row_count(model: Any) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def in_thread(app: Flask, work: Callable[[], Any]) -> threading.Thread:
    """Run ``work`` in its own thread, app context and database session (as a dispatcher does)."""

    def run() -> None:
        with app.app_context():
            work()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


# --- delivery, signature, retries -------------------------------------------------------------------------


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


def test_delivery_is_signed_and_verifies(
    app: Flask, client: FlaskClient, admin: User, admin_headers: dict[str, str], receiver: Receiver
) -> None:
    hook = create(client, admin_headers, receiver.url, ["training.succeeded"])
    emit(admin.organization_id, "training.succeeded", training_job_id=7, status="succeeded")
    assert deliver(app) == 1
    (got,) = receiver.received
    assert verify(hook["secret"], got.headers["Acusight-Signature"], got.body)
    assert got.headers["Acusight-Event"] == "training.succeeded"
    assert got.headers["User-Agent"].startswith("Acusight-Webhooks/")
    assert got.headers["Content-Type"] == "application/json"
    body = got.json
    assert body["event"] == "training.succeeded" and body["organization_id"] == admin.organization_id
    assert body["data"] == {"training_job_id": 7, "status": "succeeded"}
    assert set(body) == {"id", "event", "created_at", "organization_id", "data"}
    (log,) = deliveries(client, admin_headers, hook["id"])
    assert log["uuid"] == got.headers["Acusight-Delivery"] and log["event_id"] == body["id"]
    assert (log["status"], log["attempts"], log["last_status_code"]) == ("delivered", 1, 200)
    assert log["next_attempt_at"] is None and log["delivered_at"] and log["last_error"] is None
    assert len(log["last_response"]) == 500  # an excerpt, not the whole answer


def test_tampered_or_replayed_deliveries_do_not_verify(
    app: Flask, client: FlaskClient, admin: User, admin_headers: dict[str, str], receiver: Receiver
) -> None:
    hook = create(client, admin_headers, receiver.url, ["*"])
    emit(admin.organization_id)
    deliver(app)
    (got,) = receiver.received
    header, secret = got.headers["Acusight-Signature"], hook["secret"]
    assert verify(secret, header, got.body)
    assert not verify(secret, header, got.body.replace(b'"x":1', b'"x":2'))
    assert not verify("whsec_" + "0" * 43, header, got.body)
    stamp = int(header.split(",")[0].removeprefix("t="))
    older = header.replace(f"t={stamp}", f"t={stamp - 1}")
    assert not verify(secret, older, got.body)  # the time is signed too
    # A genuine signature made ten minutes ago: a replay, refused by the receiver's tolerance.
    stale = signing.signature_header(secret, int(time.time()) - 600, got.body)
    assert not verify(secret, stale, got.body)
    assert verify(secret, stale, got.body, tolerance_s=3600)


def test_a_failing_receiver_is_retried_and_the_log_shows_each_attempt(
    app: Flask, client: FlaskClient, admin: User, admin_headers: dict[str, str], receiver: Receiver
) -> None:
    hook = create(client, admin_headers, receiver.url, ["*"])
    receiver.statuses = [500]
    emit(admin.organization_id)
    assert deliver(app, limit=1) == 1
    (log,) = deliveries(client, admin_headers, hook["id"])
    assert (log["status"], log["attempts"], log["last_status_code"], log["last_error"]) == (
        "pending",
        1,
        500,
        "HTTP 500",
    )
    assert log["next_attempt_at"] is not None
    assert deliver(app) == 1  # due again at once (no backoff in this test)
    (log,) = deliveries(client, admin_headers, hook["id"])
    assert (log["status"], log["attempts"], log["last_status_code"], log["last_error"]) == (
        "delivered",
        2,
        200,
        None,
    )
    first, second = receiver.received
    # One delivery: the same id on every attempt, each attempt signed with its own time.
    assert first.headers["Acusight-Delivery"] == second.headers["Acusight-Delivery"]
    assert first.body == second.body
    assert verify(hook["secret"], second.headers["Acusight-Signature"], second.body)


def test_attempts_run_out_and_410_turns_the_endpoint_off(
    app: Flask, client: FlaskClient, admin: User, admin_headers: dict[str, str], receiver: Receiver
) -> None:
    hook = create(client, admin_headers, receiver.url, ["*"])
    receiver.statuses = [503, 503, 503]
    emit(admin.organization_id)
    assert deliver(app) == 3  # ACUSIGHT_WEBHOOK_MAX_ATTEMPTS here
    (log,) = deliveries(client, admin_headers, hook["id"])
    assert (log["status"], log["attempts"], log["next_attempt_at"]) == ("failed", 3, None)

    receiver.statuses = [302, 410]
    emit(admin.organization_id)
    assert deliver(app) == 2
    latest = deliveries(client, admin_headers, hook["id"])[0]
    assert (latest["status"], latest["attempts"], latest["last_status_code"]) == ("failed", 2, 410)
    assert len(receiver.received) == 5  # the redirect was not followed
    off = client.get(f"/api/webhooks/{hook['id']}", headers=admin_headers).get_json()["data"]
    assert off["active"] is False and "410" in off["disabled_reason"]
    emit(admin.organization_id)  # an endpoint that is off hears nothing
    assert deliver(app) == 0 and len(deliveries(client, admin_headers, hook["id"])) == 2
    back = client.patch(f"/api/webhooks/{hook['id']}", json={"active": True}, headers=admin_headers)
    assert back.get_json()["data"]["disabled_reason"] is None


def test_backoff_grows_threefold_with_jitter() -> None:
    for attempts in range(1, 8):
        wait = dispatcher.backoff(attempts, 60).total_seconds()
        expected = 60 * 3 ** (attempts - 1)
        assert expected * 0.8 <= wait <= expected * 1.2
    schedule = sum(60 * 3**n for n in range(7))
    assert 17 * 3600 < schedule < 19 * 3600  # 8 attempts over about 18 hours


def test_events_an_endpoint_does_not_hear_are_not_delivered(
    app: Flask, client: FlaskClient, admin: User, admin_headers: dict[str, str], receiver: Receiver
) -> None:
    exports_only = create(client, admin_headers, receiver.url, ["export.ready"])
    everything = create(client, admin_headers, receiver.url, ["*"])
    emit(admin.organization_id, "training.failed")
    emit(admin.organization_id + 1000, "export.ready")  # another organization's event
    assert deliver(app) == 1
    assert [r.headers["Acusight-Event"] for r in receiver.received] == ["training.failed"]
    assert deliveries(client, admin_headers, exports_only["id"]) == []
    assert len(deliveries(client, admin_headers, everything["id"])) == 1


def test_a_rolled_back_change_sends_nothing(
    app: Flask, client: FlaskClient, admin: User, admin_headers: dict[str, str], receiver: Receiver
) -> None:
    create(client, admin_headers, receiver.url, ["*"])
    with pytest.raises(RuntimeError), unit_of_work(db.session):
        events.platform_event.send(
            db.session, name="training.succeeded", organization_id=admin.organization_id, data={}
        )
        raise RuntimeError("the change failed after its event")
    assert row_count(WebhookDelivery) == 0
    assert deliver(app) == 0 and receiver.received == []


# --- the API is not held up by receivers -----------------------------------------------------------------


def test_a_blocked_receiver_does_not_hold_up_the_request_that_causes_an_event(
    app: Flask,
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    receiver: Receiver,
    service: dict[str, str],
    ready_dataset: int,
) -> None:
    create(client, admin_headers, receiver.url, ["*"])
    receiver.gate = threading.Event()
    emit(admin.organization_id, "drift.detected")
    # A dispatcher is inside the receiver's handler, which waits on the gate.
    sending = in_thread(app, lambda: dispatcher.run_once(db.session, get_settings(app), limit=1))
    assert receiver.entered.wait(timeout=10)
    # The API request whose change causes the next event completes meanwhile.
    model = make_model(client, admin_headers, service, ready_dataset)
    assert model["id"]
    assert not receiver.gate.is_set() and sending.is_alive()
    db.session.commit()
    pending = db.session.scalars(select(WebhookDelivery.event).where(WebhookDelivery.status == "pending"))
    # The one being sent (leased) and the new one, written with the change the request made.
    assert sorted(pending) == ["drift.detected", "training.succeeded"]
    receiver.gate.set()
    sending.join(timeout=10)


def test_a_receiver_that_is_down_or_too_slow_fails_its_attempt_only(
    app: Flask, client: FlaskClient, admin: User, admin_headers: dict[str, str], receiver: Receiver
) -> None:
    down = create(client, admin_headers, closed_port_url(), ["drift.detected"])
    slow = create(client, admin_headers, receiver.url, ["drift.detected"])
    receiver.gate = threading.Event()  # never opened before the attempt's timeout (0.5 s)
    emit(admin.organization_id, "drift.detected")
    assert deliver(app, limit=2) == 2
    (refused,) = deliveries(client, admin_headers, down["id"])
    assert (refused["status"], refused["attempts"], refused["last_status_code"]) == ("pending", 1, None)
    assert refused["last_error"] == "connection refused"
    (timed_out,) = deliveries(client, admin_headers, slow["id"])
    assert (timed_out["status"], timed_out["attempts"]) == ("pending", 1)
    assert timed_out["last_error"] == "no answer in time"


# --- leases: one attempt at a time, whatever the number of dispatchers --------------------------------------


def test_a_claimed_delivery_is_not_claimed_again_until_its_lease_ends(
    app: Flask, client: FlaskClient, admin: User, admin_headers: dict[str, str], receiver: Receiver
) -> None:
    create(client, admin_headers, receiver.url, ["*"])
    emit(admin.organization_id)
    settings = get_settings(app)
    db.session.commit()
    first = dispatcher.claim(db.session, settings)
    assert first is not None
    assert dispatcher.claim(db.session, settings) is None  # leased: another dispatcher finds nothing
    later = utcnow() + dispatcher.lease_length(settings) + timedelta(seconds=1)
    second = dispatcher.claim(db.session, settings, now=later)  # the first one died, say
    assert second is not None and second.id == first.id
    # The first dispatcher's late outcome is not written over the second's lease.
    dispatcher.record(db.session, first, dispatcher.attempt(first, settings), settings)
    row = db.session.get(WebhookDelivery, first.id)
    db.session.refresh(row)
    assert row is not None and (row.status, row.attempts) == ("pending", 0)
    dispatcher.record(db.session, second, dispatcher.attempt(second, settings), settings)
    db.session.refresh(row)
    assert (row.status, row.attempts) == ("delivered", 1)


def test_concurrent_dispatchers_send_each_delivery_once(
    app: Flask, client: FlaskClient, admin: User, admin_headers: dict[str, str], receiver: Receiver
) -> None:
    create(client, admin_headers, receiver.url, ["*"])
    for i in range(12):
        emit(admin.organization_id, "drift.detected", n=i)
    db.session.commit()
    threads = [in_thread(app, lambda: dispatcher.run_once(db.session, get_settings(app))) for _ in range(4)]
    for thread in threads:
        thread.join(timeout=30)
    ids = sorted(r.headers["Acusight-Delivery"] for r in receiver.received)
    assert len(ids) == 12 and len(set(ids)) == 12


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
