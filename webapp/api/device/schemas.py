"""Schemas of the device API."""

import marshmallow as ma

from webapp.api.devices.schemas import DeviceSchema


class ProjectRefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    task_type = ma.fields.String()


class DeviceSelfSchema(DeviceSchema):
    project = ma.fields.Nested(ProjectRefSchema, allow_none=True)
