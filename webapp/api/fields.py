"""Field helpers shared by the API schemas."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate


def name_field(*, required: bool = True, max_length: int = 200) -> ma.fields.String:
    """A trimmed, non-empty display name."""
    return ma.fields.String(required=required, validate=validate.Length(min=1, max=max_length))


def optional_text(max_length: int) -> ma.fields.String:
    return ma.fields.String(allow_none=True, validate=validate.Length(max=max_length))
