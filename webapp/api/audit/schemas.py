"""Schemas of the audit log API."""

from datetime import UTC

import marshmallow as ma
from marshmallow import validate

from webapp.api.envelope import PageArgsSchema
from webapp.models.audit import ACTIONS, ACTOR_TYPES


class AuditEventSchema(ma.Schema):
    id = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    organization_id = ma.fields.Integer(allow_none=True)
    actor_type = ma.fields.String(metadata={"enum": list(ACTOR_TYPES)})
    actor_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "The user's, service account's, device's or token's id"}
    )
    actor_display = ma.fields.String(
        allow_none=True,
        metadata={"description": "The actor as it was then: email, name; the command for `system`"},
    )
    action = ma.fields.String(metadata={"enum": list(ACTIONS)})
    resource_type = ma.fields.String(metadata={"description": "The record's table, e.g. `devices`"})
    resource_id = ma.fields.String(
        metadata={"description": "The record's id (a composite key's values joined with `:`)"}
    )
    resource_display = ma.fields.String(allow_none=True, metadata={"description": "Its name, email…"})
    changes = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.Raw(allow_none=True)),
        metadata={"description": 'Per column, [before, after]; secrets as "[redacted]"'},
    )
    remote_addr = ma.fields.String(allow_none=True, metadata={"description": "The client's address"})
    method = ma.fields.String(allow_none=True)
    path = ma.fields.String(allow_none=True)
    request_id = ma.fields.String(
        allow_none=True, metadata={"description": "The same for every event of one request"}
    )


class AuditEventQueryArgsSchema(PageArgsSchema):
    actor_type = ma.fields.String(validate=validate.OneOf(ACTOR_TYPES), metadata={"enum": list(ACTOR_TYPES)})
    actor_id = ma.fields.Integer()
    resource_type = ma.fields.String(validate=validate.Length(min=1, max=64))
    resource_id = ma.fields.String(validate=validate.Length(min=1, max=200))
    action = ma.fields.String(validate=validate.OneOf(ACTIONS), metadata={"enum": list(ACTIONS)})
    since = ma.fields.AwareDateTime(default_timezone=UTC, metadata={"description": "At or after (ISO 8601)"})
    until = ma.fields.AwareDateTime(default_timezone=UTC, metadata={"description": "Before (ISO 8601)"})
