"""Routes of the provisioning-token API (admins only)."""

from typing import Any

from flask.views import MethodView

from webapp.api.envelope import Blueprint, PageArgsSchema
from webapp.api.provisioning.schemas import (
    ProvisioningTokenCreatedSchema,
    ProvisioningTokenCreateSchema,
    ProvisioningTokenSchema,
)
from webapp.auth import ADMINS, current_org, current_user, user_required
from webapp.extensions import db
from webapp.services import provisioning

blp = Blueprint(
    "provisioning-tokens",
    __name__,
    url_prefix="/provisioning-tokens",
    description="One-time tokens devices are provisioned with",
)


@blp.route("")
class ProvisioningTokens(MethodView):
    @user_required(ADMINS)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, ProvisioningTokenSchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listProvisioningTokens")
    def get(self, args: dict[str, Any]) -> Any:
        """List provisioning tokens (never their secrets)."""
        return provisioning.list_(db.session, current_org().id, **args)

    @user_required(ADMINS)
    @blp.arguments(ProvisioningTokenCreateSchema)
    @blp.response(201, ProvisioningTokenCreatedSchema)
    @blp.alt_response(404, response="NOT_FOUND", description="A referenced record does not exist")
    @blp.doc(operationId="createProvisioningToken")
    def post(self, body: dict[str, Any]) -> Any:
        """Create a provisioning token; its secret (apt_…) is shown once, as data.token."""
        token, secret = provisioning.create(db.session, current_user(), **body)
        token.token = secret
        return token


@blp.route("/<int:token_id>")
class ProvisioningTokenById(MethodView):
    @user_required(ADMINS)
    @blp.response(200, ProvisioningTokenSchema)
    @blp.doc(operationId="revokeProvisioningToken")
    def delete(self, token_id: int) -> Any:
        """Revoke a provisioning token."""
        return provisioning.revoke(db.session, current_org().id, token_id)
