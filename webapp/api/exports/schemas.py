"""Schemas of the export jobs API."""

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import validate

from pipelines.device_contract import DETECTION_EXPORT_DEFAULTS, MAX_DETECTIONS_LIMIT
from webapp.api.envelope import PageArgsSchema
from webapp.api.flow_runs import FlowRunUrl
from webapp.models import EXPORT_FORMATS, EXPORT_PRECISIONS, EXPORT_STATUSES

# The dynamo exporter writes opset 18 natively and converts to the others; onnxruntime 1.22+ reads
# all of these, and int8's per-channel quantization needs 13 or later.
MIN_OPSET, MAX_OPSET, DEFAULT_OPSET = 13, 23, 18
SHA256_HEX = r"^[0-9a-fA-F]{64}$"


class ExportJobCreateSchema(ma.Schema):
    model_id = ma.fields.Integer(required=True)
    format = ma.fields.String(load_default="onnx", validate=validate.OneOf(EXPORT_FORMATS))
    opset = ma.fields.Integer(
        load_default=DEFAULT_OPSET, validate=validate.Range(min=MIN_OPSET, max=MAX_OPSET)
    )
    precision = ma.fields.String(
        load_default="fp32",
        validate=validate.OneOf(EXPORT_PRECISIONS),
        metadata={"description": "int8: static quantization, calibrated on the dataset's train images"},
    )
    dynamic_batch = ma.fields.Boolean(
        load_default=True, metadata={"description": "false fixes the batch axis at 1"}
    )
    max_accuracy_drop = ma.fields.Float(
        validate=validate.Range(min=0, max=1),
        metadata={
            "description": "fp16/int8: held-out accuracy the export may lose against PyTorch "
            "(default: ACUSIGHT_EXPORT_MAX_ACCURACY_DROP); for detectors, COCO mAP@[.5:.95]"
        },
    )
    # Detectors only (a classifier's export refuses them): the NMS inside the graph.
    max_detections = ma.fields.Integer(
        validate=validate.Range(min=1, max=MAX_DETECTIONS_LIMIT),
        metadata={
            "description": "Detectors: K, the rows of boxes/scores/labels per image "
            f"(default {DETECTION_EXPORT_DEFAULTS['max_detections']})"
        },
    )
    score_threshold = ma.fields.Float(
        validate=validate.Range(min=0, max=1),
        metadata={
            "description": "Detectors: detections scoring below it are dropped "
            f"(default {DETECTION_EXPORT_DEFAULTS['score_threshold']})"
        },
    )
    iou_threshold = ma.fields.Float(
        validate=validate.Range(min=0, max=1),
        metadata={
            "description": "Detectors: NMS suppresses a box overlapping a better one of its class by more "
            f"(default {DETECTION_EXPORT_DEFAULTS['iou_threshold']})"
        },
    )


class ExportJobReportSchema(ma.Schema):
    """What the export flow (a service account) reports."""

    status = ma.fields.String(validate=validate.OneOf(EXPORT_STATUSES))
    progress = ma.fields.Dict(allow_none=True)
    parity = ma.fields.Dict(allow_none=True)
    accuracy = ma.fields.Dict(allow_none=True)
    latency_ms = ma.fields.Dict(allow_none=True)
    signature = ma.fields.Dict(allow_none=True)
    reference = ma.fields.Dict(allow_none=True)
    drift_check = ma.fields.Dict(allow_none=True)
    error = ma.fields.String(allow_none=True, validate=validate.Length(max=10_000))


class ExportJobSchema(ma.Schema):
    id = ma.fields.Integer()
    project_id = ma.fields.Integer()
    model_id = ma.fields.Integer()
    status = ma.fields.String(metadata={"enum": list(EXPORT_STATUSES)})
    format = ma.fields.String()
    opset = ma.fields.Integer()
    precision = ma.fields.String()
    dynamic_batch = ma.fields.Boolean()
    max_accuracy_drop = ma.fields.Float()
    options = ma.fields.Dict(
        allow_none=True,
        metadata={"description": "Detectors: max_detections, score_threshold, iou_threshold; null otherwise"},
    )
    flow_run_id = ma.fields.String(allow_none=True)
    flow_run_url = FlowRunUrl()
    progress = ma.fields.Dict(
        allow_none=True,
        metadata={"description": "The flow's current step: stage, step, steps, and when it began (at)"},
    )
    parity = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "ONNX vs PyTorch on held-out images: classifiers max_abs_diff and argmax "
            "agreement of the logits; detectors max_box_diff, max_score_diff, detections_agreement"
        },
    )
    accuracy = ma.fields.Dict(
        allow_none=True,
        metadata={"description": "torch, onnx and their drop (detectors: COCO mAP, and map50 of each)"},
    )
    latency_ms = ma.fields.Dict(
        allow_none=True, metadata={"description": "Median onnxruntime ms per provider (cpu, cuda) and batch"}
    )
    signature = ma.fields.Dict(allow_none=True, metadata={"description": "The model's input and output"})
    reference = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "The model's predictions on its held-out images, counted in the field bins "
            "(predictions, confidence_histogram, class_counts, latency_ms): the field's baseline; "
            "field-metrics shows it as figures"
        },
    )
    drift_check = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "The last drift check: at, verdict (drift, stable, no verdict), class_psi, "
            "confidence_psi, predictions, threshold"
        },
    )
    artifact_sha256 = ma.fields.String(allow_none=True)
    artifact_size = ma.fields.Integer(allow_none=True)
    error = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)


class ExportJobQueryArgsSchema(PageArgsSchema):
    model_id = ma.fields.Integer()
    project_id = ma.fields.Integer()
    status = ma.fields.String(validate=validate.OneOf(EXPORT_STATUSES))
    precision = ma.fields.String(validate=validate.OneOf(EXPORT_PRECISIONS))


class ArtifactUploadFormSchema(ma.Schema):
    sha256 = ma.fields.String(
        validate=validate.Regexp(SHA256_HEX, error="must be 64 hexadecimal characters"),
        metadata={"description": "The flow's SHA-256 of the file; a mismatch refuses the upload"},
    )


class ArtifactUploadSchema(ArtifactUploadFormSchema):
    """The whole multipart body, for the OpenAPI document (the file part is read from request.files)."""

    file = Upload(required=True, metadata={"description": "The .onnx file"})
