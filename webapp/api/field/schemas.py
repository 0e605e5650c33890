"""Schemas of the field API: field metrics of an export, drift events."""

from datetime import UTC

import marshmallow as ma
from marshmallow import validate

from webapp.api.envelope import PageArgsSchema
from webapp.services.field_metrics import BUCKETS


class FieldMetricsArgsSchema(ma.Schema):
    start = ma.fields.AwareDateTime(
        data_key="from",
        default_timezone=UTC,
        metadata={"description": "At or after (ISO 8601; rounded down to the bucket). Default: `to` - 24 h"},
    )
    end = ma.fields.AwareDateTime(
        data_key="to",
        default_timezone=UTC,
        metadata={"description": "Before (ISO 8601; rounded up to the bucket). Default: now"},
    )
    device_id = ma.fields.Integer(metadata={"description": "Only this device's predictions"})
    bucket = ma.fields.String(load_default="hour", validate=validate.OneOf(list(BUCKETS)))


class LatencySchema(ma.Schema):
    mean = ma.fields.Float(allow_none=True)
    p50 = ma.fields.Float(allow_none=True)
    p95 = ma.fields.Float(allow_none=True)


class FiguresSchema(ma.Schema):
    predictions = ma.fields.Integer(metadata={"description": "Frames the model ran on"})
    scores = ma.fields.Integer(
        metadata={
            "description": "Scores counted: one per frame for a classifier, one per detection for a detector"
        }
    )
    class_mix = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Float(), metadata={"description": "Share"}
    )
    class_counts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    confidence_histogram = ma.fields.List(
        ma.fields.Integer(), metadata={"description": "Scores per fixed bin (edges in data.bins.confidence)"}
    )
    mean_confidence = ma.fields.Float(allow_none=True, metadata={"description": "Read at the bins' centres"})
    latency_ms = ma.fields.Nested(
        LatencySchema, metadata={"description": "Percentiles interpolated in latency bins (about +-20 %)"}
    )
    low_confidence_share = ma.fields.Float(
        allow_none=True,
        metadata={"description": "Share of scores under the project's low-confidence threshold"},
    )


class BucketSchema(FiguresSchema):
    start = ma.fields.DateTime()
    devices_reporting = ma.fields.Integer()
    latency_histogram = ma.fields.List(ma.fields.Integer())


class ReferenceSchema(FiguresSchema):
    split = ma.fields.String(
        metadata={"description": "The images it was computed on (held-out: test, else val)"}
    )


class BinsSchema(ma.Schema):
    confidence = ma.fields.List(ma.fields.Float())
    latency_ms = ma.fields.List(
        ma.fields.Float(), metadata={"description": "Upper edges; the last bin is open"}
    )


class FieldMetricsSchema(ma.Schema):
    export_id = ma.fields.Integer()
    project_id = ma.fields.Integer()
    task = ma.fields.String()
    start = ma.fields.DateTime(data_key="from")
    end = ma.fields.DateTime(data_key="to")
    bucket = ma.fields.String()
    device_id = ma.fields.Integer(allow_none=True)
    low_confidence_threshold = ma.fields.Float()
    total_predictions = ma.fields.Integer()
    devices_reporting = ma.fields.Integer(metadata={"description": "Devices that reported in the window"})
    summary = ma.fields.Nested(FiguresSchema, metadata={"description": "The whole window"})
    buckets = ma.fields.List(
        ma.fields.Nested(BucketSchema),
        metadata={"description": "Oldest first; buckets with no predictions are left out"},
    )
    reference = ma.fields.Nested(
        ReferenceSchema,
        allow_none=True,
        metadata={
            "description": "The same figures on the model's held-out images, at export (null: older export)"
        },
    )
    bins = ma.fields.Nested(BinsSchema)


class DriftEventSchema(ma.Schema):
    id = ma.fields.Integer()
    project_id = ma.fields.Integer()
    export_id = ma.fields.Integer()
    window_from = ma.fields.DateTime()
    window_to = ma.fields.DateTime()
    predictions = ma.fields.Integer()
    class_psi = ma.fields.Float(metadata={"description": "Population stability index of the class mix"})
    confidence_psi = ma.fields.Float(metadata={"description": "Of the confidence histogram"})
    threshold = ma.fields.Float()
    figures = ma.fields.Dict(metadata={"description": "The distributions compared, field and reference"})
    sampling_boost = ma.fields.Dict(
        allow_none=True, metadata={"description": "The raised sampling it started (null: one was already on)"}
    )
    created_at = ma.fields.DateTime()


class DriftEventCreateSchema(ma.Schema):
    """What the drift-check flow (a service account) records."""

    export_id = ma.fields.Integer(required=True)
    window_from = ma.fields.AwareDateTime(required=True, default_timezone=UTC)
    window_to = ma.fields.AwareDateTime(required=True, default_timezone=UTC)
    predictions = ma.fields.Integer(required=True, validate=validate.Range(min=0))
    class_psi = ma.fields.Float(required=True, validate=validate.Range(min=0))
    confidence_psi = ma.fields.Float(required=True, validate=validate.Range(min=0))
    threshold = ma.fields.Float(required=True, validate=validate.Range(min=0))
    figures = ma.fields.Dict(required=True)


class DriftEventQueryArgsSchema(PageArgsSchema):
    export_id = ma.fields.Integer()
    project_id = ma.fields.Integer()
    since = ma.fields.AwareDateTime(default_timezone=UTC, metadata={"description": "At or after (ISO 8601)"})
    until = ma.fields.AwareDateTime(default_timezone=UTC, metadata={"description": "Before (ISO 8601)"})


class DriftTargetSchema(ma.Schema):
    organization_id = ma.fields.Integer()
    project_id = ma.fields.Integer()
    export_id = ma.fields.Integer()


class DriftCheckCreateSchema(ma.Schema):
    export_id = ma.fields.Integer(required=True, metadata={"description": "A deployed export"})


class DriftCheckSchema(ma.Schema):
    export_id = ma.fields.Integer()
    flow_run_id = ma.fields.String(metadata={"description": "The drift-check run (the Prefect UI shows it)"})
