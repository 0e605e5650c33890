"""Schemas of the training jobs API."""

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import validate

from webapp.api.envelope import PageArgsSchema
from webapp.api.flow_runs import FlowRunUrl
from webapp.models import TRAINING_STATUSES


class TrainingParamsSchema(ma.Schema):
    """Overrides of params.yaml's section for the dataset's task (`train:` for classification,
    `detect:` for detection); anything else is refused, and so is a parameter of the other task."""

    epochs = ma.fields.Integer(validate=validate.Range(min=1, max=1000))
    batch_size = ma.fields.Integer(validate=validate.Range(min=1, max=65_536))
    lr = ma.fields.Float(validate=validate.Range(min=0, max=10, min_inclusive=False))
    weight_decay = ma.fields.Float(validate=validate.Range(min=0, max=1))
    label_smoothing = ma.fields.Float(
        validate=validate.Range(min=0, max=0.5), metadata={"description": "Classification only"}
    )
    flip = ma.fields.Boolean(metadata={"description": "Random horizontal flips (wrong for digits and text)"})
    fpn_channels = ma.fields.Integer(
        validate=validate.Range(min=8, max=512),
        metadata={"description": "Detection only: channels of the feature pyramid and the head"},
    )
    head_convs = ma.fields.Integer(
        validate=validate.Range(min=0, max=8),
        metadata={"description": "Detection only: convolutions in each head branch before its output"},
    )
    scale_jitter = ma.fields.Float(
        validate=validate.Range(min=0, max=1, max_inclusive=False),
        metadata={"description": "Detection only: random zoom by a factor in [1 - j, 1 + j]"},
    )
    width = ma.fields.Integer(validate=validate.Range(min=4, max=512))
    depth = ma.fields.Integer(validate=validate.Range(min=1, max=16))
    seed = ma.fields.Integer(validate=validate.Range(min=0, max=2**31 - 1))
    threads = ma.fields.Integer(
        validate=validate.Range(min=0, max=256), metadata={"description": "CPU threads (0: torch's default)"}
    )
    image_size = ma.fields.Integer(
        validate=validate.Range(min=8, max=512),
        metadata={"description": "Must equal the dataset version's image size (it is fixed there)"},
    )


class TrainingJobCreateSchema(ma.Schema):
    dataset_id = ma.fields.Integer(required=True)
    params = ma.fields.Nested(TrainingParamsSchema, load_default=dict)
    device = ma.fields.String(load_default="auto", validate=validate.OneOf(["auto", "cuda", "cpu"]))


class TrainingJobReportSchema(ma.Schema):
    """What the training flow (a service account) reports."""

    status = ma.fields.String(validate=validate.OneOf(TRAINING_STATUSES))
    progress = ma.fields.Dict(allow_none=True)
    metrics = ma.fields.Dict(allow_none=True)
    error = ma.fields.String(allow_none=True, validate=validate.Length(max=10_000))


class TrainingJobSchema(ma.Schema):
    id = ma.fields.Integer()
    project_id = ma.fields.Integer()
    dataset_id = ma.fields.Integer()
    status = ma.fields.String(metadata={"enum": list(TRAINING_STATUSES)})
    params = ma.fields.Dict()
    device = ma.fields.String()
    flow_run_id = ma.fields.String(allow_none=True)
    flow_run_url = FlowRunUrl()
    progress = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "The latest epoch's figures (epoch, total_epochs, losses, accuracy or mAP), "
            "and `history`: every epoch's figures so far, oldest first"
        },
    )
    metrics = ma.fields.Dict(allow_none=True)
    warnings = ma.fields.Function(
        lambda job: list(job.warnings or []),
        metadata={
            "type": "array",
            "items": {"type": "string"},
            "description": "What makes the job's figures weak, e.g. a split too small to measure",
        },
    )
    error = ma.fields.String(allow_none=True)
    model_id = ma.fields.Function(lambda job: job.model.id if job.model else None, allow_none=True)
    created_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)


class TrainingJobQueryArgsSchema(PageArgsSchema):
    project_id = ma.fields.Integer()
    dataset_id = ma.fields.Integer()
    status = ma.fields.String(validate=validate.OneOf(TRAINING_STATUSES))


class ModelUploadFormSchema(ma.Schema):
    metrics = ma.fields.String(required=True, validate=validate.Length(max=1_000_000))
    params = ma.fields.String(load_default="{}", validate=validate.Length(max=100_000))
    preprocessing = ma.fields.String(load_default="{}", validate=validate.Length(max=10_000))


class ModelUploadSchema(ModelUploadFormSchema):
    """The whole multipart body, for the OpenAPI document (the file part is read from request.files)."""

    file = Upload(required=True, metadata={"description": "The checkpoint"})
