"""The API's response envelope, pagination meta and error bodies, for every route.

Every response is ``{"success": true, "data": ..., "meta": ...}`` (``meta``: pagination, on lists) or
``{"success": false, "error": {"code": ..., "message": ..., "details": ...}}``.
"""

from __future__ import annotations

import http
import json
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import cache, wraps
from typing import Any

import marshmallow as ma
from apispec import BasePlugin
from flask import Request, Response, g, jsonify
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.spec.plugins import integerconverter2paramschema
from flask_smorest.utils import prepare_response
from marshmallow import validate
from webargs.core import is_json
from webargs.flaskparser import FlaskParser, abort
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from webapp.api.fields import IdConverter, integer_bounds, is_id_field, text_problem
from webapp.errors import AppError
from webapp.models.base import MAX_ID
from webapp.services.common import Page, loads_json

log = logging.getLogger(__name__)

MAX_PER_PAGE = 100

# The error code of each HTTP status, for errors that carry none of their own: stable, UPPER_SNAKE_CASE.
_CODES = {
    400: "VALIDATION_ERROR",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
    507: "INSUFFICIENT_STORAGE",
}


class PageArgsSchema(ma.Schema):
    """The pagination parameters of every list (``page``, ``per_page``); list query schemas inherit them."""

    # No list has more pages than there can be records (and the offset must fit the database's integers).
    page = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = ma.fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class MetaSchema(ma.Schema):
    total = ma.fields.Integer()
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total_pages = ma.fields.Integer()


class ErrorBodySchema(ma.Schema):
    code = ma.fields.String(metadata={"example": "VALIDATION_ERROR"})
    message = ma.fields.String()
    details = ma.fields.String(allow_none=True)
    fields = ma.fields.Dict(metadata={"description": "Per-field messages, for validation errors"})


class ErrorEnvelopeSchema(ma.Schema):
    success = ma.fields.Boolean(metadata={"example": False})
    error = ma.fields.Nested(ErrorBodySchema)


def error_response(
    status: int, message: str, details: str | None = None, fields: dict[str, Any] | None = None
) -> tuple[Response, int]:
    error: dict[str, Any] = {"code": _CODES.get(status, "ERROR"), "message": message, "details": details}
    if fields:
        error["fields"] = fields
    return jsonify({"success": False, "error": error}), status


def _flatten(messages: Any, path: str = "") -> list[str]:
    """Turn marshmallow's nested messages into 'field: message' lines."""
    if isinstance(messages, dict):
        out: list[str] = []
        for key, value in messages.items():
            # webargs nests by location ("json", "query", "form"): not a field name.
            inner = (
                path
                if key in {"json", "query", "form", "files", "headers", "view_args"}
                else (f"{path}.{key}" if path else str(key))
            )
            out += _flatten(value, inner)
        return out
    if isinstance(messages, list | tuple):
        out = []
        for m in messages:
            out += _flatten(m, path)
        return out
    return [f"{path}: {messages}" if path else str(messages)]


@cache
def _envelope_schema(schema: type[ma.Schema], many: bool) -> type[ma.Schema]:
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


class ArgumentsParser(FlaskParser):
    """webargs' parser, refusing bad input with 400 VALIDATION_ERROR (documented as such), not 422.

    Beyond each schema's own rules, for every request: JSON nested too deeply to parse is invalid
    JSON, text may not contain NUL characters (PostgreSQL cannot store them), and integers must be
    within :func:`webapp.api.fields.integer_bounds`.
    """

    DEFAULT_VALIDATION_STATUS = 400

    def _raw_load_json(self, req: Request) -> Any:
        if not is_json(req.mimetype):
            return ma.missing
        data = req.get_data(cache=True)
        # A body without a length (chunked) is read up to the limit and no further; reading past it
        # raises the 413 that a body announcing its length gets before a byte is read.
        req.stream.read(1)
        try:
            return loads_json(data)
        except json.JSONDecodeError as exc:
            self._handle_invalid_json_error(exc, req)
        except ValueError as exc:
            # NaN or Infinity, text that is not UTF-8, nesting too deep to parse: not JSON we can read.
            abort(400, exc=exc, messages={"json": [f"Invalid JSON body: {exc}"]})

    def pre_load(self, location_data: Any, *, schema: ma.Schema, req: Request, location: str) -> Any:
        # webargs hands query strings and forms over wrapped; every value of a repeated key counts.
        raw = getattr(location_data, "data", location_data)
        if isinstance(raw, Mapping):
            pairs = raw.items(multi=True) if isinstance(raw, MultiDict) else raw.items()
            bad: dict[str, list[str]] = {}
            for key, value in pairs:
                problem = text_problem(key) or text_problem(value)
                if problem:
                    # A key that cannot be encoded cannot be echoed either: it is named escaped.
                    bad.setdefault(str(key).encode("utf-8", "backslashreplace").decode(), []).append(problem)
            if bad:
                raise ma.ValidationError({key: sorted(set(msgs)) for key, msgs in sorted(bad.items())})
        if location == "json":
            fractional = _fractional(schema, raw)
            if fractional:
                raise ma.ValidationError(fractional)
        return location_data

    def _process_location_data(self, location_data: Any, schema: ma.Schema, *args: Any, **kwargs: Any) -> Any:
        data = super()._process_location_data(location_data, schema, *args, **kwargs)
        errors = _out_of_range(schema, data)
        if errors:
            raise ma.ValidationError(errors)
        return data


