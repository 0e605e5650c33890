"""Schemas of the provisioning-token API."""

import marshmallow as ma
from marshmallow import validate

from webapp.api.fields import name_field
from webapp.services import provisioning


class ProvisioningTokenSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    prefix = ma.fields.String(attribute="token_prefix", metadata={"description": "Public part"})
    project_id = ma.fields.Integer(allow_none=True)
    max_uses = ma.fields.Integer()
    use_count = ma.fields.Integer()
    expires_at = ma.fields.DateTime()
    revoked_at = ma.fields.DateTime(allow_none=True)
    last_used_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    status = ma.fields.Function(
        provisioning.status,
        metadata={"enum": ["active", "expired", "revoked", "used_up"]},
    )


class ProvisioningTokenCreatedSchema(ProvisioningTokenSchema):
    token = ma.fields.String(metadata={"description": "The secret, shown only in this response"})


class ProvisioningTokenCreateSchema(ma.Schema):
    name = name_field()
    expires_in_hours = ma.fields.Float(load_default=24, validate=validate.Range(min=0.01, max=24 * 365))
    max_uses = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    project_id = ma.fields.Integer(allow_none=True, load_default=None)
