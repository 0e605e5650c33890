"""Schemas of the Label Studio integration API."""

from datetime import UTC

import marshmallow as ma
from marshmallow import validate

from webapp.integrations.label_studio import linking
from webapp.models import SYNC_STATUSES

STAGES = ("push", "pull")
STATES = ("running", "succeeded", "failed")


class LinkCreateSchema(ma.Schema):
    title = ma.fields.String(
        validate=validate.Length(min=linking.TITLE_MIN, max=linking.TITLE_MAX),
        metadata={"description": "Title of the Label Studio project (default: the project's name)"},
    )


class LinkSchema(ma.Schema):
    project_id = ma.fields.Integer()
    label_studio_project_id = ma.fields.Integer(attribute="ls_project_id")
    label_studio_project_url = ma.fields.String(metadata={"description": "Where annotators work"})
    label_studio_webhook_id = ma.fields.Integer(attribute="ls_webhook_id", allow_none=True)
    sync_status = ma.fields.String(metadata={"enum": list(SYNC_STATUSES)})
    tasks_pushed = ma.fields.Integer()
    tasks_annotated = ma.fields.Integer()
    last_push_at = ma.fields.DateTime(allow_none=True)
    last_pull_at = ma.fields.DateTime(allow_none=True)
    pull_cursor = ma.fields.DateTime(
        allow_none=True, metadata={"description": "Newest Label Studio task update seen by a pull"}
    )
    pull_flow_run_id = ma.fields.String(
        allow_none=True,
        metadata={"description": "The webhook-started pull queued or running (one at a time)"},
    )
    pull_queued = ma.fields.Integer(
        metadata={"description": "Task changes webhooks announced that a pull has yet to take"}
    )
    last_error = ma.fields.String(allow_none=True, metadata={"description": "The most recent failure"})
    last_error_at = ma.fields.DateTime(allow_none=True)
    label_config = ma.fields.String(
        allow_none=True, metadata={"description": "The labeling config the project's labels call for"}
    )
    label_config_hash = ma.fields.String(metadata={"description": "SHA-256 of the config Label Studio has"})
    label_config_in_sync = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class LinkRefSchema(ma.Schema):
    organization_id = ma.fields.Integer()
    project_id = ma.fields.Integer()


class ConnectionSchema(ma.Schema):
    project_id = ma.fields.Integer()
    label_studio_project_id = ma.fields.Integer()
    url = ma.fields.String(metadata={"description": "The Label Studio the project lives in"})
    token = ma.fields.String(metadata={"description": "The organization's token for it"})


class PushResultSchema(ma.Schema):
    batch_id = ma.fields.Integer()
    project_id = ma.fields.Integer()
    flow_run_id = ma.fields.String()


class PullResultSchema(ma.Schema):
    project_id = ma.fields.Integer()
    flow_run_id = ma.fields.String()


class SignedArgsSchema(ma.Schema):
    exp = ma.fields.Integer(required=True, metadata={"description": "Expiry, in seconds since the epoch"})
    sig = ma.fields.String(required=True, validate=validate.Length(max=100))


class _Loose(ma.Schema):
    """Label Studio sends much more than we read; the rest is ignored."""

    class Meta:
        unknown = ma.EXCLUDE


class _IdSchema(_Loose):
    id = ma.fields.Integer(required=True)


class _WebhookAnnotationSchema(_Loose):
    id = ma.fields.Integer(required=True)
    task = ma.fields.Integer(required=True)


class WebhookSchema(_Loose):
    action = ma.fields.String(required=True, validate=validate.Length(max=100))
    project = ma.fields.Nested(_IdSchema, required=True)
    annotation = ma.fields.Nested(_WebhookAnnotationSchema)
    annotations = ma.fields.List(ma.fields.Nested(_IdSchema))


class WebhookResultSchema(ma.Schema):
    action = ma.fields.String()
    task_ids = ma.fields.List(ma.fields.Integer())
    flow_run_id = ma.fields.String(
        allow_none=True,
        metadata={"description": "The pull that takes these tasks; null: nothing to pull (or not known yet)"},
    )
    started = ma.fields.Boolean(
        metadata={
            "description": "Whether this event started that pull; false: it joined the one queued or running"
        }
    )


