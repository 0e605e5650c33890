"""Schemas of the organization API."""

import marshmallow as ma

from webapp.api.fields import name_field


class OrganizationCountsSchema(ma.Schema):
    users = ma.fields.Integer()
    devices = ma.fields.Integer()
    projects = ma.fields.Integer()


class OrganizationJobsSchema(ma.Schema):
    dataset_versions = ma.fields.Integer()
    training_jobs = ma.fields.Integer()
    exports = ma.fields.Integer()


class OrganizationUsageSchema(ma.Schema):
    """What the organization uses of its quotas (null quota: no limit)."""

    image_bytes = ma.fields.Integer(metadata={"description": "Bytes of its stored images"})
    image_bytes_quota = ma.fields.Integer(allow_none=True)
    images = ma.fields.Integer(metadata={"description": "Its stored images"})
    images_quota = ma.fields.Integer(allow_none=True)
    max_jobs = ma.fields.Integer(
        allow_none=True, metadata={"description": "Of each kind below, at most this many queued or running"}
    )
    jobs = ma.fields.Nested(OrganizationJobsSchema, metadata={"description": "Queued or running now"})


class OrganizationSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    slug = ma.fields.String()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    counts = ma.fields.Nested(OrganizationCountsSchema)
    usage = ma.fields.Nested(OrganizationUsageSchema)


class OrganizationUpdateSchema(ma.Schema):
    name = name_field(required=False)
