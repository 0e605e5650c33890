"""Schemas of the users API."""

import marshmallow as ma
from marshmallow import validate

from webapp.api.envelope import PageArgsSchema
from webapp.api.fields import name_field
from webapp.models import ROLES
from webapp.services import accounts


class UserSchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    name = ma.fields.String(allow_none=True)
    role = ma.fields.String(metadata={"enum": list(ROLES)})
    disabled = ma.fields.Boolean()
    oidc_issuer = ma.fields.String(
        allow_none=True, metadata={"description": "The provider the user signs in with; null until linked"}
    )
    last_login_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class UserUpdateSchema(ma.Schema):
    role = ma.fields.String(validate=validate.OneOf(ROLES), metadata={"enum": list(ROLES)})
    disabled = ma.fields.Boolean(metadata={"description": "A disabled user's tokens stop working at once"})
    name = name_field(required=False)


class UserQueryArgsSchema(PageArgsSchema):
    role = ma.fields.String(validate=validate.OneOf(ROLES))
    disabled = ma.fields.Boolean()


class InvitationSchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    role = ma.fields.String(metadata={"enum": list(ROLES)})
    status = ma.fields.Function(
        accounts.invitation_status, metadata={"enum": list(accounts.INVITATION_STATUSES)}
    )
    expires_at = ma.fields.DateTime()
    accepted_at = ma.fields.DateTime(allow_none=True)
    user_id = ma.fields.Integer(allow_none=True, metadata={"description": "The user it became"})
    invited_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()


class InvitationCreateSchema(ma.Schema):
    email = ma.fields.Email(required=True, validate=validate.Length(max=320))
    role = ma.fields.String(required=True, validate=validate.OneOf(ROLES), metadata={"enum": list(ROLES)})
    expires_in_days = ma.fields.Integer(
        validate=validate.Range(min=1, max=90),
        metadata={"description": "Default: ACUSIGHT_INVITATION_DAYS (7)"},
    )


class InvitationQueryArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=validate.OneOf(accounts.INVITATION_STATUSES))


class DomainRuleSchema(ma.Schema):
    id = ma.fields.Integer()
    domain = ma.fields.String()
    role = ma.fields.String(metadata={"enum": list(ROLES)})
    created_at = ma.fields.DateTime()