class Blueprint(SmorestBlueprint):
    """A flask-smorest blueprint whose responses come wrapped in the envelope."""

    ARGUMENTS_PARSER = ArgumentsParser()

    @staticmethod
    def _prepare_response_content(data: Any) -> Any:
        body: dict[str, Any] = {"success": True, "data": data}
        meta = g.pop("page_meta", None)
        if meta is not None:
            body["meta"] = meta
        return body

    @staticmethod
    def _make_doc_response_schema(schema: ma.Schema | None) -> type[ma.Schema] | None:
        return None if schema is None else _envelope_schema(type(schema), bool(schema.many))

    def multipart(self, form: type[ma.Schema], body: type[ma.Schema]) -> Callable[[Any], Any]:
        """Parse a multipart body's text fields with ``form``; document the whole body as ``body``.

        OpenAPI gives an operation one request body, while webargs reads text fields and file parts
        from two locations: the fields are parsed here without doc, and ``body`` (fields and files) is
        what the document shows. File parts are read with ``arguments(..., location="files")`` or
        from ``request.files``.
        """

        def decorator(func: Any) -> Any:
            parsed = self.ARGUMENTS_PARSER.use_args(form(), location="form")(func)
            return self.doc(
                requestBody={"content": {"multipart/form-data": {"schema": body}}, "required": True}
            )(parsed)

        return decorator

    @staticmethod
    def paginated(func: Callable[..., Any]) -> Callable[..., Any]:
        """Let a list view return a :class:`Page`: items become ``data``, the rest ``meta``."""

        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            result = func(*args, **kwargs)
            if isinstance(result, Page):
                g.page_meta = result.meta
                return list(result.items)
            return result

        return wrapper


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


class Api(SmorestApi):
    """flask-smorest's Api, with every error in the envelope."""

    ERROR_SCHEMA = ErrorEnvelopeSchema

    def _init_spec(self, *, extra_plugins: Any = None, **kwargs: Any) -> None:
        settings = self._app.extensions.get("acusight.settings")
        plugin = CommonErrorsPlugin(rate_limited=bool(settings and settings.rate_limit))
        super()._init_spec(extra_plugins=[*(extra_plugins or ()), plugin], **kwargs)
        self.ma_plugin.converter.add_attribute_function(_ip_address_property)
        self.ma_plugin.converter.add_attribute_function(_integer_range_property)
        self.register_converter(IdConverter, integerconverter2paramschema)

    def _register_responses(self) -> None:
        super()._register_responses()
        # Error responses named by the error codes (_CODES), for the statuses whose HTTP name differs.
        named = set()
        for status, code in _CODES.items():
            if code != http.HTTPStatus(status).name and code not in named:
                named.add(code)
                response = {
                    "description": f"{http.HTTPStatus(status).phrase} (error code {code})",
                    "schema": self.ERROR_SCHEMA,
                }
                prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
                self.spec.components.response(code, response, lazy=True)

    def handle_http_exception(self, error: HTTPException) -> tuple[Response, int]:  # type: ignore[override]
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        messages = data.get("errors") or data.get("messages")
        if status in (400, 422) and messages:
            lines = _flatten(messages)
            return error_response(
                400, "Invalid request body or parameters", "; ".join(lines), _strip_locations(messages)
            )
        if status >= 500:
            original = getattr(error, "original_exception", None)
            if original is not None:
                log.exception("unhandled error", exc_info=original)
            return error_response(
                status, "Internal server error" if status == 500 else error.description or ""
            )
        headers = data.get("headers")
        response, code = error_response(status, data.get("message") or error.description or error.name)
        if headers:
            response.headers.update(headers)
        if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response, code


