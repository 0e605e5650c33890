"""Every ORM change, written as audit events in the same flush: who, what, which record, from where.

One listener on the app's sessions (``after_flush``) reads the attribute history of the records the
flush inserted, updated and deleted, and writes one ``audit_events`` row per changed record, all in one
executemany on the flush's connection: in the change's own transaction, so a rolled-back change leaves
no event and a committed one always has its event. A new model is audited without anyone remembering
to; only what :data:`UNAUDITED_TABLES` and :data:`NOISE_COLUMNS` name is left out.

What the listener cannot see: statements sent as SQL (``insert()``/``update()``/``delete()`` on a table
or a model) rather than through the ORM's unit of work, and rows the database's own ``ON DELETE
CASCADE`` removes. docs/how-to/audit-log.md lists those of the platform.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import click
from flask import Flask, g, has_request_context, request
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Mapper, Session, sessionmaker
from sqlalchemy.orm.attributes import NO_VALUE

from webapp.models import AuditEvent, utcnow

# Telemetry and bookkeeping, recorded elsewhere or at a rate no one reads as a log: a device's check-ins
# and inference reports, per-request sign-in bookkeeping (a refresh rotates a token), Label Studio's
# per-image sync rows and pull queue, webhook deliveries (an outbox: one per event and endpoint, then
# each attempt), the history a batch keeps itself, and the log itself.
UNAUDITED_TABLES = frozenset(
    {
        AuditEvent.__tablename__,
        "device_checkins",
        "inference_batches",
        "inference_samples",
        "field_stats",
        "field_class_counts",
        "revoked_tokens",
        "label_studio_tasks",
        "label_studio_pull_requests",
        "webhook_deliveries",
        "batch_transitions",
    }
)
# Columns that move on their own (seen, used, signed in, evaluated: every ``last_*_at``; a flow's
# progress; leases): left out of every event, and an update that changed nothing else writes none.
NOISE_COLUMNS = frozenset({"updated_at", "progress", "drift_check", "pull_claimed_at", "locked_until"})
NOISE_BY_TABLE: dict[str, frozenset[str]] = {
    "label_studio_links": frozenset({"last_error"}),
}


def is_noise(table: str, column: str) -> bool:
    if column in NOISE_COLUMNS or column in NOISE_BY_TABLE.get(table, ()):
        return True
    return column.startswith("last_") and column.endswith("_at")


# A column is a secret when one of the words of its name (split at "_") is one of these; ids
# (``id``, ``*_id``, ``*_ids``) never are. Its values show only as REDACTED, null as null.
SECRET_WORDS = frozenset(
    {"hash", "secret", "token", "key", "password", "passwd", "credential", "credentials"}
)
REDACTED = "[redacted]"
# Columns whose value names the record for people, in the order tried: kept with every event, so a
# deleted record is still recognisable.
DISPLAY_COLUMNS = ("email", "name", "serial_number", "slug", "label", "tag", "domain")
# A value larger than this (as JSON) is recorded by its size only: logs of job metrics and label lists
# must not grow the log by megabytes per change.
MAX_VALUE_CHARS = 2000
MAX_DISPLAY_CHARS = 320


def is_secret(column: str) -> bool:
    if column == "id" or column.endswith(("_id", "_ids")):
        return False
    return not SECRET_WORDS.isdisjoint(column.lower().split("_"))


def _json_ready(value: Any) -> Any:
    """A column's value as JSON holds it: datetimes and dates as ISO 8601, anything too large by size."""
    if value is None or isinstance(value, bool | int | float | str):
        result = value
    elif isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    elif isinstance(value, Decimal):
        result = str(value)
    elif isinstance(value, enum.Enum):
        result = value.value
    elif isinstance(value, bytes | bytearray | memoryview):
        return f"[{len(value)} bytes]"
    elif isinstance(value, dict | list | tuple | set | frozenset):
        result = sorted(value) if isinstance(value, set | frozenset) else value
        text = json.dumps(result, default=str)
        return result if len(text) <= MAX_VALUE_CHARS else f"[omitted: {len(text)} characters of JSON]"
    else:
        result = str(value)
    if isinstance(result, str) and len(result) > MAX_VALUE_CHARS:
        return f"[omitted: {len(result)} characters]"
    return result


# --- who ------------------------------------------------------------------------------------------------

_IDENTITIES = ("user", "service_account", "device", "calling_device", "organization_id", "organization")


def _forget_earlier_callers() -> None:
    """Each request starts with no caller. A server's requests each get a fresh ``g``; where requests
    share an app context (tests, a command calling the API in process) an earlier request's caller
    would otherwise be taken for this one's when this one authenticates no one."""
    for name in _IDENTITIES:
        g.pop(name, None)
    g.audit_request_id = uuid.uuid4().hex


_NO_REQUEST = {"remote_addr": None, "method": None, "path": None, "request_id": None}


