"""Routes of the training jobs API."""

from typing import Any

from flask import request
from flask.views import MethodView

from webapp.api.envelope import Blueprint
from webapp.api.models.schemas import ModelVersionSchema
from webapp.api.training.schemas import (
    ModelUploadFormSchema,
    ModelUploadSchema,
    TrainingJobCreateSchema,
    TrainingJobQueryArgsSchema,
    TrainingJobReportSchema,
    TrainingJobSchema,
)
from webapp.auth import ANY_ROLE, MANAGERS, SERVICE_ROLE, calling_user, current_org, user_required
from webapp.errors import ValidationError
from webapp.extensions import db
from webapp.services import models, training
from webapp.storage import StagedFile, get_store

blp = Blueprint("training-jobs", __name__, url_prefix="/ml/training-jobs", description="Training jobs")


@blp.route("")
class TrainingJobs(MethodView):
    @user_required((*ANY_ROLE, SERVICE_ROLE))
    @blp.arguments(TrainingJobQueryArgsSchema, location="query")
    @blp.response(200, TrainingJobSchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listTrainingJobs")
    def get(self, args: dict[str, Any]) -> Any:
        """List training jobs, newest first."""
        return training.list_(db.session, current_org().id, **args)

    @user_required((*MANAGERS, SERVICE_ROLE))
    @blp.arguments(TrainingJobCreateSchema)
    @blp.response(201, TrainingJobSchema)
    @blp.alt_response(404, response="NOT_FOUND", description="A referenced record does not exist")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(
        429,
        response="RATE_LIMITED",
        description="The organization's limit of these jobs is queued or running",
    )
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(operationId="createTrainingJob")
    def post(self, body: dict[str, Any]) -> Any:
        """Train a model on a ready dataset version (params override params.yaml's train section)."""
        return training.create(db.session, current_org().id, calling_user(), **body)


@blp.route("/<int:job_id>")
class TrainingJobById(MethodView):
    @user_required((*ANY_ROLE, SERVICE_ROLE))
    @blp.response(200, TrainingJobSchema)
    @blp.doc(operationId="getTrainingJob")
    def get(self, job_id: int) -> Any:
        """Get a training job: live progress while it runs, metrics when done."""
        return training.get(db.session, current_org().id, job_id)

    @user_required((SERVICE_ROLE,))
    @blp.arguments(TrainingJobReportSchema)
    @blp.response(200, TrainingJobSchema)
    @blp.doc(operationId="updateTrainingJob")
    def patch(self, changes: dict[str, Any], job_id: int) -> Any:
        """Report status, progress, metrics or the error (the training flow)."""
        return training.report(db.session, current_org().id, job_id, changes)


@blp.route("/<int:job_id>/cancel")
class TrainingJobCancel(MethodView):
    @user_required(MANAGERS)
    @blp.response(200, TrainingJobSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="cancelTrainingJob")
    def post(self, job_id: int) -> Any:
        """Cancel a queued or running job (its Prefect flow run is cancelled)."""
        return training.cancel(db.session, current_org().id, job_id)


@blp.route("/<int:job_id>/model")
class TrainingJobModel(MethodView):
    @user_required((SERVICE_ROLE,))
    @blp.multipart(ModelUploadFormSchema, ModelUploadSchema)
    @blp.response(201, ModelVersionSchema)
    @blp.doc(operationId="registerTrainingModel")
    def post(self, form: dict[str, str], job_id: int) -> Any:
        """Upload the job's checkpoint (multipart `file`) and register its model version (the flow)."""
        file = request.files.get("file")
        if file is None or not isinstance(file.stream, StagedFile):
            raise ValidationError("Send the checkpoint as the multipart part `file`")
        return models.register_upload(db.session, get_store(), current_org().id, job_id, file.stream, form)
