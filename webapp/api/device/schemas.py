"""Schemas of the device API."""

import json
from datetime import UTC
from typing import Any

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import validate

from webapp.api.datasets.schemas import ResizeSchema
from webapp.api.devices.schemas import DeviceSchema
from webapp.api.envelope.errors import flatten_messages
from webapp.api.fields import optional_text, text_problem
from webapp.errors import ValidationError
from webapp.services.active_learning import SAMPLING_REASONS
from webapp.services.batch_ingest import MAX_FILES as MAX_BATCH_FILES
from webapp.services.common import loads_json
from webapp.services.inferences import MAX_PREDICTIONS

# Free-form JSON a device may attach: bounded so a buggy device cannot bloat every row.
MAX_METRICS_BYTES = 8 * 1024
MAX_METADATA_BYTES = 16 * 1024
SHA256_HEX = r"^[0-9a-fA-F]{64}$"


def _check_json_size(limit: int) -> Any:
    def check(value: dict[str, Any]) -> None:
        if len(json.dumps(value, separators=(",", ":"))) > limit:
            raise ma.ValidationError(f"must be at most {limit} bytes as JSON")

    return check


def _check_object(parsed: Any) -> dict[str, Any]:
    if not isinstance(parsed, dict):
        raise ma.ValidationError("must be a JSON object")
    problem = text_problem(parsed)
    if problem:
        raise ma.ValidationError(f"text in it {problem}")
    return parsed


class JSONObjectString(ma.fields.String):
    """A JSON object sent as a form field's text (multipart forms carry only strings)."""

    def __init__(self, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_bytes = max_bytes

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        value = super()._deserialize(value, attr, data, **kwargs)
        if len(value.encode()) > self.max_bytes:
            raise ma.ValidationError(f"must be at most {self.max_bytes} bytes")
        try:
            parsed = loads_json(value)
        except ValueError as exc:
            raise ma.ValidationError("is not valid JSON") from exc
        return _check_object(parsed)


class JSONObject(ma.fields.Field):
    """A JSON object inside a JSON document (a batch manifest's entry), held to the same limits as
    :class:`JSONObjectString` holds a form field's text: ``max_bytes`` as compact JSON."""

    def __init__(self, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_bytes = max_bytes

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        parsed = _check_object(value)
        if len(json.dumps(parsed, separators=(",", ":"), ensure_ascii=False).encode()) > self.max_bytes:
            raise ma.ValidationError(f"must be at most {self.max_bytes} bytes as JSON")
        return parsed

    def _jsonschema_type_mapping(self) -> dict[str, Any]:
        return {"type": "object"}


class ProjectRefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    task_type = ma.fields.String()


class DeviceSelfSchema(DeviceSchema):
    project = ma.fields.Nested(ProjectRefSchema, allow_none=True)


class CheckinCreateSchema(ma.Schema):
    battery_pct = ma.fields.Float(allow_none=True, validate=validate.Range(min=0, max=100))
    temperature_c = ma.fields.Float(allow_none=True, validate=validate.Range(min=-100, max=200))
    disk_free_mb = ma.fields.Float(allow_none=True, validate=validate.Range(min=0))
    uptime_s = ma.fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=0, max=2**31 - 1))
    firmware_version = optional_text(100)
    ip_address = ma.fields.IP(allow_none=True)
    metrics = ma.fields.Dict(
        keys=ma.fields.String(validate=validate.Length(max=100)),
        allow_none=True,
        validate=_check_json_size(MAX_METRICS_BYTES),
        metadata={"description": f"Free-form numbers or text, at most {MAX_METRICS_BYTES} bytes as JSON"},
    )
    running_export_id = ma.fields.Integer(
        allow_none=True,
        strict=True,
        validate=validate.Range(min=1),
        metadata={"description": "The export the device actually runs (null: none loaded)"},
    )
    model_error = ma.fields.String(
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={
            "description": "Why the last model load failed (bad checksum, onnxruntime's error); null: fine"
        },
    )
    failed_export_id = ma.fields.Integer(
        allow_none=True,
        strict=True,
        validate=validate.Range(min=1),
        metadata={
            "description": "The export the device was given but could not run (checksum, load): it kept "
            "running_export_id. Rollouts count these as load failures"
        },
    )
    runs_failed = ma.fields.Integer(
        allow_none=True,
        strict=True,
        validate=validate.Range(min=0, max=2**31 - 1),
        metadata={"description": "Inference runs of running_export_id that failed since the last check-in"},
    )


