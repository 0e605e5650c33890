"""Organizations: the tenants."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.models import Device, Organization, Project, User


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:80] or "org"


def get_or_create(session: Session, name: str) -> Organization:
    """The organization called ``name``, created on first use with a unique slug."""
    org = session.scalar(select(Organization).where(Organization.name == name))
    if org is not None:
        return org
    base = slugify(name)
    slug, n = base, 1
    while session.scalar(select(Organization.id).where(Organization.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    org = Organization(name=name, slug=slug)
    session.add(org)
    session.flush()
    return org


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
    for key, value in changes.items():
        setattr(org, key, value)
    session.commit()
    return describe(session, org)
