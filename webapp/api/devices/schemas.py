"""Schemas of the devices API."""

from datetime import UTC, timedelta

import marshmallow as ma
from marshmallow import validate

from webapp.api.envelope import PageArgsSchema
from webapp.api.fields import name_field, optional_text
from webapp.services import devices
from webapp.settings import get_settings


def _offline_after() -> timedelta:
    return timedelta(seconds=get_settings().offline_after_s)


class DeviceSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    serial_number = ma.fields.String()
    model = ma.fields.String(allow_none=True)
    firmware_version = ma.fields.String(allow_none=True)
    project_id = ma.fields.Integer(allow_none=True)
    deployed_export_id = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "The device's own model export; it wins over its project's (null: none)"},
    )
    running_export_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "The export the device said it runs at its last check-in"}
    )
    model_error = ma.fields.String(
        allow_none=True, metadata={"description": "Why its last model load failed, as it said (null: fine)"}
    )
    disabled = ma.fields.Boolean()
    tags = ma.fields.List(ma.fields.String(), metadata={"description": "In alphabetical order"})
    status = ma.fields.Function(
        lambda d: devices.status(d, _offline_after()),
        metadata={"enum": ["never_seen", "online", "offline", "disabled"]},
    )
    last_seen_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class DeviceProvisionSchema(ma.Schema):
    token = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    serial_number = name_field()
    name = name_field()
    model = optional_text(200)
    firmware_version = optional_text(100)


class DeviceProvisionedSchema(ma.Schema):
    device = ma.fields.Nested(DeviceSchema)
    api_key = ma.fields.String(metadata={"description": "The device key, shown only in this response"})


MAX_DEVICE_TAGS = 20
TAG = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9_.:/=-]{0,49}$",
    error="A tag is 1 to 50 letters, digits and _ . : / = - (starting with a letter or digit)",
)


def tag_field() -> ma.fields.String:
    return ma.fields.String(validate=TAG, metadata={"example": "site:north"})


class DeviceUpdateSchema(ma.Schema):
    name = name_field(required=False)
    tags = ma.fields.List(
        tag_field(),
        validate=validate.Length(max=MAX_DEVICE_TAGS),
        metadata={"description": f"Replaces the device's tags (at most {MAX_DEVICE_TAGS}; repeats dropped)"},
    )
    project_id = ma.fields.Integer(allow_none=True)
    disabled = ma.fields.Boolean()
    deployed_export_id = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "A succeeded export of the organization for it to run; null clears"},
    )


class DeviceQueryArgsSchema(PageArgsSchema):
    project_id = ma.fields.Integer()
    disabled = ma.fields.Boolean()
    tags = ma.fields.List(
        tag_field(),
        data_key="tag",
        validate=validate.Length(max=MAX_DEVICE_TAGS),
        metadata={"description": "Devices with this tag; repeated (`?tag=a&tag=b`), with every one of them"},
    )


class CheckinSchema(ma.Schema):
    id = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    battery_pct = ma.fields.Float(allow_none=True)
    temperature_c = ma.fields.Float(allow_none=True)
    disk_free_mb = ma.fields.Float(allow_none=True)
    uptime_s = ma.fields.Integer(allow_none=True)
    firmware_version = ma.fields.String(allow_none=True)
    ip_address = ma.fields.String(allow_none=True)
    running_export_id = ma.fields.Integer(allow_none=True)
    model_error = ma.fields.String(allow_none=True)
    failed_export_id = ma.fields.Integer(allow_none=True)
    runs_failed = ma.fields.Integer(allow_none=True)
    metrics = ma.fields.Dict(allow_none=True)


class CheckinQueryArgsSchema(PageArgsSchema):
    since = ma.fields.AwareDateTime(default_timezone=UTC, metadata={"description": "At or after (ISO 8601)"})
    until = ma.fields.AwareDateTime(default_timezone=UTC, metadata={"description": "Before (ISO 8601)"})
