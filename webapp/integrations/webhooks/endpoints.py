"""What the API does with an organization's webhook endpoints and their deliveries (admins only)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.errors import Conflict, NotFound, ValidationError
from webapp.integrations.webhooks import outbox, signing, urls
from webapp.models import User, Webhook, WebhookDelivery, utcnow
from webapp.services.common import Page, get_in_org, paginate
from webapp.services.events import EVENT_NAMES

# Endpoints one organization may have: each event is written once per endpoint hearing it.
MAX_WEBHOOKS = 20


def _check_url(url: str, allow_private: bool) -> str:
    try:
        return urls.check_new(url, allow_private)
    except urls.RefusedURL as exc:
        raise ValidationError("URL refused", str(exc)) from None


def _check_events(names: list[str]) -> list[str]:
    unknown = sorted(set(names) - {*EVENT_NAMES, outbox.ALL_EVENTS})
    if unknown or not names:
        raise ValidationError(
            "Unknown events" if unknown else "No events",
            f'events are some of: {", ".join(EVENT_NAMES)}, or "*" for all of them',
        )
    return [outbox.ALL_EVENTS] if outbox.ALL_EVENTS in names else sorted(set(names))


def create(
    session: Session,
    organization_id: int,
    creator: User | None,
    *,
    url: str,
    events: list[str],
    app_secret: str,
    allow_private: bool,
) -> tuple[Webhook, str]:
    """A new endpoint, and its signing secret: returned now only (it is kept encrypted)."""
    count = session.scalar(select(func.count()).where(Webhook.organization_id == organization_id)) or 0
    if count >= MAX_WEBHOOKS:
        raise ValidationError("Too many webhooks", f"an organization has at most {MAX_WEBHOOKS}")
    secret = signing.new_secret()
    hook = Webhook(
        organization_id=organization_id,
        url=_check_url(url, allow_private),
        events=_check_events(events),
        secret_encrypted=signing.encrypt(app_secret, secret),
        active=True,
        created_by_id=creator.id if creator else None,
    )
    session.add(hook)
    session.flush()
    return hook, secret


def list_(session: Session, organization_id: int, page: int, per_page: int) -> Page[Any]:
    stmt = select(Webhook).where(Webhook.organization_id == organization_id).order_by(Webhook.id.desc())
    return paginate(session, stmt, page, per_page)


def get(session: Session, organization_id: int, webhook_id: int) -> Webhook:
    return get_in_org(session, Webhook, organization_id, webhook_id)


def update(
    session: Session, organization_id: int, webhook_id: int, changes: dict[str, Any], *, allow_private: bool
) -> Webhook:
    """Change the URL, the events or ``active`` (turned on again, it sends what waited meanwhile)."""
    hook = get(session, organization_id, webhook_id)
    if "url" in changes:
        hook.url = _check_url(changes["url"], allow_private)
    if "events" in changes:
        hook.events = _check_events(changes["events"])
    if "active" in changes:
        hook.active = changes["active"]
        hook.disabled_reason = None
    session.flush()
    return hook


def delete(session: Session, organization_id: int, webhook_id: int) -> None:
    """Remove the endpoint and its deliveries' log; what was still pending is not sent."""
    session.delete(get(session, organization_id, webhook_id))
    session.flush()


def list_deliveries(
    session: Session,
    organization_id: int,
    webhook_id: int,
    page: int,
    per_page: int,
    status: str | None = None,
    event: str | None = None,
) -> Page[Any]:
    """The endpoint's deliveries, newest first."""
    get(session, organization_id, webhook_id)
    stmt = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
    if status is not None:
        stmt = stmt.where(WebhookDelivery.status == status)
    if event is not None:
        stmt = stmt.where(WebhookDelivery.event == event)
    return paginate(session, stmt.order_by(WebhookDelivery.id.desc()), page, per_page)


def _active(session: Session, organization_id: int, webhook_id: int) -> Webhook:
    hook = get(session, organization_id, webhook_id)
    if not hook.active:
        raise Conflict("The webhook is not active", "turn it on again (PATCH active: true) first")
    return hook


def redeliver(session: Session, organization_id: int, webhook_id: int, delivery_id: int) -> WebhookDelivery:
    """The same event (same body, same event id) again, as a new delivery with its own attempts."""
    hook = _active(session, organization_id, webhook_id)
    original = get_in_org(session, WebhookDelivery, organization_id, delivery_id)
    if original.webhook_id != hook.id:
        raise NotFound(f"Webhook delivery {delivery_id} not found")
    delivery = outbox.enqueue(session, hook, original.event, original.event_id, original.payload)
    session.flush()
    return delivery


def ping(session: Session, organization_id: int, webhook_id: int) -> WebhookDelivery:
    """A ``ping`` event for this endpoint alone, to check that it receives and verifies."""
    hook = _active(session, organization_id, webhook_id)
    event_id = str(uuid.uuid4())
    data = {"webhook_id": hook.id, "message": "pong", "sent_at": utcnow().isoformat()}
    delivery = outbox.enqueue(
        session, hook, outbox.PING, event_id, outbox.body(event_id, outbox.PING, organization_id, data)
    )
    session.flush()
    return delivery
