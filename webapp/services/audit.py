"""Reading the audit log: an organization's events, newest first, by actor, record, action and time.

Only reading: events are written by the capture (``webapp.integrations.audit``) and never changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import AuditEvent
from webapp.services.common import Page, get_in_org, paginate


def list_(
    session: Session,
    organization_id: int,
    page: int,
    per_page: int,
    actor_type: str | None = None,
    actor_id: int | None = None,
    resource_type: str | None = None,
    resource_id: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[Any]:
    """The organization's events, newest first; ``since`` inclusive, ``until`` exclusive."""
    stmt = select(AuditEvent).where(AuditEvent.organization_id == organization_id)
    for column, value in (
        (AuditEvent.actor_type, actor_type),
        (AuditEvent.actor_id, actor_id),
        (AuditEvent.resource_type, resource_type),
        (AuditEvent.resource_id, resource_id),
        (AuditEvent.action, action),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if since is not None:
        stmt = stmt.where(AuditEvent.created_at >= since)
    if until is not None:
        stmt = stmt.where(AuditEvent.created_at < until)
    return paginate(session, stmt.order_by(AuditEvent.id.desc()), page, per_page)


def get(session: Session, organization_id: int, event_id: int) -> AuditEvent:
    """One of the organization's events; another organization's is NOT_FOUND, as if it did not exist."""
    return get_in_org(session, AuditEvent, organization_id, event_id)
