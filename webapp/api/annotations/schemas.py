"""Schemas of the annotations API."""

import marshmallow as ma
from marshmallow import validate

from webapp.api.envelope import PageArgsSchema
from webapp.models import ANNOTATION_SOURCES
from webapp.services import annotations

_UNIT = validate.Range(min=0, max=1)


class BoxSchema(ma.Schema):
    """A box in fractions of the image size, from its top-left corner."""

    label = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    x = ma.fields.Float(required=True, validate=_UNIT, allow_nan=False)
    y = ma.fields.Float(required=True, validate=_UNIT, allow_nan=False)
    width = ma.fields.Float(
        required=True, validate=validate.Range(min=0, max=1, min_inclusive=False), allow_nan=False
    )
    height = ma.fields.Float(
        required=True, validate=validate.Range(min=0, max=1, min_inclusive=False), allow_nan=False
    )


class AnnotationSchema(ma.Schema):
    id = ma.fields.Integer()
    image_id = ma.fields.Integer()
    project_id = ma.fields.Integer(allow_none=True)
    label = ma.fields.String(allow_none=True, metadata={"description": "Classification: the class"})
    boxes = ma.fields.List(
        ma.fields.Nested(BoxSchema), allow_none=True, metadata={"description": "Detection: the boxes"}
    )
    source = ma.fields.String(metadata={"enum": list(ANNOTATION_SOURCES)})
    external_id = ma.fields.String(allow_none=True)
    annotator_id = ma.fields.Integer(allow_none=True)
    annotator_email = ma.fields.String(allow_none=True)
    current = ma.fields.Function(
        annotations.is_current,
        metadata={"description": "Whether this is the image's current (latest) annotation"},
    )
    created_at = ma.fields.DateTime()


class AnnotationCreateSchema(ma.Schema):
    image_id = ma.fields.Integer(required=True)
    label = ma.fields.String(validate=validate.Length(min=1, max=200))
    boxes = ma.fields.List(ma.fields.Nested(BoxSchema), validate=validate.Length(max=annotations.MAX_BOXES))
    source = ma.fields.String(
        load_default="manual",
        validate=validate.OneOf(ANNOTATION_SOURCES),
        metadata={"description": "Where it was made; people may give only manual (else 403)"},
    )
    external_id = ma.fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={
            "description": "The annotation's id in the tool it came from (e.g. Label Studio); services only"
        },
    )
    annotator_email = ma.fields.Email(
        metadata={
            "description": "Who annotated, for label_studio or model sources (default: the caller); "
            "services only"
        }
    )


class AnnotationQueryArgsSchema(PageArgsSchema):
    image_id = ma.fields.Integer()
    project_id = ma.fields.Integer()
    external_id = ma.fields.String(validate=validate.Length(min=1, max=100))
