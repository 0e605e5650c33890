"""Pieces every service uses: tenant-scoped lookups and pages."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from webapp.errors import NotFound

T = TypeVar("T")
M = TypeVar("M")


@dataclass
class Page(Generic[T]):
    """One page of a list: the API's ``page`` / ``per_page`` with the total count."""

    items: Sequence[T]
    total: int
    page: int
    per_page: int

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    @property
    def meta(self) -> dict[str, int]:
        return {
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "total_pages": math.ceil(self.total / self.per_page) if self.total else 0,
        }


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON: numbers must be finite")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999: JSON's grammar allows it, no float holds it
        raise ValueError(f"{text} is out of range: numbers must be finite")
    return value


def loads_json(text: str | bytes) -> Any:
    """Strict ``json.loads``: ``NaN`` and ``Infinity``, which Python's parser accepts but the JSON
    standard and every other parser refuse, are a ValueError (stored, they would make our own answers
    unreadable); so is input nested too deeply for the parser."""
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def paginate(session: Session, stmt: Select[Any], page: int, per_page: int) -> Page[Any]:
    """Run ``stmt`` for one page; the count comes from the same filters without the ordering."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=items, total=total, page=page, per_page=per_page)


def display_name(model: type[Any]) -> str:
    """What people call a record of ``model`` in messages: ``ExportJob`` is "Export job" (class names
    are the code's words, not the API's)."""
    words = re.findall(r"[A-Z][a-z0-9]*", model.__name__) or [model.__name__]
    text = " ".join(words).lower().replace("label studio", "Label Studio")
    return text[:1].upper() + text[1:]


def get_in_org(session: Session, model: type[M], organization_id: int, obj_id: int) -> M:
    """The object with ``obj_id`` if it belongs to the organization; else NOT_FOUND, whatever exists."""
    obj = session.get(model, obj_id)
    if obj is None or getattr(obj, "organization_id", None) != organization_id:
        raise NotFound(f"{display_name(model)} {obj_id} not found")
    return obj


def in_org(session: Session, model: type[Any], organization_id: int, obj_id: int | None) -> bool:
    """Whether ``obj_id`` (None: nothing asked) names an object of the organization; one indexed read."""
    if obj_id is None:
        return True
    return session.scalar(select(model.organization_id).where(model.id == obj_id)) == organization_id


def lock_rows(session: Session, model: type[Any], ids: Iterable[int]) -> None:
    """Take the rows' write locks until commit, on SQLite and PostgreSQL alike.

    A no-op UPDATE rather than SELECT … FOR UPDATE: SQLite ignores FOR UPDATE, while any UPDATE makes it
    take the database write lock, so reads that follow see the latest committed state on both.
    Lock in one order everywhere (batches, then images) so two writers cannot deadlock.
    """
    wanted = sorted(set(ids))
    if wanted:
        stmt = update(model).where(model.id.in_(wanted)).values(id=model.id)
        session.execute(stmt.execution_options(synchronize_session=False))


def where_equal(stmt: Select[Any], filters: dict[Any, Any]) -> Select[Any]:
    """Add ``column == value`` for each filter that was given (not None)."""
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt
