"""Organizations: the tenants."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from webapp.errors import Conflict, NotFound, ValidationError
from webapp.models import Device, Organization, Project, User


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:80] or "org"


def normal_name(name: str) -> str:
    """``name`` with its whitespace trimmed and collapsed: " Acme  Inc" is the name "Acme Inc"."""
    normal = " ".join(name.split())
    if not normal:
        raise ValidationError("An organization's name cannot be empty")
    return normal


def by_name(session: Session, name: str) -> Organization | None:
    """The organization called ``name`` in any case (names are unique that way), or None."""
    stmt = select(Organization).where(func.lower(Organization.name) == func.lower(normal_name(name)))
    return session.scalar(stmt)


def find(session: Session, ref: str) -> Organization:
    """The one organization whose name (in any case) or slug is ``ref``, for operators' commands.

    A name and another organization's slug can be equal ("Acme Inc" has slug acme-inc, another may be
    named "acme-inc"): then ``ref`` is refused as ambiguous rather than acting on either.
    """
    ref = normal_name(ref)
    stmt = select(Organization).where(
        or_(func.lower(Organization.name) == func.lower(ref), Organization.slug == ref)
    )
    matches = session.scalars(stmt.order_by(Organization.id)).all()
    if not matches:
        raise NotFound(
            f"No organization is named {ref!r}",
            "`acusight orgs list` shows them; `acusight orgs create NAME` makes one",
        )
    if len(matches) > 1:
        which = "; ".join(f"slug {o.slug!r} is named {o.name!r}" for o in matches)
        raise Conflict(f"{ref!r} names more than one organization", f"{which}: give the slug instead")
    return matches[0]


def create(session: Session, name: str) -> Organization:
    """A new organization with a unique slug; a name taken in any case is refused."""
    name = normal_name(name)
    if by_name(session, name) is not None:
        raise Conflict(f"An organization named {name!r} already exists")
    base = slugify(name)
    slug, n = base, 1
    while session.scalar(select(Organization.id).where(Organization.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    org = Organization(name=name, slug=slug)
    session.add(org)
    session.flush()
    return org


def list_all(session: Session) -> list[Organization]:
    return list(session.scalars(select(Organization).order_by(Organization.id)))


def get_or_create(session: Session, name: str) -> Organization:
    """The organization called ``name`` (in any case), created on first use."""
    return by_name(session, name) or create(session, name)


def describe(session: Session, org: Organization) -> dict[str, Any]:
    """The organization with the counts its people look for."""

    def count(model: Any) -> int:
        stmt = select(func.count()).select_from(model).where(model.organization_id == org.id)
        return session.scalar(stmt) or 0

    return {
        "id": org.id,
        "name": org.name,
        "slug": org.slug,
        "created_at": org.created_at,
        "updated_at": org.updated_at,
        "counts": {"users": count(User), "devices": count(Device), "projects": count(Project)},
    }


def update(session: Session, org: Organization, changes: dict[str, Any]) -> dict[str, Any]:
    if changes.get("name") is not None:
        name = changes["name"] = normal_name(changes["name"])
        holder = by_name(session, name)
        if holder is not None and holder.id != org.id:
            raise Conflict("Another organization already has this name", "choose another name")
    for key, value in changes.items():
        setattr(org, key, value)
    session.flush()
    return describe(session, org)
