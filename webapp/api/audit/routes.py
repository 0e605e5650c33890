"""Routes of the audit log API (admins): reading only; nothing updates or deletes an event."""

from typing import Any

from flask.views import MethodView

from webapp.api.audit.schemas import AuditEventQueryArgsSchema, AuditEventSchema
from webapp.api.envelope import Blueprint
from webapp.auth import ADMINS, current_org, user_required
from webapp.extensions import db
from webapp.services import audit

blp = Blueprint(
    "audit", __name__, url_prefix="/audit-events", description="Who changed what, when, from where (admins)"
)


@blp.route("")
class AuditEvents(MethodView):
    @user_required(ADMINS)
    @blp.arguments(AuditEventQueryArgsSchema, location="query")
    @blp.response(200, AuditEventSchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listAuditEvents")
    def get(self, args: dict[str, Any]) -> Any:
        """List the organization's audit events, newest first."""
        return audit.list_(db.session, current_org().id, **args)


@blp.route("/<int:event_id>")
class AuditEventById(MethodView):
    @user_required(ADMINS)
    @blp.response(200, AuditEventSchema)
    @blp.doc(operationId="getAuditEvent")
    def get(self, event_id: int) -> Any:
        """Get one audit event."""
        return audit.get(db.session, current_org().id, event_id)
