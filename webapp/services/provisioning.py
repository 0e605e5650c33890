"""Provisioning tokens: one-time secrets that let a device register itself."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.errors import Unauthorized
from webapp.models import Project, ProvisioningToken, User, utcnow
from webapp.security import issue_secret, lookup_prefix, verify_secret
from webapp.services.common import Page, get_in_org, paginate

TOKEN_KIND = "apt"


def create(
    session: Session,
    user: User,
    *,
    name: str,
    expires_in_hours: float = 24,
    max_uses: int = 1,
    project_id: int | None = None,
) -> tuple[ProvisioningToken, str]:
    """A new token and its secret; the secret is returned this once and stored only hashed."""
    if project_id is not None:
        get_in_org(session, Project, user.organization_id, project_id)
    secret = issue_secret(TOKEN_KIND)
    token = ProvisioningToken(
        organization_id=user.organization_id,
        name=name,
        token_prefix=secret.prefix,
        token_hash=secret.hash,
        project_id=project_id,
        max_uses=max_uses,
        use_count=0,
        expires_at=utcnow() + timedelta(hours=expires_in_hours),
        created_by_id=user.id,
    )
    session.add(token)
    session.flush()
    return token, secret.value


def status(token: ProvisioningToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.use_count >= token.max_uses:
        return "used_up"
    if token.expires_at <= utcnow():
        return "expired"
    return "active"


def list_(session: Session, organization_id: int, page: int, per_page: int) -> Page[Any]:
    stmt = (
        select(ProvisioningToken)
        .where(ProvisioningToken.organization_id == organization_id)
        .order_by(ProvisioningToken.created_at.desc(), ProvisioningToken.id.desc())
    )
    return paginate(session, stmt, page, per_page)


def revoke(session: Session, organization_id: int, token_id: int) -> ProvisioningToken:
    token = get_in_org(session, ProvisioningToken, organization_id, token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
    return token


def redeem(session: Session, secret: str) -> ProvisioningToken:
    """Take one use of a valid token; one conditional UPDATE, so concurrent redemptions can't overspend."""
    token = session.scalar(
        select(ProvisioningToken).where(ProvisioningToken.token_prefix == lookup_prefix(secret))
    )
    if token is None or not verify_secret(secret, token.token_hash):
        raise Unauthorized("Invalid provisioning token")
    now = utcnow()
    taken = session.execute(
        update(ProvisioningToken)
        .where(
            ProvisioningToken.id == token.id,
            ProvisioningToken.revoked_at.is_(None),
            ProvisioningToken.expires_at > now,
            ProvisioningToken.use_count < ProvisioningToken.max_uses,
        )
        .values(use_count=ProvisioningToken.use_count + 1, last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise Unauthorized("Invalid provisioning token", f"the token is {status(token).replace('_', ' ')}")
    return token
