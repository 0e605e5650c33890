"""Pagination: every list takes ``page`` and ``per_page`` and answers a page of ``data`` with its
``meta`` (total, page, per_page, total_pages)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import marshmallow as ma
from flask import g
from marshmallow import validate

from webapp.models.base import MAX_ID
from webapp.services.common import Page

MAX_PER_PAGE = 100


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


def pop_page_meta() -> dict[str, Any] | None:
    """The ``meta`` of the page the view returned, if it returned one (see :func:`paginated`)."""
    meta: dict[str, Any] | None = g.pop("page_meta", None)
    return meta
