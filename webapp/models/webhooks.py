"""Event webhooks: the endpoints an organization's admins register, and each delivery (the outbox)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, UTCDateTime, utcnow

# pending: waiting for its next attempt (or being attempted); delivered: a 2xx came back; failed: no
# attempt left, or the endpoint said 410 Gone.
DELIVERY_STATUSES = ("pending", "delivered", "failed")


class Webhook(Base):
    """An HTTPS (or HTTP) endpoint that hears some of the organization's events, signed with its secret."""

    __tablename__ = "webhooks"
    __table_args__ = (Index("ix_webhooks_org_id", "organization_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    # Event names (webapp/services/events.py EVENT_NAMES), or ["*"] for all of them.
    events: Mapped[list[str]] = mapped_column(JSON)
    # The signing secret, encrypted (Fernet) under a key derived from ACUSIGHT_SECRET_KEY: signing needs
    # the secret itself, so it cannot be kept as a hash like the platform's other secrets.
    secret_encrypted: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Why the platform turned the endpoint off by itself (a 410 Gone); null when people did, or it is on.
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class WebhookDelivery(Base):
    """One event for one endpoint: written in the transaction of the change that caused it, then sent
    (and retried) by a dispatcher, which keeps here what each attempt got."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_webhook_id", "webhook_id", "id"),
        # What dispatchers look for: pending rows by their next attempt time.
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    # Sent as Acusight-Delivery: the same on every retry of this row, so receivers can de-duplicate.
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    event: Mapped[str] = mapped_column(String(50))
    # The event's own id (the body's "id"): the same in every endpoint's delivery, and in a redelivery.
    event_id: Mapped[str] = mapped_column(String(36))
    # The exact JSON body sent on every attempt (what the signature covers, with the attempt's time).
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Null once delivered or failed.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The lease of the dispatcher sending it now: nobody else claims the row before this time.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # The start of the last response's body, at most RESPONSE_EXCERPT_CHARS: enough to debug a receiver.
    last_response: Mapped[str | None] = mapped_column(String(500))
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