class UploadPolicySchema(ma.Schema):
    enabled = ma.fields.Boolean()
    min_interval_s = ma.fields.Integer(metadata={"description": "Upload no more often than this"})
    max_bytes = ma.fields.Integer(metadata={"description": "Largest file accepted"})
    accepted_formats = ma.fields.List(ma.fields.String())
    project_id = ma.fields.Integer(allow_none=True, metadata={"description": "Where uploads land"})


class ModelInputSchema(ma.Schema):
    name = ma.fields.String(metadata={"description": "The ONNX input's name"})
    shape = ma.fields.List(ma.fields.Raw(), metadata={"description": 'e.g. ["batch", 3, 64, 64]'})
    dtype = ma.fields.String()
    layout = ma.fields.String()
    image_size = ma.fields.Integer(metadata={"description": "Square side the image is brought to"})
    width = ma.fields.Integer(metadata={"description": "Of the model input, in pixels"})
    height = ma.fields.Integer(metadata={"description": "Of the model input, in pixels"})
    color = ma.fields.String(metadata={"description": "Channel order: RGB"})
    resize = ma.fields.Nested(ResizeSchema, allow_none=True)
    scale = ma.fields.Float(metadata={"description": "Divide the 0-255 pixels by this…"})
    mean = ma.fields.List(ma.fields.Float(), metadata={"description": "…subtract this per channel…"})
    std = ma.fields.List(ma.fields.Float(), metadata={"description": "…and divide by this"})


class DeviceScoreBandSchema(ma.Schema):
    low = ma.fields.Float()
    high = ma.fields.Float()


class SamplingBoostSchema(ma.Schema):
    random_rate = ma.fields.Float()
    until = ma.fields.String(metadata={"description": "ISO 8601, UTC"})


class DeviceSamplingSchema(ma.Schema):
    """Which frames to upload; the device decides, per frame, from its own prediction."""

    enabled = ma.fields.Boolean()
    score_band = ma.fields.Nested(
        DeviceScoreBandSchema,
        allow_none=True,
        metadata={"description": "Upload when the top score is in [low, high]"},
    )
    random_rate = ma.fields.Float(
        metadata={"description": "Upload this share of the other frames, at random"}
    )
    class_quotas = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(),
        metadata={"description": 'Uploads per predicted class per UTC day at most ("*": classes not named)'},
    )
    daily_budget = ma.fields.Integer(allow_none=True, metadata={"description": "Uploads per UTC day at most"})
    low_confidence_threshold = ma.fields.Float()
    boost = ma.fields.Nested(
        SamplingBoostSchema,
        allow_none=True,
        metadata={"description": "A raised random rate after drift, until the time given (already applied)"},
    )


class DeviceModelSchema(ma.Schema):
    """The model export a device should run (null when none is assigned)."""

    nullable = True  # the envelope's data is null when nothing is assigned

    export_id = ma.fields.Integer()
    source = ma.fields.String(
        metadata={
            "enum": ["device", "project", "rollout"],
            "description": "Whose assignment this is: the device's own, its project's, or a rollout's",
        }
    )
    model_id = ma.fields.Integer()
    model_version = ma.fields.Integer()
    model_name = ma.fields.String()
    project_id = ma.fields.Integer()
    format = ma.fields.String()
    precision = ma.fields.String()
    opset = ma.fields.Integer()
    labels = ma.fields.List(ma.fields.String(), metadata={"description": "Class names, by output index"})
    task = ma.fields.String(metadata={"enum": ["classification", "detection"]})
    input = ma.fields.Nested(ModelInputSchema)
    output = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "Output tensors (tensors: name, dtype, shape, meaning); detection: NMS settings"
        },
    )
    sha256 = ma.fields.String(metadata={"description": "Of the .onnx file; also its download's ETag"})
    size = ma.fields.Integer()
    download_url = ma.fields.String()
    exported_at = ma.fields.DateTime(allow_none=True)
    sampling = ma.fields.Nested(
        DeviceSamplingSchema,
        allow_none=True,
        metadata={"description": "The project's sampling policy, or null"},
    )

    @ma.post_dump(pass_original=True)
    def _nothing_assigned(self, data: dict[str, Any], original: Any, **_kwargs: Any) -> Any:
        # No assignment is an answer, not an error: the data is null.
        return None if original is None else data


