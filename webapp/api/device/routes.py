"""Routes of the device API."""

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from werkzeug.datastructures import FileStorage

from webapp.api.binary import binary_doc, blob_download
from webapp.api.device.schemas import (
    CheckinCreateSchema,
    CheckinResponseSchema,
    DeviceModelSchema,
    DeviceSelfSchema,
    ImageBatchFormSchema,
    ImageBatchSchema,
    ImagesUploadedSchema,
    ImageUploadedSchema,
    ImageUploadFileSchema,
    ImageUploadFormSchema,
    ImageUploadSchema,
    InferenceReportedSchema,
    InferenceReportSchema,
    manifest_entries,
)
from webapp.api.envelope import Blueprint
from webapp.auth import calling_device, current_device, device_key_required, device_required
from webapp.errors import ValidationError
from webapp.extensions import db
from webapp.services import active_learning, batch_ingest, checkins, delivery, exports, inferences, ingest
from webapp.services.models import artifact_key
from webapp.settings import Settings, get_settings
from webapp.storage import StagedFile, get_store

# A batch of 1,000 predictions is ~110 KB from a classifier; a detector's boxes make up to megabytes.
MAX_REPORT_BYTES = 8 * 1024 * 1024
# A batch upload's whole body: 32 camera frames of up to 2 MB each. Every part streams to disk, so the
# limit bounds a request's time and disk, not memory; a file past ACUSIGHT_MAX_UPLOAD_MB refuses the
# request (413) as well, since the body is parsed as it arrives.
MAX_BATCH_BODY_BYTES = 64 * 1024 * 1024

blp = Blueprint("device", __name__, url_prefix="/device", description="Calls a device makes")


def _settings() -> Settings:
    return get_settings()


