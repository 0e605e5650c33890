"""Routes of the webhooks API (admins)."""

from typing import Any

from flask.views import MethodView

from webapp.api.envelope import Blueprint, PageArgsSchema
from webapp.api.webhooks.schemas import (
    WebhookDeliveryQueryArgsSchema,
    WebhookDeliverySchema,
    WebhookEndpointCreatedSchema,
    WebhookEndpointCreateSchema,
    WebhookEndpointSchema,
    WebhookEndpointUpdateSchema,
)
from webapp.auth import ADMINS, current_org, current_user, user_required
from webapp.extensions import db
from webapp.integrations.webhooks import endpoints
from webapp.settings import get_settings

blp = Blueprint(
    "webhooks",
    __name__,
    url_prefix="/webhooks",
    description="Signed event webhooks: endpoints that hear the organization's events (admins)",
)


@blp.route("")
class Webhooks(MethodView):
    @user_required(ADMINS)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, WebhookEndpointSchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listWebhooks")
    def get(self, args: dict[str, Any]) -> Any:
        """List the organization's webhook endpoints, newest first (their secrets are never shown again)."""
        return endpoints.list_(db.session, current_org().id, **args)

    @user_required(ADMINS)
    @blp.arguments(WebhookEndpointCreateSchema)
    @blp.response(201, WebhookEndpointCreatedSchema)
    @blp.doc(operationId="createWebhook")
    def post(self, body: dict[str, Any]) -> Any:
        """Register an endpoint for some events; the answer holds its signing secret, this once."""
        settings = get_settings()
        hook, secret = endpoints.create(
            db.session,
            current_org().id,
            current_user(),
            url=body["url"],
            events=body["events"],
            app_secret=settings.secret_key,
            allow_private=settings.webhook_allow_private_urls,
        )
        hook.secret = secret  # type: ignore[attr-defined]  # answered, never stored (as provisioning's)
        return hook


@blp.route("/<int:webhook_id>")
class WebhookById(MethodView):
    @user_required(ADMINS)
    @blp.response(200, WebhookEndpointSchema)
    @blp.doc(operationId="getWebhook")
    def get(self, webhook_id: int) -> Any:
        """Get one webhook endpoint."""
        return endpoints.get(db.session, current_org().id, webhook_id)

    @user_required(ADMINS)
    @blp.arguments(WebhookEndpointUpdateSchema)
    @blp.response(200, WebhookEndpointSchema)
    @blp.doc(operationId="updateWebhook")
    def patch(self, changes: dict[str, Any], webhook_id: int) -> Any:
        """Change an endpoint's URL or events, or turn it off and on (on again, what waited is sent)."""
        allow_private = get_settings().webhook_allow_private_urls
        return endpoints.update(
            db.session, current_org().id, webhook_id, changes, allow_private=allow_private
        )

    @user_required(ADMINS)
    @blp.response(204)
    @blp.doc(operationId="deleteWebhook")
    def delete(self, webhook_id: int) -> None:
        """Remove an endpoint with its deliveries' log; what was pending is not sent."""
        endpoints.delete(db.session, current_org().id, webhook_id)


@blp.route("/<int:webhook_id>/deliveries")
class Deliveries(MethodView):
    @user_required(ADMINS)
    @blp.arguments(WebhookDeliveryQueryArgsSchema, location="query")
    @blp.response(200, WebhookDeliverySchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listWebhookDeliveries")
    def get(self, args: dict[str, Any], webhook_id: int) -> Any:
        """The endpoint's deliveries, newest first: status, attempts, last answer or error, next try."""
        return endpoints.list_deliveries(db.session, current_org().id, webhook_id, **args)


@blp.route("/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver")
class Redeliver(MethodView):
    @user_required(ADMINS)
    @blp.response(201, WebhookDeliverySchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="redeliverWebhookDelivery")
    def post(self, webhook_id: int, delivery_id: int) -> Any:
        """Send a delivery's event again as a new delivery: same body and event id, new Acusight-Delivery."""
        return endpoints.redeliver(db.session, current_org().id, webhook_id, delivery_id)


@blp.route("/<int:webhook_id>/ping")
class Ping(MethodView):
    @user_required(ADMINS)
    @blp.response(201, WebhookDeliverySchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="pingWebhook")
    def post(self, webhook_id: int) -> Any:
        """Queue a signed ``ping`` event to this endpoint alone, to check that it receives and verifies."""
        return endpoints.ping(db.session, current_org().id, webhook_id)
