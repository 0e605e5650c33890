"""The dispatcher: sends due deliveries off the request path, retries with backoff, logs every attempt.

Any number of dispatchers may run (threads, processes, replicas). A delivery is claimed by a
conditional UPDATE that sets its lease (``locked_until``) only if it is still pending, due, unleased
and at the attempt count read: one dispatcher wins, and no attempt is sent twice at once. The claim is
committed before the HTTP call, and no transaction stays open during it; the outcome is written back
only while the lease is still this dispatcher's. A dispatcher that dies mid-attempt leaves the row to
be claimed again when its lease ends (so a receiver may, rarely, see a delivery twice: it
de-duplicates by ``Acusight-Delivery``).

After a failed attempt the next one waits ``ACUSIGHT_WEBHOOK_RETRY_BASE_S * 3^(n-1)``, ±20 % jitter so
that the retries of many deliveries spread out; after ACUSIGHT_WEBHOOK_MAX_ATTEMPTS the delivery is
``failed``. A 2xx is success. A 410 Gone ends the delivery and turns the endpoint off (``active``
false, ``disabled_reason`` says why): the receiver said it is gone for good.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from webapp.integrations.webhooks import sender, signing
from webapp.integrations.webhooks.urls import MAX_ADDRESSES
from webapp.models import Webhook, WebhookDelivery, utcnow
from webapp.services import devices
from webapp.settings import Settings
from webapp.unit_of_work import unit_of_work

log = logging.getLogger(__name__)

JITTER = 0.2
# How many due rows one claim looks at: the first that is still free is taken.
CLAIM_WINDOW = 20
GONE = 410


@dataclass(frozen=True)
class Claimed:
    """A delivery this dispatcher holds the lease of, with what the attempt needs."""

    id: int
    webhook_id: int
    uuid: str
    event: str
    payload: str
    attempts: int
    url: str
    secret_encrypted: str
    lease: datetime


def backoff(attempts: int, base_s: float) -> timedelta:
    """The wait after the ``attempts``-th failed attempt."""
    return timedelta(seconds=base_s * 3 ** (attempts - 1) * random.uniform(1 - JITTER, 1 + JITTER))


def lease_length(settings: Settings) -> timedelta:
    # Longer than one attempt takes: connecting to up to MAX_ADDRESSES addresses, sending, the answer's
    # head and the capped read of its body, each bounded by the timeout, with room to spare. (Each read
    # is bounded, not their sum: a receiver dribbling its head byte by byte can outlast the lease.)
    return timedelta(seconds=max(120.0, settings.webhook_timeout_s * (MAX_ADDRESSES + 3) * 2))


def claim(session: Session, settings: Settings, now: datetime | None = None) -> Claimed | None:
    """Take the lease of one due delivery of an active endpoint, committed; None when none is free."""
    now = now or utcnow()
    lease = now + lease_length(settings)
    with unit_of_work(session):
        rows = session.execute(
            select(WebhookDelivery.id, WebhookDelivery.attempts)
            .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
            .where(
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at <= now,
                or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
                Webhook.active.is_(True),
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(CLAIM_WINDOW)
        ).all()
        for delivery_id, attempts in rows:
            taken = session.execute(
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.id == delivery_id,
                    WebhookDelivery.status == "pending",
                    WebhookDelivery.attempts == attempts,
                    or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
                )
                .values(locked_until=lease)
                .execution_options(synchronize_session=False)
            )
            if not taken.rowcount:
                continue  # another dispatcher's now
            # Columns, not ORM objects: an endpoint's URL read now, not one the session saw earlier.
            found = session.execute(
                select(
                    WebhookDelivery.uuid,
                    WebhookDelivery.event,
                    WebhookDelivery.payload,
                    Webhook.id,
                    Webhook.url,
                    Webhook.secret_encrypted,
                )
                .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
                .where(WebhookDelivery.id == delivery_id)
            ).one()
            return Claimed(
                id=delivery_id,
                webhook_id=found.id,
                uuid=found.uuid,
                event=found.event,
                payload=found.payload,
                attempts=attempts,
                url=found.url,
                secret_encrypted=found.secret_encrypted,
                lease=lease,
            )
    return None


def attempt(claimed: Claimed, settings: Settings) -> sender.Outcome:
    """Sign and send the delivery once, signed with this attempt's time."""
    try:
        secret = signing.decrypt(settings.secret_key, claimed.secret_encrypted)
    except signing.SecretUnreadable as exc:
        return sender.Outcome(None, str(exc), None)
    body = claimed.payload.encode()
    headers = {
        signing.SIGNATURE_HEADER: signing.signature_header(secret, int(time.time()), body),
        "Acusight-Event": claimed.event,
        "Acusight-Delivery": claimed.uuid,
    }
    return sender.send(
        claimed.url,
        headers,
        body,
        timeout_s=settings.webhook_timeout_s,
        allow_private=settings.webhook_allow_private_urls,
    )


