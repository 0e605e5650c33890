"""Routes of the field API: an export's field metrics, drift events, and the drift flow's targets."""

from datetime import timedelta
from typing import Any

from flask.views import MethodView

from webapp import orchestration
from webapp.api.envelope import Blueprint
from webapp.api.exports.routes import READERS
from webapp.api.field.schemas import (
    DriftCheckCreateSchema,
    DriftCheckSchema,
    DriftEventCreateSchema,
    DriftEventQueryArgsSchema,
    DriftEventSchema,
    DriftTargetSchema,
    FieldMetricsArgsSchema,
    FieldMetricsSchema,
)
from webapp.auth import MANAGERS, SERVICE_ROLE, current_org, service_required, user_required
from webapp.extensions import db
from webapp.services import drift, exports, field_metrics
from webapp.settings import get_settings

blp = Blueprint("field", __name__, url_prefix="/ml", description="Deployed models in the field, and drift")


@blp.route("/export-jobs/<int:job_id>/field-metrics")
class FieldMetrics(MethodView):
    @user_required(READERS)
    @blp.arguments(FieldMetricsArgsSchema, location="query")
    @blp.response(200, FieldMetricsSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getFieldMetrics")
    def get(self, args: dict[str, Any], job_id: int) -> Any:
        """How the export does on devices: predictions, class mix, confidence, latency per bucket, and
        the same figures on its model's held-out images (reference)."""
        return field_metrics.metrics(db.session, current_org().id, job_id, **args)


@blp.route("/drift-events")
class DriftEvents(MethodView):
    @user_required(READERS)
    @blp.arguments(DriftEventQueryArgsSchema, location="query")
    @blp.response(200, DriftEventSchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listDriftEvents")
    def get(self, args: dict[str, Any]) -> Any:
        """List drift events, newest first."""
        return drift.list_(db.session, current_org().id, **args)

    @user_required((SERVICE_ROLE,))
    @blp.arguments(DriftEventCreateSchema)
    @blp.response(201, DriftEventSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="createDriftEvent")
    def post(self, body: dict[str, Any]) -> Any:
        """Record drift (the drift-check flow); the project's sampling rises for a while."""
        settings = get_settings()
        return drift.record(
            db.session,
            current_org().id,
            body,
            boost_rate=settings.drift_boost_rate,
            boost_for=timedelta(hours=settings.drift_boost_hours),
        )


@blp.route("/drift-events/<int:event_id>")
class DriftEventById(MethodView):
    @user_required(READERS)
    @blp.response(200, DriftEventSchema)
    @blp.doc(operationId="getDriftEvent")
    def get(self, event_id: int) -> Any:
        """Get a drift event."""
        return drift.get(db.session, current_org().id, event_id)


@blp.route("/drift-checks")
class DriftChecks(MethodView):
    @user_required(MANAGERS)
    @blp.arguments(DriftCheckCreateSchema)
    @blp.response(202, DriftCheckSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(operationId="createDriftCheck")
    def post(self, body: dict[str, Any]) -> Any:
        """Check a deployed export for drift now, without waiting for the schedule (a drift-check run)."""
        export = exports.get(db.session, current_org().id, body["export_id"])
        flow_run_id = orchestration.start("drift_check", {"export_id": export.id})
        return {"export_id": export.id, "flow_run_id": flow_run_id}


@blp.route("/drift-targets")
class DriftTargets(MethodView):
    @service_required
    @blp.response(200, DriftTargetSchema(many=True))
    @blp.doc(operationId="listDriftTargets")
    def get(self) -> Any:
        """Every deployed export of every organization (service accounts only: the drift-check flow)."""
        return drift.targets(db.session)