def _actor(new: list[Any]) -> dict[str, Any]:
    """The actor and request columns of the events of this flush."""
    if not has_request_context():
        ctx = click.get_current_context(silent=True)
        command = ctx.command_path[:MAX_DISPLAY_CHARS] if ctx is not None else None
        return {"actor_type": "system", "actor_id": None, "actor_display": command, **_NO_REQUEST}
    columns: dict[str, Any] = {
        "remote_addr": (request.remote_addr or "")[:64] or None,
        "method": request.method[:10],
        "path": request.path[:500],
        "request_id": g.get("audit_request_id"),
    }
    account, user = g.get("service_account"), g.get("user")
    device = g.get("device") or g.get("calling_device")
    if account is not None:
        who = ("service_account", account.id, account.name)
    elif user is not None:
        who = ("user", user.id, user.email)
    elif device is not None:
        who = ("device", device.id, getattr(device, "name", None) or device.serial_number)
    else:
        # Provisioning is the one public route that changes records on a credential of its own: the
        # device it creates names the token it redeemed.
        token_id = next(
            (obj.provisioning_token_id for obj in new if getattr(obj, "__tablename__", None) == "devices"),
            None,
        )
        who = ("provisioning_token", token_id, None) if token_id else ("anonymous", None, None)
    display = who[2][:MAX_DISPLAY_CHARS] if who[2] else None
    columns.update(actor_type=who[0], actor_id=who[1], actor_display=display)
    return columns


def _organization_id(table: str, values: dict[str, Any]) -> int | None:
    if table == "organizations":
        return values.get("id")
    if values.get("organization_id") is not None:
        return int(values["organization_id"])
    return g.get("organization_id") if has_request_context() else None


# --- what ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Column:
    key: str  # the attribute's
    name: str  # the column's
    primary_key: bool
    noise: bool
    secret: bool


@functools.cache
def _columns(mapper: Mapper[Any]) -> tuple[str, tuple[_Column, ...]] | None:
    """A model's table and what the log does with each of its columns; None for unaudited tables.
    Worked out once per model: the flush of every request reads it."""
    table = mapper.persist_selectable.name
    if table in UNAUDITED_TABLES:
        return None
    columns = tuple(
        _Column(
            prop.key,
            (name := prop.columns[0].name),
            prop.columns[0].primary_key,
            is_noise(table, name),
            is_secret(name),
        )
        for prop in mapper.column_attrs
    )
    return table, columns


def _shown(column: _Column, value: Any) -> Any:
    if value is None:
        return None
    return REDACTED if column.secret else _json_ready(value)


def _record(obj: Any, action: str) -> dict[str, Any] | None:
    """The event of one record's change, or None when nothing but noise changed."""
    state = inspect(obj)
    plan = _columns(state.mapper)
    if plan is None:
        return None
    table, columns = plan
    loaded = state.dict
    current: dict[str, Any] = {}
    changes: dict[str, list[Any]] = {}
    for column in columns:
        if action == "update" and not column.noise:
            history = state.attrs[column.key].history
            if history.added or history.deleted:
                # Nothing in ``deleted``: the value was never loaded before it was set (shown as null).
                before = history.deleted[0] if history.deleted else None
                after = history.added[0] if history.added else None
                if before != after:
                    changes[column.name] = [_shown(column, before), _shown(column, after)]
        value = loaded.get(column.key, NO_VALUE)
        if value is NO_VALUE:
            continue  # not loaded (a server default, an expired value): not read for the log
        current[column.name] = value
        if action != "update" and value is not None and not column.noise and not column.primary_key:
            shown = _shown(column, value)
            changes[column.name] = [None, shown] if action == "create" else [shown, None]
    if action == "update" and not changes:
        return None
    identity = state.mapper.primary_key_from_instance(obj)
    display = next((current[c] for c in DISPLAY_COLUMNS if isinstance(current.get(c), str)), None)
    return {
        "organization_id": _organization_id(table, current),
        "action": action,
        "resource_type": table,
        "resource_id": ":".join(str(part) for part in identity)[:200],
        "resource_display": display[:MAX_DISPLAY_CHARS] if display else None,
        "changes": changes,
    }


def _after_flush(session: Session, _context: Any) -> None:
    new, dirty, deleted = list(session.new), list(session.dirty), list(session.deleted)
    events = [
        event
        for objs, action in ((new, "create"), (dirty, "update"), (deleted, "delete"))
        for obj in objs
        if (event := _record(obj, action)) is not None
    ]
    if not events:
        return
    actor = _actor(new)
    now = utcnow()
    # One executemany on the flush's own connection: in its transaction, after its writes.
    session.connection().execute(_INSERT, [{"created_at": now, **actor, **event} for event in events])


_INSERT = insert(AuditEvent.__table__)


def install(app: Flask, factory: sessionmaker[Session]) -> None:
    """Audit every flush of ``factory``'s sessions (the app's), and give each request its id."""
    if not event.contains(factory, "after_flush", _after_flush):
        event.listen(factory, "after_flush", _after_flush)
    app.before_request(_forget_earlier_callers)
