"""Schemas of the batches API."""

from datetime import UTC

import marshmallow as ma
from marshmallow import validate

from webapp.api.envelope import PageArgsSchema
from webapp.api.fields import name_field, optional_text
from webapp.models import BATCH_STATUSES
from webapp.services import batches


class BatchTransitionSchema(ma.Schema):
    from_status = ma.fields.String(metadata={"enum": list(BATCH_STATUSES)})
    to_status = ma.fields.String(metadata={"enum": list(BATCH_STATUSES)})
    by = ma.fields.Function(
        lambda t: t.user.email if t.user is not None else None,
        allow_none=True,
        metadata={"type": "string", "description": "The person who moved it; null for a service account"},
    )
    at = ma.fields.DateTime()


class BatchSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    notes = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"enum": list(BATCH_STATUSES)})
    next_statuses = ma.fields.Function(
        lambda b: list(batches.next_statuses(b)),
        metadata={"description": "The statuses this batch may move to"},
    )
    project_id = ma.fields.Integer(allow_none=True)
    device_id = ma.fields.Integer(allow_none=True)
    day = ma.fields.Date(allow_none=True)
    image_count = ma.fields.Integer()
    annotated_count = ma.fields.Integer(metadata={"description": "Images of the batch with an annotation"})
    transitions = ma.fields.List(
        ma.fields.Nested(BatchTransitionSchema),
        metadata={"description": "Its status changes, oldest first (it was created open)"},
    )
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class BatchUpdateSchema(ma.Schema):
    name = name_field(required=False)
    notes = optional_text(5000)
    project_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "Move the batch and its images (unannotated batches only)"}
    )
    status = ma.fields.String(validate=validate.OneOf(BATCH_STATUSES))


class BatchQueryArgsSchema(PageArgsSchema):
    project_id = ma.fields.Integer()
    device_id = ma.fields.Integer()
    status = ma.fields.String(validate=validate.OneOf(BATCH_STATUSES))
    created_after = ma.fields.AwareDateTime(
        default_timezone=UTC, metadata={"description": "Inclusive; naive times are UTC"}
    )
    created_before = ma.fields.AwareDateTime(
        default_timezone=UTC, metadata={"description": "Exclusive; naive times are UTC"}
    )
