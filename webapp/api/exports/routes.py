"""Routes of the export jobs API."""

from typing import Any

from flask import Response, request
from flask.views import MethodView

from webapp.api.binary import binary_doc, blob_download
from webapp.api.envelope import Blueprint
from webapp.api.exports.schemas import (
    ArtifactUploadFormSchema,
    ArtifactUploadSchema,
    ExportJobCreateSchema,
    ExportJobQueryArgsSchema,
    ExportJobReportSchema,
    ExportJobSchema,
)
from webapp.auth import ANY_ROLE, MANAGERS, SERVICE_ROLE, calling_user, current_org, user_required
from webapp.errors import ValidationError
from webapp.extensions import db
from webapp.services import exports
from webapp.services.models import artifact_key
from webapp.settings import get_settings
from webapp.storage import StagedFile, get_store

blp = Blueprint("export-jobs", __name__, url_prefix="/ml/export-jobs", description="Model exports (ONNX)")

READERS = (*ANY_ROLE, SERVICE_ROLE)


@blp.route("")
class ExportJobs(MethodView):
    @user_required(READERS)
    @blp.arguments(ExportJobQueryArgsSchema, location="query")
    @blp.response(200, ExportJobSchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listExportJobs")
    def get(self, args: dict[str, Any]) -> Any:
        """List export jobs, newest first."""
        return exports.list_(db.session, current_org().id, **args)

    @user_required(MANAGERS)
    @blp.arguments(ExportJobCreateSchema)
    @blp.response(201, ExportJobSchema)
    @blp.alt_response(404, response="NOT_FOUND", description="A referenced record does not exist")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(
        429,
        response="RATE_LIMITED",
        description="The organization's limit of these jobs is queued or running",
    )
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(operationId="createExportJob")
    def post(self, body: dict[str, Any]) -> Any:
        """Export a model of a succeeded training job to ONNX (fp32, fp16 or int8), checked for parity."""
        settings = get_settings()
        body.setdefault("max_accuracy_drop", settings.export_max_accuracy_drop)
        return exports.create(db.session, current_org().id, calling_user(), **body)


@blp.route("/<int:job_id>")
class ExportJobById(MethodView):
    @user_required(READERS)
    @blp.response(200, ExportJobSchema)
    @blp.doc(operationId="getExportJob")
    def get(self, job_id: int) -> Any:
        """Get an export job: status, parity and accuracy figures, latency, artifact."""
        return exports.get(db.session, current_org().id, job_id)

    @user_required((SERVICE_ROLE,))
    @blp.arguments(ExportJobReportSchema)
    @blp.response(200, ExportJobSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="updateExportJob")
    def patch(self, changes: dict[str, Any], job_id: int) -> Any:
        """Report status, figures or the error (the export flow)."""
        return exports.report(db.session, current_org().id, job_id, changes)


@blp.route("/<int:job_id>/artifact")
class ExportJobArtifact(MethodView):
    @user_required((SERVICE_ROLE,))
    @blp.multipart(ArtifactUploadFormSchema, ArtifactUploadSchema)
    @blp.response(201, ExportJobSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="uploadExportArtifact")
    def post(self, form: dict[str, Any], job_id: int) -> Any:
        """Upload the running job's .onnx file (multipart `file`, optional `sha256`) (the export flow)."""
        file = request.files.get("file")
        if file is None or not isinstance(file.stream, StagedFile):
            raise ValidationError("Send the artifact as the multipart part `file`")
        return exports.store_artifact(
            db.session, get_store(), current_org().id, job_id, file.stream, form.get("sha256")
        )


@blp.route("/<int:job_id>/download")
class ExportJobDownload(MethodView):
    @user_required(READERS)
    @blp.doc(**binary_doc("application/octet-stream", "The .onnx file"))
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="downloadExport")
    def get(self, job_id: int) -> Response:
        """Download a succeeded export's .onnx file (ETag = its sha256)."""
        job = exports.downloadable(db.session, current_org().id, job_id)
        assert job.artifact_sha256 is not None
        return blob_download(
            get_store(),
            artifact_key(job.artifact_sha256),
            "application/octet-stream",
            job.artifact_sha256,
            exports.artifact_filename(job),
        )
