"""Routes of the training schedules API."""

from typing import Any

from flask.views import MethodView

from webapp.api.envelope import Blueprint
from webapp.api.schedules.schemas import (
    ScheduleCreateSchema,
    ScheduleOutcomeSchema,
    ScheduleQueryArgsSchema,
    ScheduleRunSchema,
    ScheduleRunStartSchema,
    ScheduleSchema,
    ScheduleUpdateSchema,
)
from webapp.auth import ANY_ROLE, MANAGERS, SERVICE_ROLE, calling_user, current_org, user_required
from webapp.extensions import db
from webapp.services import schedules

blp = Blueprint("schedules", __name__, url_prefix="/ml/schedules", description="Scheduled training")


@blp.route("")
class Schedules(MethodView):
    @user_required(ANY_ROLE)
    @blp.arguments(ScheduleQueryArgsSchema, location="query")
    @blp.response(200, ScheduleSchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listSchedules")
    def get(self, args: dict[str, Any]) -> Any:
        """List training schedules (active as Prefect reports it)."""
        return schedules.list_(db.session, current_org().id, **args)

    @user_required(MANAGERS)
    @blp.arguments(ScheduleCreateSchema)
    @blp.response(201, ScheduleSchema)
    @blp.alt_response(404, response="NOT_FOUND", description="A referenced record does not exist")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(operationId="createSchedule")
    def post(self, body: dict[str, Any]) -> Any:
        """Schedule dataset versions + training for a project (a real Prefect schedule)."""
        return schedules.create(db.session, current_org().id, calling_user(), **body)


@blp.route("/<int:schedule_id>")
class ScheduleById(MethodView):
    @user_required((*ANY_ROLE, SERVICE_ROLE))
    @blp.response(200, ScheduleSchema)
    @blp.doc(operationId="getSchedule")
    def get(self, schedule_id: int) -> Any:
        """Get a schedule and what its last run did."""
        return schedules.get(db.session, current_org().id, schedule_id)

    @user_required(MANAGERS)
    @blp.arguments(ScheduleUpdateSchema)
    @blp.response(200, ScheduleSchema)
    @blp.doc(operationId="updateSchedule")
    def patch(self, changes: dict[str, Any], schedule_id: int) -> Any:
        """Change a schedule, or pause / resume it."""
        return schedules.update(db.session, current_org().id, schedule_id, changes)

    @user_required(MANAGERS)
    @blp.response(204)
    @blp.doc(operationId="deleteSchedule")
    def delete(self, schedule_id: int) -> None:
        """Delete a schedule (and its Prefect schedule)."""
        schedules.delete(db.session, current_org().id, schedule_id)


@blp.route("/<int:schedule_id>/run")
class ScheduleRunNow(MethodView):
    @user_required(MANAGERS)
    @blp.response(202, ScheduleRunSchema)
    @blp.alt_response(
        429,
        response="RATE_LIMITED",
        description="The organization's limit of dataset versions or training jobs",
    )
    @blp.doc(operationId="runScheduleNow")
    def post(self, schedule_id: int) -> Any:
        """Run the schedule once now, as Prefect would at its next time."""
        return {"flow_run_id": schedules.run_now(db.session, current_org().id, schedule_id)}


@blp.route("/<int:schedule_id>/runs")
class ScheduleRunStart(MethodView):
    @user_required((SERVICE_ROLE,))
    @blp.response(200, ScheduleRunStartSchema)
    @blp.doc(operationId="startScheduleRun")
    def post(self, schedule_id: int) -> Any:
        """Begin a scheduled run: cut a dataset version if enough is new (the scheduled flow)."""
        return schedules.start_run(db.session, current_org().id, schedule_id)


@blp.route("/<int:schedule_id>/last-run")
class ScheduleOutcome(MethodView):
    @user_required((SERVICE_ROLE,))
    @blp.arguments(ScheduleOutcomeSchema)
    @blp.response(200, ScheduleSchema)
    @blp.doc(operationId="recordScheduleOutcome")
    def patch(self, changes: dict[str, Any], schedule_id: int) -> Any:
        """Record what the scheduled run did (the scheduled flow)."""
        return schedules.record_outcome(db.session, current_org().id, schedule_id, changes)
