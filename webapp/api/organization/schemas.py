"""Schemas of the organization API."""

import marshmallow as ma

from webapp.api.fields import name_field


class OrganizationCountsSchema(ma.Schema):
    users = ma.fields.Integer()
    devices = ma.fields.Integer()
    projects = ma.fields.Integer()


class OrganizationSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    slug = ma.fields.String()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    counts = ma.fields.Nested(OrganizationCountsSchema)


class OrganizationUpdateSchema(ma.Schema):
    name = name_field(required=False)
