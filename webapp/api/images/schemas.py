"""Schemas of the images API."""

from datetime import UTC

import marshmallow as ma
from marshmallow import validate

from webapp.api.annotations.schemas import AnnotationSchema
from webapp.api.envelope import PageArgsSchema
from webapp.api.fields import optional_text
from webapp.auth import calling_user
from webapp.models import IMAGE_STATUSES, Image
from webapp.services import image_urls, images

MAX_TAGS = 50


_SIGNED_DOC = {
    "type": "string",
    "nullable": True,
    "description": "For a person's browser (`<img src>`): the same bytes through a URL that needs no "
    "credentials, valid 15 to 20 minutes and only while the caller stays enabled; null for service accounts",
}


def _signed(image: Image, variant: str) -> str | None:
    user = calling_user()
    return image_urls.signed_url(user, image.id, variant) if user is not None else None


class ImageSchema(ma.Schema):
    id = ma.fields.Integer()
    project_id = ma.fields.Integer(allow_none=True)
    batch_id = ma.fields.Integer(allow_none=True)
    device_id = ma.fields.Integer(allow_none=True)
    sha256 = ma.fields.String()
    byte_size = ma.fields.Integer()
    width = ma.fields.Integer()
    height = ma.fields.Integer()
    format = ma.fields.String()
    filename = ma.fields.String(allow_none=True)
    captured_at = ma.fields.DateTime(allow_none=True)
    status = ma.fields.String(metadata={"enum": list(IMAGE_STATUSES)})
    tags = ma.fields.List(ma.fields.String())
    notes = ma.fields.String(allow_none=True)
    metadata = ma.fields.Dict(attribute="meta", allow_none=True)
    labeled = ma.fields.Boolean(metadata={"description": "Whether the image has an annotation"})
    label = ma.fields.String(
        allow_none=True, metadata={"description": "Classification: the current label (null for detection)"}
    )
    annotation = ma.fields.Nested(
        AnnotationSchema, allow_none=True, metadata={"description": "The current (latest) annotation"}
    )
    file_url = ma.fields.Function(lambda image: f"/api/data/images/{image.id}/file")
    thumbnail_url = ma.fields.Function(lambda image: f"/api/data/images/{image.id}/thumbnail")
    signed_file_url = ma.fields.Function(
        lambda image: _signed(image, "file"),
        allow_none=True,
        metadata=_SIGNED_DOC,
    )
    signed_thumbnail_url = ma.fields.Function(
        lambda image: _signed(image, "thumbnail"),
        allow_none=True,
        metadata=_SIGNED_DOC,
    )
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class ImageUpdateSchema(ma.Schema):
    status = ma.fields.String(validate=validate.OneOf(IMAGE_STATUSES))
    tags = ma.fields.List(
        ma.fields.String(validate=validate.Length(min=1, max=50)), validate=validate.Length(max=MAX_TAGS)
    )
    notes = optional_text(5000)


class ImageQueryArgsSchema(PageArgsSchema):
    project_id = ma.fields.Integer()
    batch_id = ma.fields.Integer()
    device_id = ma.fields.Integer()
    status = ma.fields.String(validate=validate.OneOf(IMAGE_STATUSES))
    labeled = ma.fields.Boolean()
    label = ma.fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Current label: the class, or for detection any box's label"},
    )
    captured_after = ma.fields.AwareDateTime(
        default_timezone=UTC, metadata={"description": "Inclusive; naive times are UTC"}
    )
    captured_before = ma.fields.AwareDateTime(
        default_timezone=UTC, metadata={"description": "Exclusive; naive times are UTC"}
    )
    sort = ma.fields.String(
        validate=validate.OneOf(list(images.SORTS)),
        metadata={"description": "created (default), or captured (the default with a captured_* range)"},
    )
    order = ma.fields.String(load_default="desc", validate=validate.OneOf(["desc", "asc"]))


class FieldPredictionSchema(ma.Schema):
    export_id = ma.fields.Integer()
    device_id = ma.fields.Integer()
    captured_at = ma.fields.DateTime()
    latency_ms = ma.fields.Float(allow_none=True)
    prediction = ma.fields.Dict(
        metadata={"description": "label, score (and top_k) of a classifier; detections of a detector"}
    )


class SignedViewArgsSchema(ma.Schema):
    variant = ma.fields.String(required=True, validate=validate.OneOf(image_urls.VARIANTS))
    u = ma.fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "The user the URL was made for"},
    )
    exp = ma.fields.Integer(
        required=True,
        validate=validate.Range(min=0, max=2**40),
        metadata={"description": "Expiry, in seconds since the epoch", "format": "int64"},
    )
    sig = ma.fields.String(required=True, validate=validate.Length(max=100))
