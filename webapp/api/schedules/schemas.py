"""Schemas of the training schedules API."""

import marshmallow as ma
from marshmallow import validate

from webapp.api.datasets.schemas import SplitsSchema
from webapp.api.envelope import PageArgsSchema
from webapp.api.fields import name_field
from webapp.api.training.schemas import TrainingParamsSchema
from webapp.models import IMAGE_STATUSES


class ScheduleDatasetParamsSchema(ma.Schema):
    """How each run cuts its dataset version (as POST /data/datasets, without project_id)."""

    splits = ma.fields.Nested(SplitsSchema)
    seed = ma.fields.Integer(validate=validate.Range(min=0, max=2**31 - 1))
    image_statuses = ma.fields.List(
        ma.fields.String(validate=validate.OneOf(IMAGE_STATUSES)), validate=validate.Length(min=1)
    )
    image_size = ma.fields.Integer(validate=validate.Range(min=8, max=512))


class ScheduleBaseSchema(ma.Schema):
    cron = ma.fields.String(
        allow_none=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Must not fire more often than the server's minimum interval"},
    )
    interval_seconds = ma.fields.Integer(
        allow_none=True,
        validate=validate.Range(min=5, max=366 * 24 * 3600),
        metadata={"description": "At least the server's minimum interval (ACUSIGHT_SCHEDULE_MIN_INTERVAL_S)"},
    )
    timezone = ma.fields.String(validate=validate.Length(min=1, max=64))
    dataset_params = ma.fields.Nested(ScheduleDatasetParamsSchema)
    training_params = ma.fields.Nested(TrainingParamsSchema)
    device = ma.fields.String(validate=validate.OneOf(["auto", "cuda", "cpu"]))
    min_new_annotations = ma.fields.Integer(
        validate=validate.Range(min=0),
        metadata={
            "description": "Skip a run unless this many images were annotated since the last one "
            "(0 counts as 1: a run with nothing new never cuts a version nor trains)"
        },
    )


class ScheduleCreateSchema(ScheduleBaseSchema):
    project_id = ma.fields.Integer(required=True)
    name = name_field()


class ScheduleUpdateSchema(ScheduleBaseSchema):
    name = name_field(required=False)
    active = ma.fields.Boolean(
        metadata={"description": "Pause (false) or resume (true), as in the Prefect UI"}
    )


class ScheduleSchema(ma.Schema):
    id = ma.fields.Integer()
    project_id = ma.fields.Integer()
    name = ma.fields.String()
    cron = ma.fields.String(allow_none=True)
    interval_seconds = ma.fields.Integer(allow_none=True)
    timezone = ma.fields.String()
    # Named schemas (not free-form dicts), so the OpenAPI document refers to ScheduleDatasetParams and
    # TrainingParams: a generated client then has one model of each, not a clashing inline copy. Stored
    # values were loaded through these schemas, so dumping through them sends the same JSON.
    dataset_params = ma.fields.Nested(ScheduleDatasetParamsSchema)
    training_params = ma.fields.Nested(TrainingParamsSchema)
    device = ma.fields.String()
    min_new_annotations = ma.fields.Integer()
    active = ma.fields.Boolean(
        allow_none=True, metadata={"description": "As Prefect reports it; null when Prefect can't be reached"}
    )
    prefect_schedule_id = ma.fields.String(allow_none=True)
    last_run_at = ma.fields.DateTime(allow_none=True)
    last_outcome = ma.fields.String(allow_none=True)
    last_dataset_id = ma.fields.Integer(allow_none=True)
    last_training_job_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()


class ScheduleQueryArgsSchema(PageArgsSchema):
    project_id = ma.fields.Integer()


class ScheduleRunSchema(ma.Schema):
    flow_run_id = ma.fields.String()


class ScheduleRunStartSchema(ma.Schema):
    started = ma.fields.Boolean()
    reason = ma.fields.String()
    dataset_id = ma.fields.Integer()
    new_annotations = ma.fields.Integer()


class ScheduleOutcomeSchema(ma.Schema):
    """The scheduled flow's report."""

    last_outcome = ma.fields.String(validate=validate.Length(max=10_000))
    last_training_job_id = ma.fields.Integer(allow_none=True)
