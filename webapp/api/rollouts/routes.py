"""Routes of the rollouts API: start, read, promote, pause, resume and roll back staged rollouts; the
evaluation flow's targets and decisions; an evaluation now."""

from datetime import timedelta
from typing import Any

from flask.views import MethodView

from webapp import orchestration
from webapp.api.envelope import Blueprint
from webapp.api.exports.routes import READERS
from webapp.api.rollouts.schemas import (
    DecisionCreateSchema,
    ReasonSchema,
    RolloutCheckCreateSchema,
    RolloutCheckSchema,
    RolloutCreateSchema,
    RolloutDetailSchema,
    RolloutQueryArgsSchema,
    RolloutSchema,
    RolloutTargetSchema,
)
from webapp.auth import (
    MANAGERS,
    SERVICE_ROLE,
    calling_user,
    current_org,
    current_user,
    service_required,
    user_required,
)
from webapp.errors import Conflict
from webapp.extensions import db
from webapp.models import Rollout
from webapp.services import rollouts
from webapp.settings import get_settings

blp = Blueprint("rollouts", __name__, url_prefix="/ml", description="Staged model rollouts")


def _detailed(rollout: Rollout) -> Rollout:
    """The rollout with its current stage's figures, for the detail schema."""
    settings = get_settings()
    rollout.current_figures = rollouts.figures(  # type: ignore[attr-defined]
        db.session,
        rollout,
        baseline_hours=settings.rollout_baseline_hours,
        minute_retention=timedelta(days=settings.field_minute_retention_days),
    )
    return rollout


@blp.route("/rollouts")
class Rollouts(MethodView):
    @user_required(READERS)
    @blp.arguments(RolloutQueryArgsSchema, location="query")
    @blp.response(200, RolloutSchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listRollouts")
    def get(self, args: dict[str, Any]) -> Any:
        """List rollouts, newest first."""
        return rollouts.list_(db.session, current_org().id, **args)

    @user_required(MANAGERS)
    @blp.arguments(RolloutCreateSchema)
    @blp.response(201, RolloutDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND", description="No such export or project in the organization")
    @blp.alt_response(
        409,
        response="CONFLICT",
        description="The export has not succeeded, is already the project's, the project is archived, or "
        "another rollout holds the project",
    )
    @blp.doc(operationId="createRollout")
    def post(self, body: dict[str, Any]) -> Any:
        """Start a staged rollout of an export to its project's devices (narrowed by tags); its first
        stage's devices get the export at their next check-in."""
        return _detailed(rollouts.create(db.session, current_org().id, calling_user(), body))


@blp.route("/rollouts/<int:rollout_id>")
class RolloutById(MethodView):
    @user_required(READERS)
    @blp.response(200, RolloutDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getRollout")
    def get(self, rollout_id: int) -> Any:
        """A rollout with its stages, every decision and the figures it compared, and the current stage's
        figures."""
        return _detailed(rollouts.get(db.session, current_org().id, rollout_id))


def _action(name: str, operation: str, summary: str, allowed: str) -> None:
    """One of the by-hand routes: POST /rollouts/{id}/<name> with an optional reason."""
    act = getattr(rollouts, name)

    @user_required(MANAGERS)
    @blp.arguments(ReasonSchema, required=False)
    @blp.response(200, RolloutDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description=f"The rollout is not {allowed}")
    @blp.doc(operationId=operation, summary=summary)
    def post(self: MethodView, body: dict[str, Any], rollout_id: int) -> Any:
        rollout = act(db.session, current_org().id, rollout_id, current_user(), (body or {}).get("reason"))
        return _detailed(rollout)

    post.__doc__ = summary
    view = type(f"Rollout{name.title()}", (MethodView,), {"post": post})
    blp.route(f"/rollouts/<int:rollout_id>/{name}")(view)


_action(
    "promote", "promoteRollout", "Move the rollout to its next stage now, or complete it", "active or paused"
)
_action("pause", "pauseRollout", "Pause the rollout: its devices keep the export, nothing moves", "active")
_action("resume", "resumeRollout", "Resume a paused rollout", "paused")
_action(
    "rollback",
    "rollbackRollout",
    "Roll the rollout back: its devices go back to their previous export at their next check-in",
    "active, paused or completed",
)


@blp.route("/rollouts/<int:rollout_id>/decisions")
class RolloutDecisions(MethodView):
    @user_required((SERVICE_ROLE,))
    @blp.arguments(DecisionCreateSchema)
    @blp.response(200, RolloutDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(
        409,
        response="CONFLICT",
        description="The rollout is no longer active, moved to another stage meanwhile, or is promoted "
        "by hand",
    )
    @blp.doc(operationId="createRolloutDecision")
    def post(self, body: dict[str, Any], rollout_id: int) -> Any:
        """The evaluation flow's decision on a stage (service accounts only): promote, hold or roll back."""
        return _detailed(rollouts.decide(db.session, current_org().id, rollout_id, body))


@blp.route("/rollout-targets")
class RolloutTargets(MethodView):
    @service_required
    @blp.response(200, RolloutTargetSchema(many=True))
    @blp.doc(operationId="listRolloutTargets")
    def get(self) -> Any:
        """Every active rollout of every organization (service accounts only: the evaluation flow)."""
        return rollouts.targets(db.session)


@blp.route("/rollout-checks")
class RolloutChecks(MethodView):
    @user_required(MANAGERS)
    @blp.arguments(RolloutCheckCreateSchema)
    @blp.response(202, RolloutCheckSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="The rollout is not active")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(operationId="createRolloutCheck")
    def post(self, body: dict[str, Any]) -> Any:
        """Evaluate an active rollout now, without waiting for the schedule (a rollout-evaluation run)."""
        rollout = rollouts.get(db.session, current_org().id, body["rollout_id"])
        if rollout.status != "active":
            raise Conflict(f"Rollout {rollout.id} is {rollout.status}", "only an active rollout is evaluated")
        flow_run_id = orchestration.start("rollout_evaluation", {"rollout_id": rollout.id})
        return {"rollout_id": rollout.id, "flow_run_id": flow_run_id}
