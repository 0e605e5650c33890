"""The audit log: one row per change of a record, append-only.

Rows are written by the capture (``webapp.integrations.audit``) in the transaction of the change they
record. Nothing updates or deletes them: the ORM refuses it here, and the database refuses it with
triggers (migration 0014), so a bug or a stray statement cannot rewrite history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from webapp.models.base import Base, UTCDateTime, utcnow

ACTOR_TYPES = ("user", "service_account", "device", "provisioning_token", "anonymous", "system")
ACTIONS = ("create", "update", "delete")


class AuditEvent(Base):
    """Who changed which record, when, from where, and the fields before and after.

    No foreign keys: a row outlives the record it is about, the actor who made it, even the
    organization (ids and displays are copied, not referenced), and a cascade from any of them would be
    a delete the triggers refuse.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        # The list is always one organization's, newest first; each filter narrows that range.
        Index("ix_audit_events_org_id", "organization_id", "id"),
        Index("ix_audit_events_org_resource", "organization_id", "resource_type", "resource_id", "id"),
        Index("ix_audit_events_org_actor", "organization_id", "actor_type", "actor_id", "id"),
        Index("ix_audit_events_org_time", "organization_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The organization the record belongs to (the caller's, for records that belong to none); null for
    # records of no organization changed outside one (service accounts, by the operator's CLI).
    organization_id: Mapped[int | None] = mapped_column(Integer)
    actor_type: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    # The actor as people know it (email, name, serial number; the command for `system`), kept as it
    # was: the actor may be renamed or deleted later.
    actor_display: Mapped[str | None] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(10))
    # The table of the record and its primary key (several columns' values joined with ":").
    resource_type: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[str] = mapped_column(String(200))
    resource_display: Mapped[str | None] = mapped_column(String(320))
    # {column: [before, after]}, JSON-ready; secrets shown as "[redacted]".
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    method: Mapped[str | None] = mapped_column(String(10))
    path: Mapped[str | None] = mapped_column(String(500))
    # Shared by every row one request wrote.
    request_id: Mapped[str | None] = mapped_column(String(32))


_TABLE = AuditEvent.__table__


class AuditLogIsAppendOnly(RuntimeError):
    """An update or delete of an audit event was attempted."""


def _refuse(*_args: Any) -> None:
    raise AuditLogIsAppendOnly("audit events are never updated or deleted")


event.listen(AuditEvent, "before_update", _refuse)
event.listen(AuditEvent, "before_delete", _refuse)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk(state: ORMExecuteState) -> None:
    """``session.execute(update(AuditEvent))`` and ``delete(...)`` skip the mapper events above."""
    table = getattr(state.statement, "table", None)
    if (state.is_update or state.is_delete) and getattr(table, "name", None) == _TABLE.name:
        _refuse()