class DeviceConfigSchema(ma.Schema):
    checkin_interval_s = ma.fields.Integer()
    upload_policy = ma.fields.Nested(UploadPolicySchema)
    model = ma.fields.Nested(
        DeviceModelSchema, allow_none=True, metadata={"description": "The assigned model export, or null"}
    )
    sampling = ma.fields.Nested(
        DeviceSamplingSchema,
        allow_none=True,
        metadata={"description": "Which frames to upload (the project's sampling policy), or null"},
    )


class CheckinRefSchema(ma.Schema):
    id = ma.fields.Integer()
    created_at = ma.fields.DateTime()


class CheckinResponseSchema(ma.Schema):
    config = ma.fields.Nested(DeviceConfigSchema)
    device = ma.fields.Nested(DeviceSelfSchema)
    checkin = ma.fields.Nested(CheckinRefSchema)


class ImageUploadFormSchema(ma.Schema):
    captured_at = ma.fields.AwareDateTime(
        default_timezone=UTC,
        metadata={"description": "ISO 8601; without an offset it is taken as UTC. Not sent: the upload time"},
    )
    sha256 = ma.fields.String(
        validate=validate.Regexp(SHA256_HEX, error="must be 64 hexadecimal characters"),
        metadata={"description": "The device's SHA-256 of the file; a mismatch refuses the upload"},
    )
    batch = ma.fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Group the upload into this named batch instead of the day's"},
    )
    metadata = JSONObjectString(
        MAX_METADATA_BYTES,
        metadata={"description": f"A JSON object, as text, at most {MAX_METADATA_BYTES} bytes"},
    )
    prediction = JSONObjectString(
        MAX_METADATA_BYTES,
        metadata={
            "description": "Sent under the sampling policy: the device's prediction as JSON text, "
            '{"export_id", "label", "score"} or {"export_id", "detections": [...]}. The frame lands in the '
            'batch "active learning YYYY-MM-DD" with it as its pre-label'
        },
    )
    sampling_reason = ma.fields.String(
        validate=validate.OneOf(SAMPLING_REASONS),
        metadata={"description": "Why the policy chose this frame (kept in the image's metadata)"},
    )


class InferenceScoredSchema(ma.Schema):
    label = ma.fields.String(required=True)
    score = ma.fields.Float(required=True, metadata={"description": "0-1"})


class InferenceBoxSchema(InferenceScoredSchema):
    x = ma.fields.Float(required=True, metadata={"description": "Left edge, a fraction (0-1) of the frame"})
    y = ma.fields.Float(required=True, metadata={"description": "Top edge, a fraction of the frame"})
    width = ma.fields.Float(required=True)
    height = ma.fields.Float(required=True)


class InferencePredictionSchema(ma.Schema):
    export_id = ma.fields.Integer(required=True, metadata={"description": "The export that predicted"})
    captured_at = ma.fields.DateTime(
        required=True, metadata={"description": "ISO 8601 with an offset; at most a few minutes ahead"}
    )
    latency_ms = ma.fields.Float(required=True, metadata={"description": "The model's time for this frame"})
    image_sha256 = ma.fields.String(
        metadata={"description": "The frame's SHA-256, when it is (or will be) uploaded: links the two"}
    )
    label = ma.fields.String(metadata={"description": "Classifiers: the top-1 label"})
    score = ma.fields.Float(metadata={"description": "Classifiers: its probability, 0-1"})
    top_k = ma.fields.List(ma.fields.Nested(InferenceScoredSchema), metadata={"description": "Classifiers"})
    detections = ma.fields.List(
        ma.fields.Nested(InferenceBoxSchema),
        metadata={"description": "Detectors: what it kept ([]: nothing)"},
    )


class InferenceReportSchema(ma.Schema):
    """Documents the body; the route validates it with pydantic (webapp/services/inferences.py)."""

    batch_id = ma.fields.String(
        required=True,
        metadata={
            "description": "The device's id of this batch (1-100 printable ASCII): a resend counts once"
        },
    )
    predictions = ma.fields.List(
        ma.fields.Nested(InferencePredictionSchema),
        required=True,
        metadata={"description": f"1 to {MAX_PREDICTIONS}"},
    )


class InferenceReportedSchema(ma.Schema):
    batch_id = ma.fields.String()
    accepted = ma.fields.Integer(metadata={"description": "Predictions in the batch"})
    duplicate = ma.fields.Boolean(
        metadata={"description": "True when this batch was counted before: nothing was counted again"}
    )


class ImageUploadFileSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "A JPEG, PNG or WebP image"})


class ImageUploadSchema(ImageUploadFormSchema, ImageUploadFileSchema):
    """The whole multipart body, for the OpenAPI document (it is parsed as form + files)."""


