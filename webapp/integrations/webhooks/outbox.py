"""The outbox: each event becomes one pending delivery per endpoint that hears it, in the transaction of
the change that caused it. Committed with that change, so an acknowledged change never loses its
event; rolled back with it, so a refused change sends nothing. Nothing is sent here."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Webhook, WebhookDelivery, utcnow
from webapp.services import events

ALL_EVENTS = "*"
# Sent by `POST /webhooks/{id}/ping` to that endpoint alone, whatever it hears.
PING = "ping"


def hears(webhook: Webhook, event: str) -> bool:
    return ALL_EVENTS in webhook.events or event in webhook.events


def body(event_id: str, event: str, organization_id: int, data: dict[str, Any]) -> str:
    """The JSON every attempt sends as is (the signature covers these exact bytes)."""
    envelope = {
        "id": event_id,
        "event": event,
        "created_at": utcnow().isoformat(),
        "organization_id": organization_id,
        "data": data,
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True, default=str)


def enqueue(session: Session, webhook: Webhook, event: str, event_id: str, payload: str) -> WebhookDelivery:
    """One pending delivery, due now (the caller's unit of work commits it)."""
    delivery = WebhookDelivery(
        organization_id=webhook.organization_id,
        webhook_id=webhook.id,
        uuid=str(uuid.uuid4()),
        event=event,
        event_id=event_id,
        payload=payload,
        status="pending",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(delivery)
    return delivery


def record_event(session: Session, *, name: str, organization_id: int, data: dict[str, Any]) -> None:
    """``platform_event``'s receiver: a delivery for each active endpoint of the organization hearing it."""
    hooks = session.scalars(
        select(Webhook)
        .where(Webhook.organization_id == organization_id, Webhook.active.is_(True))
        # A long-lived session (the dispatcher's sweep) may hold an endpoint changed since: read it anew.
        .execution_options(populate_existing=True)
    ).all()
    listening = [hook for hook in hooks if hears(hook, name)]
    if not listening:
        return
    event_id = str(uuid.uuid4())
    payload = body(event_id, name, organization_id, data)
    for hook in listening:
        enqueue(session, hook, name, event_id, payload)
    session.flush()


def subscribe() -> None:
    """Follow the core's ``platform_event``; the app factory calls it (connecting again changes nothing)."""
    events.platform_event.connect(record_event, weak=False)
