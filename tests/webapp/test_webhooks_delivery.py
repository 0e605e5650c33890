"""Webhook delivery: signatures, retries and backoff, leases, and receivers that are down, slow or
blocked, which never hold up the API; against a real receiver (tests/webapp/webhook_receiver.py).

The dispatcher is driven here directly (``dispatcher.run_once``) with no backoff wait, so retries are
immediate; nothing waits on wall-clock minutes.
"""

from __future__ import annotations

import functools
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.helpers import make_model
from tests.webapp.webhook_receiver import (
    CONFIG,
    Receiver,
    closed_port_url,
    create,
    deliver,
    deliveries,
    emit,
    in_thread,
    receiving,
    row_count,
    verify,
)
from webapp.extensions import db
from webapp.integrations.webhooks import dispatcher, sender, signing
from webapp.models import User, WebhookDelivery, utcnow
from webapp.services import events
from webapp.settings import get_settings
from webapp.unit_of_work import unit_of_work


@pytest.fixture
def app_config() -> dict[str, Any]:
    return dict(CONFIG)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as receiver:
        yield receiver


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


# --- https: the checked address, the name's certificate ---------------------------------------------------


def _tls_pair(tmp_path: Path, name: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A CA and a certificate for ``name`` signed by it: the receiver's server context, and a client
    context that trusts the CA alone."""
    now = datetime.now(UTC)

    def certificate(subject: str, key: Any, issuer: str, signer: Any, ca: bool) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(hours=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
            )
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = certificate("test CA", ca_key, "test CA", ca_key, ca=True)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = certificate(name, leaf_key, "test CA", ca_key, ca=False)
    pem = serialization.Encoding.PEM
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(pem))
    (tmp_path / "leaf.key").write_bytes(
        leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    client = ssl.create_default_context(cadata=ca.public_bytes(pem).decode())
    return server, client


def test_https_goes_to_the_checked_address_and_verifies_the_names_certificate(
    app: Flask,
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server_tls, client_tls = _tls_pair(tmp_path, "localhost")
    # The platform trusts the system's CAs; here, the test CA instead.
    monkeypatch.setattr(sender.httpx, "Client", functools.partial(httpx.Client, verify=client_tls))
    with receiving(tls=server_tls, host="localhost") as tls_receiver:
        hook = create(client, admin_headers, tls_receiver.url, ["*"])
        emit(admin.organization_id)
        assert deliver(app) == 1
        (got,) = tls_receiver.received
        # Connected to 127.0.0.1, but the request and the TLS handshake name the host.
        assert got.headers["Host"] == f"localhost:{tls_receiver.server.server_address[1]}"
        assert verify(hook["secret"], got.headers["Acusight-Signature"], got.body)
        assert deliveries(client, admin_headers, hook["id"])[0]["status"] == "delivered"

        # The same receiver under a name its certificate does not cover: refused by TLS, nothing sent.
        ip_url = tls_receiver.url.replace("localhost", "127.0.0.1")
        other = create(client, admin_headers, ip_url, ["*"])
        emit(admin.organization_id, "export.ready")
        assert deliver(app, limit=2) == 2
        (failed,) = deliveries(client, admin_headers, other["id"])
        assert failed["status"] == "pending" and failed["last_status_code"] is None
        assert len(tls_receiver.received) == 2  # the first endpoint's second delivery only


def test_old_final_deliveries_are_pruned(
    app: Flask, client: FlaskClient, admin: User, admin_headers: dict[str, str], receiver: Receiver
) -> None:
    hook = create(client, admin_headers, receiver.url, ["*"])
    emit(admin.organization_id)
    deliver(app)
    emit(admin.organization_id)  # still pending: kept however old
    settings = get_settings(app)
    later = utcnow() + timedelta(days=settings.webhook_delivery_retention_days, hours=1)
    assert dispatcher.prune(db.session, settings, now=utcnow()) == 0
    assert dispatcher.prune(db.session, settings, now=later) == 1
    assert [d["status"] for d in deliveries(client, admin_headers, hook["id"])] == ["pending"]
