"""Field helpers shared by the API schemas, and the ranges integers in requests are held to."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import marshmallow as ma
from marshmallow import validate
from werkzeug.routing import IntegerConverter

from webapp.models.base import MAX_ID

# Any integer a request carries must fit a 64-bit column; one naming a record (``id``, ``*_id``,
# ``*_ids``) must fit the id columns, below as above (PostgreSQL refuses to compare an integer column
# with a value past its range). Beyond that it can only be refused, never stored or looked up.
MAX_INT = 2**63 - 1


def is_id_field(name: str | None) -> bool:
    return bool(name) and (name == "id" or str(name).endswith(("_id", "_ids")))


def integer_bounds(name: str | None) -> tuple[int, int]:
    """The range an integer field named ``name`` (or a list field's items) accepts."""
    return (-MAX_ID - 1, MAX_ID) if is_id_field(name) else (-MAX_INT - 1, MAX_INT)


class IdConverter(IntegerConverter):
    """``<int:…>`` in a route is a record id: past the id columns' range no route matches (404)."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def name_field(*, required: bool = True, max_length: int = 200) -> ma.fields.String:
    """A trimmed, non-empty display name."""
    return ma.fields.String(required=required, validate=validate.Length(min=1, max=max_length))


def optional_text(max_length: int) -> ma.fields.String:
    return ma.fields.String(allow_none=True, validate=validate.Length(max=max_length))


def text_problem(value: Any) -> str | None:
    """Why text in ``value`` (a string, or one nested in JSON) cannot be stored, else None.

    NUL characters: PostgreSQL cannot store them. Lone UTF-16 surrogates (JSON's "\\udcff" without
    its pair): they are not Unicode characters, and neither database driver can encode them.
    """
    if isinstance(value, str):
        if "\x00" in value:
            return "must not contain NUL characters"
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return "must be valid Unicode (a lone surrogate such as \\udcff is not)"
        return None
    if isinstance(value, Mapping):
        items: Iterable[Any] = (x for pair in value.items() for x in pair)
    elif isinstance(value, list | tuple):
        items = value
    else:
        return None
    return next((problem for item in items if (problem := text_problem(item))), None)