def record(session: Session, claimed: Claimed, outcome: sender.Outcome, settings: Settings) -> str:
    """Write the attempt's outcome (while the lease is still ours); returns the delivery's status."""
    now = utcnow()
    attempts = claimed.attempts + 1
    next_attempt: datetime | None = None
    if outcome.ok:
        status = "delivered"
    elif outcome.status_code == GONE or attempts >= settings.webhook_max_attempts:
        status = "failed"
    else:
        status = "pending"
        next_attempt = now + backoff(attempts, settings.webhook_retry_base_s)
    with unit_of_work(session):
        written = session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == claimed.id,
                WebhookDelivery.locked_until == claimed.lease,
                WebhookDelivery.attempts == claimed.attempts,
            )
            .values(
                status=status,
                attempts=attempts,
                next_attempt_at=next_attempt,
                locked_until=None,
                last_status_code=outcome.status_code,
                last_error=outcome.error[:500] if outcome.error else None,
                last_response=outcome.excerpt,
                last_attempt_at=now,
                delivered_at=now if outcome.ok else None,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if not written.rowcount:
            log.warning("webhook delivery %s: lease lost before its outcome was written", claimed.id)
        if outcome.status_code == GONE:
            session.execute(
                update(Webhook)
                .where(Webhook.id == claimed.webhook_id)
                .values(active=False, disabled_reason="the receiver answered 410 Gone", updated_at=now)
                .execution_options(synchronize_session=False)
            )
    return status


def run_once(session: Session, settings: Settings, limit: int | None = None) -> int:
    """Attempt due deliveries until none is free (or ``limit`` attempts); returns how many were made."""
    made = 0
    while limit is None or made < limit:
        claimed = claim(session, settings)
        if claimed is None:
            break
        outcome = attempt(claimed, settings)
        status = record(session, claimed, outcome, settings)
        log.info(
            "webhook delivery %s (%s) attempt %s: %s, now %s",
            claimed.id,
            claimed.event,
            claimed.attempts + 1,
            outcome.status_code or outcome.error,
            status,
        )
        made += 1
    return made


def sweep_offline_devices(session: Session, settings: Settings) -> int:
    """Announce the devices silent for ACUSIGHT_OFFLINE_AFTER_S (``device.offline``, once per outage)."""
    with unit_of_work(session):
        return devices.announce_offline(session, timedelta(seconds=settings.offline_after_s))


def prune(session: Session, settings: Settings, now: datetime | None = None) -> int:
    """Delete the delivered and failed deliveries older than ACUSIGHT_WEBHOOK_DELIVERY_RETENTION_DAYS."""
    cutoff = (now or utcnow()) - timedelta(days=settings.webhook_delivery_retention_days)
    with unit_of_work(session):
        result = session.execute(
            delete(WebhookDelivery)
            .where(WebhookDelivery.status.in_(("delivered", "failed")), WebhookDelivery.updated_at < cutoff)
            .execution_options(synchronize_session=False)
        )
    return int(result.rowcount or 0)


class Loop:
    """What `acusight webhooks deliver` runs: sends due deliveries every ``poll_s`` seconds, and every
    ``sweep_s`` sweeps for offline devices and prunes old deliveries, until :meth:`stop`."""

    def __init__(self, session: Session, settings: Settings, *, poll_s: float = 2.0, sweep_s: float = 60.0):
        self.session = session
        self.settings = settings
        self.poll_s = poll_s
        self.sweep_s = sweep_s
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        swept_at = 0.0
        while not self._stop.is_set():
            try:
                if time.monotonic() - swept_at >= self.sweep_s:
                    sweep_offline_devices(self.session, self.settings)
                    prune(self.session, self.settings)
                    swept_at = time.monotonic()
                run_once(self.session, self.settings, limit=100)
            except Exception:
                # A database that went away, for one: log it and try again at the next turn.
                log.exception("webhook dispatcher pass failed")
                self.session.rollback()
            self.session.close()  # each pass reads fresh rows
            self._stop.wait(self.poll_s)