def _integer_range_property(_converter: Any, field: ma.fields.Field, ret: dict[str, Any]) -> dict[str, Any]:
    """Document the id columns' range on ids (ArgumentsParser holds requests to it)."""
    if not isinstance(field, ma.fields.Integer):
        return {}
    owner = field.parent if isinstance(field.parent, ma.fields.List) else field
    if not is_id_field(owner.data_key or owner.name):
        return {}
    return {"maximum": min(ret.get("maximum", MAX_ID), MAX_ID)}


def _ip_address_property(_converter: Any, field: ma.fields.Field, ret: dict[str, Any]) -> dict[str, Any]:
    """IP fields take IPv4 or IPv6: OpenAPI has a format for each, and no "ip" format."""
    if isinstance(field, ma.fields.IP) and ret.get("format") == "ip":
        del ret["format"]
        return {"anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]}
    return {}


def _out_of_range(schema: ma.Schema, data: Any) -> dict[str, Any]:
    """Messages for the values of loaded ``data`` the database cannot hold, by field name.

    Integers outside :func:`integer_bounds`, and times that do not exist in UTC (the first or last
    day of year 1 or 9999 at an offset that moves them past it).
    """
    if not isinstance(data, Mapping):
        return {}
    errors: dict[str, Any] = {}
    for name, field in schema.fields.items():
        key = field.attribute or name
        if key not in data or data[key] is None:
            continue
        value, inner = data[key], field
        if isinstance(field, ma.fields.List):
            inner, value = field.inner, data[key]
        else:
            value = [value]
        if isinstance(inner, ma.fields.Integer):
            low, high = integer_bounds(field.data_key or name)
            if any(isinstance(v, int) and v > high for v in value):
                errors[field.data_key or name] = [f"must be at most {high}"]
            elif any(isinstance(v, int) and v < low for v in value):
                errors[field.data_key or name] = [f"must be at least {low}"]
        elif isinstance(inner, ma.fields.DateTime) and not all(map(_in_utc_range, value)):
            errors[field.data_key or name] = ["is out of range once converted to UTC"]
        elif isinstance(inner, ma.fields.Nested) and isinstance(inner.schema, ma.Schema):
            items = value if not inner.many else [v for many in value for v in many]
            nested = [_out_of_range(inner.schema, item) for item in items]
            if any(nested):
                errors[field.data_key or name] = next(n for n in nested if n)
    return errors


def _fractional(schema: ma.Schema, raw: Any) -> dict[str, Any]:
    """Messages for JSON numbers with a fraction sent where ``schema`` wants an integer, by field name.

    marshmallow's Integer would truncate them (an ``image_id`` of 4.5 would read as image 4); a number
    without a fraction (4.0) is the integer it names.
    """
    if not isinstance(raw, Mapping):
        return {}
    errors: dict[str, Any] = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        if field.dump_only or key not in raw:
            continue
        inner, values = field, [raw[key]]
        if isinstance(field, ma.fields.List) and isinstance(raw[key], list):
            inner, values = field.inner, raw[key]
        if isinstance(inner, ma.fields.Integer):
            if any(isinstance(v, float) and not v.is_integer() for v in values):
                errors[key] = ["must be a whole number"]
        elif isinstance(inner, ma.fields.Nested) and isinstance(inner.schema, ma.Schema):
            items = [
                v for value in values for v in (value if inner.many and isinstance(value, list) else [value])
            ]
            nested = next((found for item in items if (found := _fractional(inner.schema, item))), None)
            if nested:
                errors[key] = nested
    return errors


def _in_utc_range(value: Any) -> bool:
    if not isinstance(value, datetime) or value.tzinfo is None:
        return True
    try:
        value.astimezone(UTC)
    except OverflowError:
        return False
    return True


def _strip_locations(messages: Any) -> Any:
    if isinstance(messages, dict) and set(messages) <= {"json", "query", "form", "files", "headers"}:
        merged: dict[str, Any] = {}
        for value in messages.values():
            if isinstance(value, dict):
                merged.update(value)
        return merged
    return messages


def handle_app_error(error: AppError) -> tuple[Response, int]:
    response, status = error_response(error.status, error.message, error.details)
    response.headers.update(getattr(error, "headers", {}))
    return response, status
