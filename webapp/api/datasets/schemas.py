"""Schemas of the dataset versions API."""

from typing import Any

import marshmallow as ma
from marshmallow import validate

from pipelines.device_contract import FILTERS, PLACEMENTS, RESIZE_MODES
from webapp.api.envelope import PageArgsSchema
from webapp.api.fields import name_field
from webapp.api.flow_runs import FlowRunUrl
from webapp.models import DATASET_STATUSES, IMAGE_STATUSES
from webapp.services import datasets


class SplitsSchema(ma.Schema):
    train = ma.fields.Float(required=True, validate=validate.Range(min=0, max=1))
    val = ma.fields.Float(required=True, validate=validate.Range(min=0, max=1))
    test = ma.fields.Float(required=True, validate=validate.Range(min=0, max=1))

    @ma.validates_schema
    def _sums_to_one(self, data: dict[str, float], **_: Any) -> None:
        if abs(sum(data.values()) - 1.0) > 1e-6:
            raise ma.ValidationError("train + val + test must add up to 1")
        if data["train"] <= 0:
            raise ma.ValidationError("train must be above 0", "train")


class ResizeSchema(ma.Schema):
    """How frames are brought to image_size: the vocabulary exported models' device metadata uses."""

    mode = ma.fields.String(required=True, validate=validate.OneOf(RESIZE_MODES))
    filter = ma.fields.String(validate=validate.OneOf(FILTERS))
    placement = ma.fields.String(
        validate=validate.OneOf(PLACEMENTS), metadata={"description": "letterbox only (default center)"}
    )
    pad_value = ma.fields.List(
        ma.fields.Integer(validate=validate.Range(min=0, max=255)),
        validate=validate.Length(equal=3),
        metadata={"description": "letterbox only: RGB of the padding (default [114, 114, 114])"},
    )


class DatasetVersionCreateSchema(ma.Schema):
    project_id = ma.fields.Integer(required=True)
    name = name_field(required=False)
    splits = ma.fields.Nested(SplitsSchema, load_default=None)
    seed = ma.fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**31 - 1))
    batch_ids = ma.fields.List(
        ma.fields.Integer(), validate=validate.Length(min=1, max=1000), load_default=None
    )
    image_statuses = ma.fields.List(
        ma.fields.String(validate=validate.OneOf(IMAGE_STATUSES)),
        validate=validate.Length(min=1),
        load_default=None,
        metadata={"description": "Default: every status but rejected"},
    )
    image_size = ma.fields.Integer(load_default=64, validate=validate.Range(min=8, max=512))
    resize = ma.fields.Nested(
        ResizeSchema,
        load_default=None,
        metadata={
            "description": "Default: center_crop for classification; letterbox (centred, pad 114) for "
            "detection, whose boxes are mapped into the stored frames"
        },
    )


class DatasetVersionUpdateSchema(ma.Schema):
    """People may rename; the dataset flow (a service account) reports the rest."""

    name = name_field(required=False)
    status = ma.fields.String(validate=validate.OneOf(DATASET_STATUSES))
    progress = ma.fields.Float(allow_none=True, validate=validate.Range(min=0, max=1))
    counts = ma.fields.Dict(allow_none=True)
    git_tag = ma.fields.String(allow_none=True, validate=validate.Length(max=200))
    git_rev = ma.fields.String(allow_none=True, validate=validate.Length(max=64))
    dvc_hash = ma.fields.String(allow_none=True, validate=validate.Length(max=64))
    dvc_path = ma.fields.String(allow_none=True, validate=validate.Length(max=500))
    bytes_stored = ma.fields.Integer(allow_none=True, validate=validate.Range(min=0))
    error = ma.fields.String(allow_none=True, validate=validate.Length(max=10_000))


class CheckoutSchema(ma.Schema):
    git_tag = ma.fields.String()
    git_rev = ma.fields.String(allow_none=True)
    path = ma.fields.String()
    commands = ma.fields.List(ma.fields.String())


class DatasetVersionSchema(ma.Schema):
    id = ma.fields.Integer()
    project_id = ma.fields.Integer()
    version = ma.fields.Integer()
    name = ma.fields.String()
    status = ma.fields.String(metadata={"enum": list(DATASET_STATUSES)})
    task_type = ma.fields.String()
    labels = ma.fields.List(ma.fields.String())
    params = ma.fields.Dict()
    image_count = ma.fields.Integer()
    flow_run_id = ma.fields.String(allow_none=True)
    flow_run_url = FlowRunUrl()
    progress = ma.fields.Float(allow_none=True)
    counts = ma.fields.Dict(allow_none=True)
    git_tag = ma.fields.String(allow_none=True)
    git_rev = ma.fields.String(allow_none=True)
    dvc_hash = ma.fields.String(allow_none=True)
    dvc_path = ma.fields.String(allow_none=True)
    bytes_stored = ma.fields.Integer(allow_none=True)
    error = ma.fields.String(allow_none=True)
    checkout = ma.fields.Function(datasets.checkout_help, allow_none=True)
    created_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)


class DatasetVersionQueryArgsSchema(PageArgsSchema):
    project_id = ma.fields.Integer()
    status = ma.fields.String(validate=validate.OneOf(DATASET_STATUSES))


class ArchiveRequestSchema(ma.Schema):
    sha256 = ma.fields.List(
        ma.fields.String(validate=validate.Regexp(r"^[0-9a-f]{64}$")),
        load_default=None,
        metadata={"description": "Only these images (default: all of the version)"},
    )
