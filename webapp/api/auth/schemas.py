"""Schemas of the sign-in API."""

import marshmallow as ma
from marshmallow import validate

from webapp.api.users.schemas import UserSchema


class OrganizationBriefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    slug = ma.fields.String()


class MeSchema(UserSchema):
    organization = ma.fields.Nested(OrganizationBriefSchema)


class TokensSchema(ma.Schema):
    access_token = ma.fields.String(metadata={"description": "Send as 'Authorization: Bearer <token>'"})
    refresh_token = ma.fields.String(
        metadata={"description": "POST /api/auth/refresh with it as the Bearer token; works once"}
    )
    token_type = ma.fields.String(metadata={"example": "Bearer"})
    expires_in = ma.fields.Integer(metadata={"description": "Seconds the access token is valid"})
    user = ma.fields.Nested(MeSchema, metadata={"description": "Who signed in (sign-in only)"})


class LogoutSchema(ma.Schema):
    refresh_token = ma.fields.String(
        validate=validate.Length(min=1, max=4096),
        metadata={"description": "Revoke this refresh token of yours as well"},
    )


class LoginArgsSchema(ma.Schema):
    return_to = ma.fields.String(
        validate=validate.OneOf(["console"]),
        metadata={"description": "`console`: the browser comes back to the web console, signed in"},
    )


class LoginLinkSchema(ma.Schema):
    token = ma.fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "The secret in the sign-in link's #fragment (`token=`)"},
    )


class SignInMethodsSchema(ma.Schema):
    oidc = ma.fields.Boolean(metadata={"description": "Sign-in with the OpenID Connect provider is set up"})
    login_link = ma.fields.Boolean(
        metadata={"description": "One-time links from `acusight users login-link`"}
    )