def body_limit(limit: Callable[[], int]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Hold a route's body to ``limit()`` bytes instead of the app's plain-body limit, set before
    anything (an arguments decorator parsing a multipart body) reads it; past it: 413."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def limited(*args: Any, **kwargs: Any) -> Any:
            request.max_content_length = limit()
            return view(*args, **kwargs)

        return limited

    return decorator


def _batch_body_limit() -> int:
    # 32 frames of up to 2 MB, or the single upload's limit when an operator set that higher.
    return max(MAX_BATCH_BODY_BYTES, current_app.config["MAX_CONTENT_LENGTH"])


@blp.route("/self")
class DeviceSelf(MethodView):
    @device_required
    @blp.response(200, DeviceSelfSchema)
    @blp.doc(operationId="getDeviceSelf")
    def get(self) -> Any:
        """Get the calling device's own record."""
        return current_device()


@blp.route("/checkin")
class Checkin(MethodView):
    @device_required
    @blp.arguments(CheckinCreateSchema, required=False)
    @blp.response(200, CheckinResponseSchema)
    @blp.alt_response(
        404,
        response="NOT_FOUND",
        description="running_export_id or failed_export_id names no export of the organization",
    )
    @blp.doc(operationId="deviceCheckin")
    def post(self, health: dict[str, Any]) -> Any:
        """Report health; the answer is the device's configuration (check-in interval, uploads, model)."""
        settings = _settings()
        device = current_device()
        ip = health.pop("ip_address", None) or request.remote_addr
        checkin = checkins.record(
            db.session,
            device,
            retention=timedelta(days=settings.checkin_retention_days),
            ip_address=str(ip) if ip else None,
            **health,
        )
        config = checkins.device_config(db.session, settings, device)
        return {"config": config, "device": device, "checkin": checkin}


@blp.route("/model")
class DeviceModel(MethodView):
    @device_required
    @blp.response(200, DeviceModelSchema, description="The assigned model; data is null when none is")
    @blp.doc(operationId="getDeviceModel")
    def get(self) -> Any:
        """Get the model export this device should run (its own assignment, else its project's)."""
        return delivery.device_model(db.session, current_device())


@blp.route("/model/download")
class DeviceModelDownload(MethodView):
    @device_required
    @blp.doc(**binary_doc("application/octet-stream", "The assigned .onnx file"))
    @blp.doc(operationId="downloadDeviceModel")
    def get(self) -> Response:
        """Download the assigned .onnx file; send If-None-Match with the sha256 held to get 304."""
        job = delivery.download(db.session, current_device())
        assert job.artifact_sha256 is not None
        return blob_download(
            get_store(),
            artifact_key(job.artifact_sha256),
            "application/octet-stream",
            job.artifact_sha256,
            exports.artifact_filename(job),
        )


@blp.route("/inferences")
class Inferences(MethodView):
    @device_key_required
    # Past the plain-body limit the app holds other JSON to: a detector's batch carries its boxes.
    @body_limit(lambda: MAX_REPORT_BYTES)
    @blp.doc(
        requestBody={"content": {"application/json": {"schema": InferenceReportSchema}}, "required": True}
    )
    @blp.response(201, InferenceReportedSchema, description="Counted")
    @blp.alt_response(
        200, schema=InferenceReportedSchema, description="Counted before: nothing counted again"
    )
    @blp.alt_response(404, response="NOT_FOUND", description="An export of another organization, or none")
    @blp.alt_response(413, response="PAYLOAD_TOO_LARGE")
    @blp.doc(operationId="reportInferences")
    def post(self) -> Any:
        """Report what the device's model predicted; a resent batch (same batch_id) counts once."""
        if not request.is_json:
            raise ValidationError(
                "Invalid inference report", "send a JSON body (Content-Type: application/json)"
            )
        report = inferences.parse(request.get_data(cache=False))
        settings = _settings()
        device = calling_device()
        counted = inferences.record(
            db.session,
            device.id,
            device.organization_id,
            report,
            retention=timedelta(days=settings.field_minute_retention_days),
            future_tolerance=timedelta(seconds=settings.inference_future_tolerance_s),
        )
        return counted, 200 if counted.duplicate else 201


@blp.route("/images/upload")
class ImageUpload(MethodView):
    @device_key_required
    @blp.arguments(ImageUploadFileSchema(), location="files")
    # One OpenAPI request body can't come from two locations: the form part is parsed without doc, and
    # the documented body is the two together.
    @blp.ARGUMENTS_PARSER.use_args(ImageUploadFormSchema(), location="form")
    @blp.doc(
        requestBody={"content": {"multipart/form-data": {"schema": ImageUploadSchema}}, "required": True}
    )
    @blp.response(201, ImageUploadedSchema, description="Stored")
    @blp.alt_response(200, schema=ImageUploadedSchema, description="Already stored: the existing image")
    @blp.alt_response(
        404, response="NOT_FOUND", description="The prediction's export is not the organization's"
    )
    @blp.alt_response(413, response="PAYLOAD_TOO_LARGE")
    @blp.alt_response(507, response="INSUFFICIENT_STORAGE")
    @blp.doc(operationId="uploadImage")
    def post(self, files: dict[str, Any], form: dict[str, Any]) -> Any:
        """Upload one image (multipart); sending the same bytes again is safe and returns the same image."""
        file: FileStorage = files["file"]
        device = calling_device()
        upload = ingest.Upload(
            staged=_staged(file),
            filename=_filename(file.filename),
            declared_sha256=form.get("sha256"),
            captured_at=form.get("captured_at"),
            batch_name=form.get("batch"),
            metadata=form.get("metadata"),
        )
        sampled = None
        if form.get("prediction") is not None:
            # Checked before anything is stored: a prediction that cannot be a pre-label refuses the upload.
            sampled = active_learning.sampled(
                db.session,
                device.organization_id,
                device.project_id,
                form["prediction"],
                form.get("sampling_reason"),
                upload,
            )
        result = ingest.ingest(
            db.session, get_store(), device, upload, max_pixels=_settings().max_image_pixels
        )
        if sampled is not None and not result.duplicate:
            active_learning.pre_label(db.session, device.organization_id, result.image["id"], sampled)
        return _uploaded(result), 200 if result.duplicate else 201


@blp.route("/images/batch")
class ImageBatchUpload(MethodView):
    @device_key_required
    @body_limit(_batch_body_limit)
    @blp.multipart(ImageBatchFormSchema, ImageBatchSchema)
    @blp.response(200, ImagesUploadedSchema, description="Each file's outcome, in the order sent")
    @blp.alt_response(
        400,
        response="VALIDATION_ERROR",
        description="No files, more than the maximum, a part not named files, or a bad manifest or "
        "batch: nothing stored",
    )
    @blp.alt_response(413, response="PAYLOAD_TOO_LARGE", description="A file or the body past its limit")
    @blp.doc(operationId="uploadImages")
    def post(self, form: dict[str, Any]) -> Any:
        """Upload several images (multipart, parts named files) with an optional JSON manifest; each
        file is stored, found already stored or refused on its own, as the single upload would."""
        files = _batch_files(form)
        device = calling_device()
        outcomes = batch_ingest.ingest_batch(
            db.session, get_store(), device, files, max_pixels=_settings().max_image_pixels
        )
        results = [_outcome(outcome) for outcome in outcomes]
        counts = Counter(outcome.status for outcome in outcomes)
        return {
            "results": results,
            "created": counts[batch_ingest.CREATED],
            "duplicates": counts[batch_ingest.DUPLICATE],
            "errors": counts[batch_ingest.ERROR],
        }


def _batch_files(form: dict[str, Any]) -> list[batch_ingest.BatchFile]:
    """The request's files with their manifest entries; VALIDATION_ERROR for what refuses the whole
    request (nothing is stored then)."""
    others = sorted(name for name in request.files if name != "files")
    if others:
        raise ValidationError(
            "File parts of a batch are named files", f"got parts named {', '.join(others)[:200]}"
        )
    parts = request.files.getlist("files")
    if not parts:
        raise ValidationError("No files", "send each image as a multipart part named files")
    if len(parts) > batch_ingest.MAX_FILES:
        raise ValidationError(
            f"At most {batch_ingest.MAX_FILES} files in one batch",
            f"got {len(parts)}; send the rest in another request",
        )
    entries = manifest_entries(form.get("manifest"), len(parts))
    files = []
    for part, entry in zip(parts, entries, strict=True):
        fields = entry if isinstance(entry, dict) else {}
        upload = ingest.Upload(
            staged=_staged(part),
            filename=_filename(part.filename),
            declared_sha256=fields.get("sha256"),
            captured_at=fields.get("captured_at"),
            batch_name=form.get("batch"),
            metadata=fields.get("metadata"),
        )
        files.append(
            batch_ingest.BatchFile(
                upload,
                prediction=fields.get("prediction"),
                sampling_reason=fields.get("sampling_reason"),
                refused=entry if isinstance(entry, ValidationError) else None,
            )
        )
    return files


def _outcome(outcome: batch_ingest.Outcome) -> dict[str, Any]:
    result: dict[str, Any] = {"index": outcome.index, "status": outcome.status}
    if outcome.image is not None:
        result["image"] = {"duplicate": outcome.status == batch_ingest.DUPLICATE, **outcome.image}
    if outcome.error is not None:
        error = outcome.error
        result["error"] = {"code": error.code, "message": error.message, "details": error.details}
    return result


def _staged(file: FileStorage) -> StagedFile:
    # UploadRequest streams every file part into the blob store's staging area (webapp.storage).
    stream = file.stream
    if not isinstance(stream, StagedFile):
        raise TypeError("file parts must be staged by webapp.storage.UploadRequest")
    return stream


def _filename(name: str | None) -> str | None:
    # The base name only, without control characters (NUL cannot even be stored): a label, never a path.
    if not name:
        return None
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch >= " " and ch != "\x7f")[:255] or None


def _uploaded(result: ingest.Ingested) -> dict[str, Any]:
    return {"duplicate": result.duplicate, **result.image}
