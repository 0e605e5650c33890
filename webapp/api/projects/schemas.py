"""Schemas of the projects API."""

from typing import Any

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import validate

from pipelines import field_stats
from webapp.api.envelope import PageArgsSchema
from webapp.api.fields import name_field, optional_text
from webapp.models import ANNOTATION_SOURCES, TASK_TYPES
from webapp.services import label_formats

MAX_LABELS = 1000


def _label(name: str) -> None:
    # Labels are lines in YOLO's classes.txt and cells in CSV: no control characters, no padding.
    if name != name.strip() or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise ma.ValidationError("labels have no leading or trailing spaces and no control characters")


def _unique(labels: list[str]) -> None:
    if len(set(labels)) != len(labels):
        raise ma.ValidationError("labels must be unique")


def _labels_field(**kwargs: object) -> ma.fields.List:
    return ma.fields.List(
        ma.fields.String(validate=[validate.Length(min=1, max=200), _label]),
        validate=[validate.Length(max=MAX_LABELS), _unique],
        metadata={"description": "Class names, in class-id order"},
        **kwargs,
    )


class ScoreBandSchema(ma.Schema):
    low = ma.fields.Float(required=True, validate=validate.Range(min=0, max=1))
    high = ma.fields.Float(required=True, validate=validate.Range(min=0, max=1))

    @ma.validates_schema
    def _ordered(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data["low"] > data["high"]:
            raise ma.ValidationError("low must not be above high", "low")


class SamplingPolicySchema(ma.Schema):
    """Which frames devices upload; each device decides from its own prediction (see the how-to)."""

    enabled = ma.fields.Boolean(load_default=True)
    score_band = ma.fields.Nested(
        ScoreBandSchema,
        allow_none=True,
        load_default=None,
        metadata={"description": "Upload a frame whose top score is in [low, high]"},
    )
    random_rate = ma.fields.Float(
        load_default=0.0,
        validate=validate.Range(min=0, max=1),
        metadata={"description": "Upload this share of the other frames, at random"},
    )
    class_quotas = ma.fields.Dict(
        keys=ma.fields.String(validate=validate.Length(min=1, max=200)),
        values=ma.fields.Integer(strict=True, validate=validate.Range(min=0, max=1_000_000)),
        load_default=dict,
        validate=validate.Length(max=MAX_LABELS + 1),
        metadata={
            "description": 'Uploads per predicted class per device and UTC day at most ("*": the rest)'
        },
    )
    daily_budget = ma.fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=0, max=1_000_000),
        metadata={"description": "Uploads per device and UTC day at most (null: no limit)"},
    )


def _threshold(value: float) -> None:
    if not field_stats.is_threshold(value):
        raise ma.ValidationError(
            "must be a multiple of 0.05 between 0.05 and 0.95 (the confidence bins' edges)"
        )


class ProjectSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    description = ma.fields.String(allow_none=True)
    task_type = ma.fields.String(metadata={"enum": list(TASK_TYPES)})
    labels = ma.fields.List(ma.fields.String())
    archived = ma.fields.Boolean()
    deployed_export_id = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "The model export the project's devices run, unless they have their own"},
    )
    low_confidence_threshold = ma.fields.Float(
        metadata={"description": "Field predictions scoring under this count as low confidence"}
    )
    sampling = ma.fields.Nested(SamplingPolicySchema, allow_none=True)
    sampling_boost = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "A raised random rate after drift: random_rate, until, export_id, drift_event_id"
        },
    )
    image_count = ma.fields.Integer(metadata={"description": "Images in the project's batches"})
    annotated_count = ma.fields.Integer(metadata={"description": "Of those, images with an annotation"})
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class ProjectCreateSchema(ma.Schema):
    name = name_field()
    description = optional_text(5000)
    task_type = ma.fields.String(load_default="classification", validate=validate.OneOf(TASK_TYPES))
    labels = _labels_field(load_default=list)


class ProjectUpdateSchema(ma.Schema):
    name = name_field(required=False)
    description = optional_text(5000)
    task_type = ma.fields.String(validate=validate.OneOf(TASK_TYPES))
    labels = _labels_field()
    archived = ma.fields.Boolean()
    deployed_export_id = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "A succeeded export of one of this project's models; null clears"},
    )
    low_confidence_threshold = ma.fields.Float(validate=_threshold)
    sampling = ma.fields.Nested(
        SamplingPolicySchema,
        allow_none=True,
        metadata={"description": "Active learning's policy; null: none"},
    )


class ProjectQueryArgsSchema(PageArgsSchema):
    archived = ma.fields.Boolean()
    task_type = ma.fields.String(validate=validate.OneOf(TASK_TYPES))


_FORMAT = validate.OneOf(list(label_formats.FORMATS))
_FORMAT_DOC = "csv (classification: sha256,label), coco (detection JSON), yolo (detection, a zip)"


class ExportArgsSchema(ma.Schema):
    format = ma.fields.String(required=True, validate=_FORMAT, metadata={"description": _FORMAT_DOC})


class ImportFormSchema(ma.Schema):
    format = ma.fields.String(required=True, validate=_FORMAT, metadata={"description": _FORMAT_DOC})
    dry_run = ma.fields.Boolean(
        load_default=False, metadata={"description": "Match and validate, report, write nothing"}
    )
    source = ma.fields.String(load_default="manual", validate=validate.OneOf(ANNOTATION_SOURCES))


class ImportFileSchema(ma.Schema):
    file = Upload(required=True)


class ImportSchema(ImportFormSchema, ImportFileSchema):
    """The whole multipart body, for the OpenAPI document (it is parsed as form + files)."""


class ImportReportSchema(ma.Schema):
    format = ma.fields.String()
    dry_run = ma.fields.Boolean()
    records = ma.fields.Integer(metadata={"description": "Images the file labels"})
    matched = ma.fields.Integer(metadata={"description": "Records matched to an image of the project"})
    unmatched = ma.fields.Integer(metadata={"description": "Records matching no image (skipped)"})
    invalid = ma.fields.Integer(metadata={"description": "Invalid records (any one stops the import)"})
    created = ma.fields.Integer(metadata={"description": "Annotations created (on a dry run: to create)"})
    unchanged = ma.fields.Integer(metadata={"description": "Matched images already labeled so"})
    unmatched_samples = ma.fields.List(ma.fields.String())
    errors = ma.fields.List(ma.fields.String())
