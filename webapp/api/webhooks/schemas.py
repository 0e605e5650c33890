"""Schemas of the webhooks API."""

import marshmallow as ma
from marshmallow import validate

from webapp.api.envelope import PageArgsSchema
from webapp.integrations.webhooks import outbox, urls
from webapp.models import DELIVERY_STATUSES
from webapp.services.events import EVENT_NAMES

EVENT_CHOICES = [*EVENT_NAMES, outbox.ALL_EVENTS]


def _url_field(required: bool) -> ma.fields.String:
    return ma.fields.String(
        required=required,
        validate=validate.Length(min=1, max=urls.MAX_URL_CHARS),
        metadata={
            "description": "http or https, no user or password; a public address unless the server "
            "allows private ones (ACUSIGHT_WEBHOOK_ALLOW_PRIVATE_URLS)",
            "example": "https://hooks.example.com/acusight",
        },
    )


def _events_field(required: bool) -> ma.fields.List:
    return ma.fields.List(
        ma.fields.String(validate=validate.OneOf(EVENT_CHOICES), metadata={"enum": EVENT_CHOICES}),
        required=required,
        validate=validate.Length(min=1, max=len(EVENT_CHOICES)),
        metadata={"description": 'The events the endpoint hears; "*": all of them'},
    )


class WebhookEndpointSchema(ma.Schema):
    id = ma.fields.Integer()
    url = ma.fields.String()
    events = ma.fields.List(ma.fields.String(metadata={"enum": EVENT_CHOICES}))
    active = ma.fields.Boolean()
    disabled_reason = ma.fields.String(
        allow_none=True, metadata={"description": "Why the platform turned it off (a 410 Gone answer)"}
    )
    created_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class WebhookEndpointCreatedSchema(WebhookEndpointSchema):
    secret = ma.fields.String(
        metadata={"description": "The signing secret (whsec_…), shown this once: keep it with the receiver"}
    )


class WebhookEndpointCreateSchema(ma.Schema):
    url = _url_field(required=True)
    events = _events_field(required=True)


class WebhookEndpointUpdateSchema(ma.Schema):
    url = _url_field(required=False)
    events = _events_field(required=False)
    active = ma.fields.Boolean(metadata={"description": "Off: nothing is sent; on again: what waited is"})


class WebhookDeliverySchema(ma.Schema):
    id = ma.fields.Integer()
    webhook_id = ma.fields.Integer()
    uuid = ma.fields.String(metadata={"description": "The Acusight-Delivery header: the same on each retry"})
    event = ma.fields.String(metadata={"enum": [*EVENT_NAMES, outbox.PING]})
    event_id = ma.fields.String(metadata={"description": "The body's id: the same in a redelivery"})
    status = ma.fields.String(metadata={"enum": list(DELIVERY_STATUSES)})
    attempts = ma.fields.Integer()
    last_status_code = ma.fields.Integer(allow_none=True)
    last_error = ma.fields.String(allow_none=True)
    last_response = ma.fields.String(
        allow_none=True, metadata={"description": "The start of the last answer's body (500 bytes at most)"}
    )
    last_attempt_at = ma.fields.DateTime(allow_none=True)
    next_attempt_at = ma.fields.DateTime(allow_none=True, metadata={"description": "Null once final"})
    delivered_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class WebhookDeliveryQueryArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=validate.OneOf(DELIVERY_STATUSES))
    event = ma.fields.String(validate=validate.OneOf([*EVENT_NAMES, outbox.PING]))
