"""The request argument parser of every route: webargs' FlaskParser, answering bad input with 400
VALIDATION_ERROR, and holding every request to what the database can store."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import marshmallow as ma
from flask import Request
from webargs.core import is_json
from webargs.flaskparser import FlaskParser, abort
from werkzeug.datastructures import MultiDict

from webapp.api.fields import integer_bounds, text_problem
from webapp.services.common import loads_json


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
