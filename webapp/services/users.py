"""People of an organization."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.errors import Conflict, NotFound, ValidationError
from webapp.models import ROLES, User
from webapp.services import organizations


def create(session: Session, email: str, org_name: str, role: str, name: str | None = None) -> User:
    """A user in ``org_name`` (created when new)."""
    if role not in ROLES:
        raise ValidationError("Unknown role", f"role must be one of: {', '.join(ROLES)}")
    email = email.strip().lower()
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("A user with this email already exists")
    org = organizations.get_or_create(session, org_name)
    user = User(organization_id=org.id, email=email, name=name, role=role)
    session.add(user)
    session.flush()
    return user


def by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"No user with email {email}")
    return user