class ImageUploadedSchema(ma.Schema):
    id = ma.fields.Integer()
    sha256 = ma.fields.String()
    batch_id = ma.fields.Integer(allow_none=True)
    project_id = ma.fields.Integer(allow_none=True)
    width = ma.fields.Integer()
    height = ma.fields.Integer()
    format = ma.fields.String()
    byte_size = ma.fields.Integer()
    captured_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    duplicate = ma.fields.Boolean(
        metadata={"description": "True when these bytes were already stored: this is that image"}
    )


class ImageBatchFormSchema(ma.Schema):
    """The text fields of a batch upload (its files are read from ``request.files``)."""

    batch = ImageUploadFormSchema._declared_fields["batch"]
    manifest = ma.fields.String(
        metadata={
            "description": "A JSON list, one entry per file in the order of the files: null or an object "
            "of the file's optional sha256, captured_at, metadata (an object), prediction (an object) and "
            "sampling_reason, meaning what the single upload's fields of those names mean. An entry with "
            "other keys or bad values refuses its file only; a manifest that is not such a list, or not "
            "one entry per file, refuses the request (400). At most 1 MB"
        }
    )


class ImageBatchSchema(ImageBatchFormSchema):
    """The whole multipart body of a batch upload, for the OpenAPI document."""

    files = ma.fields.List(
        Upload(),
        required=True,
        metadata={"description": f"1 to {MAX_BATCH_FILES} JPEG, PNG or WebP images, each a part named files"},
    )


class ManifestEntrySchema(ma.Schema):
    """One file's entry in a batch's manifest: the single upload's form fields, as JSON values."""

    class Meta:
        unknown = ma.RAISE

    captured_at = ImageUploadFormSchema._declared_fields["captured_at"]
    sha256 = ImageUploadFormSchema._declared_fields["sha256"]
    metadata = JSONObject(MAX_METADATA_BYTES, allow_none=True)
    prediction = JSONObject(MAX_METADATA_BYTES, allow_none=True)
    sampling_reason = ImageUploadFormSchema._declared_fields["sampling_reason"]


class BatchFileErrorSchema(ma.Schema):
    code = ma.fields.String(metadata={"example": "VALIDATION_ERROR"})
    message = ma.fields.String()
    details = ma.fields.String(allow_none=True)


class BatchFileResultSchema(ma.Schema):
    index = ma.fields.Integer(metadata={"description": "The file's position in the request, from 0"})
    status = ma.fields.String(metadata={"enum": ["created", "duplicate", "error"]})
    image = ma.fields.Nested(
        ImageUploadedSchema, metadata={"description": "created and duplicate: the single upload's answer"}
    )
    error = ma.fields.Nested(
        BatchFileErrorSchema, metadata={"description": "error: why this file was not stored (nothing was)"}
    )


class ImagesUploadedSchema(ma.Schema):
    results = ma.fields.List(
        ma.fields.Nested(BatchFileResultSchema), metadata={"description": "One per file, in order"}
    )
    created = ma.fields.Integer()
    duplicates = ma.fields.Integer()
    errors = ma.fields.Integer()


def manifest_entries(text: str | None, count: int) -> list[dict[str, Any] | ValidationError]:
    """Each file's manifest entry, loaded (``{}`` for none), or why that entry refuses its file.

    A manifest that is not a JSON list of ``count`` entries raises VALIDATION_ERROR: it refuses the
    whole request, since which entry belongs to which file is then unknown.
    """
    if text is None:
        return [{} for _ in range(count)]
    try:
        entries = loads_json(text)
    except ValueError as exc:
        raise ValidationError("Invalid manifest", "the manifest is not valid JSON") from exc
    if not isinstance(entries, list):
        raise ValidationError("Invalid manifest", "the manifest is a JSON list, one entry per file")
    if len(entries) != count:
        raise ValidationError(
            "Invalid manifest", f"the manifest has {len(entries)} entries for {count} files: one per file"
        )
    return [_manifest_entry(entry) for entry in entries]


def _manifest_entry(entry: Any) -> dict[str, Any] | ValidationError:
    if entry is None:
        return {}
    if not isinstance(entry, dict):
        return ValidationError("Invalid manifest entry", "an entry is a JSON object or null")
    try:
        loaded: dict[str, Any] = ManifestEntrySchema().load(entry)
    except ma.ValidationError as exc:
        return ValidationError("Invalid manifest entry", "; ".join(flatten_messages(exc.messages)))
    return loaded