class PendingArgsSchema(ma.Schema):
    limit = ma.fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class PendingImageSchema(ma.Schema):
    image_id = ma.fields.Integer()
    url = ma.fields.String(metadata={"description": "Signed, expiring URL of the image's bytes"})
    url_expires_at = ma.fields.DateTime()
    width = ma.fields.Integer()
    height = ma.fields.Integer()
    device_prediction = ma.fields.Dict(
        allow_none=True,
        metadata={"description": "What the camera's model predicted, for a frame sampled by the policy"},
    )


class PendingSchema(ma.Schema):
    project_id = ma.fields.Integer()
    label_studio_project_id = ma.fields.Integer()
    labels = ma.fields.List(ma.fields.String(), metadata={"description": "The project's labels"})
    images = ma.fields.List(ma.fields.Nested(PendingImageSchema))


class StaleTaskSchema(ma.Schema):
    task_id = ma.fields.Integer()
    image_id = ma.fields.Integer()
    url = ma.fields.String()
    url_expires_at = ma.fields.DateTime()


class TaskRecordSchema(ma.Schema):
    image_id = ma.fields.Integer(required=True)
    task_id = ma.fields.Integer(required=True)
    url_expires_at = ma.fields.AwareDateTime(required=True, default_timezone=UTC)


class TasksRecordSchema(ma.Schema):
    tasks = ma.fields.List(
        ma.fields.Nested(TaskRecordSchema), required=True, validate=validate.Length(min=1, max=1000)
    )


class TasksRecordedSchema(ma.Schema):
    new = ma.fields.Integer(metadata={"description": "Tasks not recorded before"})


class SyncAnnotationSchema(_Loose):
    id = ma.fields.Integer(required=True)
    result = ma.fields.List(ma.fields.Dict(), load_default=list)
    was_cancelled = ma.fields.Boolean(load_default=False)
    completed_by_email = ma.fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=320)
    )


class SyncTaskSchema(_Loose):
    id = ma.fields.Integer(required=True)
    annotations = ma.fields.List(ma.fields.Nested(SyncAnnotationSchema), load_default=list)


class SyncSchema(ma.Schema):
    tasks = ma.fields.List(ma.fields.Nested(SyncTaskSchema), required=True, validate=validate.Length(max=500))


class SyncResultSchema(ma.Schema):
    created = ma.fields.Integer()
    updated = ma.fields.Integer()
    deleted = ma.fields.Integer()
    unchanged = ma.fields.Integer()
    unknown_tasks = ma.fields.Integer(metadata={"description": "Tasks that show no Acusight image"})
    batches_completed = ma.fields.List(ma.fields.Integer())
    errors = ma.fields.List(ma.fields.String())


_CLAIM = validate.Length(min=1, max=64)


class PullQueueTakeSchema(ma.Schema):
    claim = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=_CLAIM,
        metadata={"description": "The claim the webhook gave this pull run; none for the scheduled pull"},
    )
    limit = ma.fields.Integer(load_default=500, validate=validate.Range(min=1, max=1000))


class PullQueueEntrySchema(ma.Schema):
    id = ma.fields.Integer()
    task_id = ma.fields.Integer(attribute="ls_task_id")


class PullQueueSchema(ma.Schema):
    owned = ma.fields.Boolean(metadata={"description": "Whether the claim is still this run's"})
    entries = ma.fields.List(ma.fields.Nested(PullQueueEntrySchema))


class PullQueueDoneSchema(ma.Schema):
    claim = ma.fields.String(load_default=None, allow_none=True, validate=_CLAIM)
    entry_ids = ma.fields.List(ma.fields.Integer(), required=True, validate=validate.Length(max=1000))


class PullQueueDoneResultSchema(ma.Schema):
    owned = ma.fields.Boolean()
    released = ma.fields.Boolean(metadata={"description": "The queue was empty: the claim is let go"})
    remaining = ma.fields.Integer(metadata={"description": "Entries still queued (queued meanwhile)"})


class ReportSchema(ma.Schema):
    stage = ma.fields.String(required=True, validate=validate.OneOf(STAGES))
    state = ma.fields.String(required=True, validate=validate.OneOf(STATES))
    error = ma.fields.String(load_default=None, allow_none=True)
    pull_cursor = ma.fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=UTC)
    label_config_hash = ma.fields.String(
        load_default=None, allow_none=True, validate=validate.Length(equal=64)
    )
    claim = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=_CLAIM,
        metadata={"description": "A failed webhook pull's claim, let go so the next webhook starts a pull"},
    )
