"""Error bodies: ``{"success": false, "error": {"code": ..., "message": ..., "details": ...}}``, with
``fields`` (per-field messages) on validation errors, for every error the API answers."""

from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

from webapp.errors import AppError

log = logging.getLogger("webapp.api.envelope")

# The error code of each HTTP status, for errors that carry none of their own: stable, UPPER_SNAKE_CASE.
CODES = {
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
# webargs nests messages by request location; these are not field names.
_LOCATIONS = {"json", "query", "form", "files", "headers", "view_args"}


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
    error: dict[str, Any] = {"code": CODES.get(status, "ERROR"), "message": message, "details": details}
    if fields:
        error["fields"] = fields
    return jsonify({"success": False, "error": error}), status


def handle_app_error(error: AppError) -> tuple[Response, int]:
    """The envelope of an error a service raised on purpose, with its headers (Retry-After, for one)."""
    response, status = error_response(error.status, error.message, error.details)
    response.headers.update(getattr(error, "headers", {}))
    return response, status


def http_error_response(error: HTTPException) -> tuple[Response, int]:
    """The envelope of an HTTP error: a request that failed validation (400, with every message), an
    unhandled error (500, logged, without a trace), or any other status (its headers kept)."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("errors") or data.get("messages")
    if status in (400, 422) and messages:
        lines = flatten_messages(messages)
        return error_response(
            400, "Invalid request body or parameters", "; ".join(lines), _strip_locations(messages)
        )
    if status >= 500:
        original = getattr(error, "original_exception", None)
        if original is not None:
            log.exception("unhandled error", exc_info=original)
        return error_response(status, "Internal server error" if status == 500 else error.description or "")
    headers = data.get("headers")
    response, code = error_response(status, data.get("message") or error.description or error.name)
    if headers:
        response.headers.update(headers)
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response, code


def flatten_messages(messages: Any, path: str = "") -> list[str]:
    """Turn marshmallow's nested messages into 'field: message' lines."""
    if isinstance(messages, dict):
        out: list[str] = []
        for key, value in messages.items():
            inner = path if key in _LOCATIONS else (f"{path}.{key}" if path else str(key))
            out += flatten_messages(value, inner)
        return out
    if isinstance(messages, list | tuple):
        out = []
        for m in messages:
            out += flatten_messages(m, path)
        return out
    return [f"{path}: {messages}" if path else str(messages)]


def _strip_locations(messages: Any) -> Any:
    if isinstance(messages, dict) and set(messages) <= {"json", "query", "form", "files", "headers"}:
        merged: dict[str, Any] = {}
        for value in messages.values():
            if isinstance(value, dict):
                merged.update(value)
        return merged
    return messages
