"""What the OpenAPI document says beyond flask-smorest's defaults: each response schema inside its
envelope, the errors every operation can answer, and the ranges and formats the parser holds to."""

from __future__ import annotations

import http
from functools import cache
from typing import Any

import marshmallow as ma
from apispec import BasePlugin

from webapp.api.envelope.pagination import MetaSchema
from webapp.api.fields import is_id_field
from webapp.models.base import MAX_ID


@cache
def envelope_schema(schema: type[ma.Schema], many: bool) -> type[ma.Schema]:
    """The documented envelope around ``schema``: one class per schema, so names stay unique."""
    fields: dict[str, Any] = {"success": ma.fields.Boolean(metadata={"example": True})}
    if many:
        fields["data"] = ma.fields.List(ma.fields.Nested(schema))
        fields["meta"] = ma.fields.Nested(MetaSchema)
    else:
        # A schema whose answer may be "nothing" (data: null) says so with ``nullable = True``.
        fields["data"] = ma.fields.Nested(schema, allow_none=bool(getattr(schema, "nullable", False)))
    name = schema.__name__.removesuffix("Schema") + ("Page" if many else "") + "Envelope"
    return type(name, (ma.Schema,), fields)


class CommonErrorsPlugin(BasePlugin):
    """Document the errors any operation of its kind can answer, so that every status is listed.

    Input (parameters or a body) can be invalid: 400. An id in the path can name nothing: 404. A body
    can be too large: 413. With rate limits on, any call can be refused: 429.
    """

    def __init__(self, rate_limited: bool = False) -> None:
        self.rate_limited = rate_limited

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            common: dict[int, str] = {}
            if operation.get("parameters") or operation.get("requestBody") or "{" in (path or ""):
                common[400] = "VALIDATION_ERROR"
            if "{" in (path or ""):
                common[404] = "NOT_FOUND"
            if operation.get("requestBody"):
                common[413] = "PAYLOAD_TOO_LARGE"
            if self.rate_limited:
                common[429] = "RATE_LIMITED"
            for status, name in common.items():
                # The parser documents its 400 by the HTTP name; ours says which error code comes.
                if responses.get(status) in (None, http.HTTPStatus(status).name):
                    responses[status] = name
            responses.pop(422, None)


def integer_range_property(_converter: Any, field: ma.fields.Field, ret: dict[str, Any]) -> dict[str, Any]:
    """Document the id columns' range on ids (ArgumentsParser holds requests to it)."""
    if not isinstance(field, ma.fields.Integer):
        return {}
    owner = field.parent if isinstance(field.parent, ma.fields.List) else field
    if not is_id_field(owner.data_key or owner.name):
        return {}
    return {"maximum": min(ret.get("maximum", MAX_ID), MAX_ID)}


def ip_address_property(_converter: Any, field: ma.fields.Field, ret: dict[str, Any]) -> dict[str, Any]:
    """IP fields take IPv4 or IPv6: OpenAPI has a format for each, and no "ip" format."""
    if isinstance(field, ma.fields.IP) and ret.get("format") == "ip":
        del ret["format"]
        return {"anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]}
    return {}
