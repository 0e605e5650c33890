"""One-time sign-in links: how a person signs in to the console without a password or a provider.

An operator runs ``acusight users login-link EMAIL`` on the server; the link it prints carries a
secret in its #fragment (never sent to a server, nor in a Referer header), which the console trades
once for a token pair at ``POST /api/auth/login-link``. Only the secret's prefix and hash are kept.
A link works once, until it expires, and only while its user is enabled.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from webapp.errors import Unauthorized, ValidationError
from webapp.models import LoginLink, User, utcnow
from webapp.security import issue_secret, lookup_prefix, verify_secret

SECRET_KIND = "alk"
DEFAULT_TTL = timedelta(minutes=15)
MAX_TTL = timedelta(hours=24)
_REFUSED = "This sign-in link does not work"


def issue(session: Session, user: User, ttl: timedelta = DEFAULT_TTL, now: datetime | None = None) -> str:
    """A new link's secret for ``user`` (shown once); the user's spent and expired links are dropped."""
    if user.disabled:
        raise ValidationError(f"User {user.email} is disabled", "enable the user first")
    if not timedelta(minutes=1) <= ttl <= MAX_TTL:
        raise ValidationError("A sign-in link lasts from 1 minute to 24 hours", f"asked for {ttl}")
    now = now or utcnow()
    session.execute(
        delete(LoginLink).where(
            LoginLink.user_id == user.id, or_(LoginLink.used_at.is_not(None), LoginLink.expires_at < now)
        )
    )
    secret = issue_secret(SECRET_KIND)
    session.add(
        LoginLink(
            user_id=user.id,
            prefix=secret.prefix,
            secret_hash=secret.hash,
            expires_at=now + ttl,
            created_at=now,
        )
    )
    session.flush()
    return secret.value


def link_url(base_url: str, secret: str) -> str:
    """The link a person opens: the console's sign-in page with the secret in the #fragment."""
    return f"{base_url.rstrip('/')}/login#token={secret}"


def redeem(session: Session, secret: str, now: datetime | None = None) -> User:
    """The user a link's secret signs in, spending the link; UNAUTHORIZED if it is unknown, spent,
    expired, or its user is disabled. Two redemptions racing for one link: one wins."""
    now = now or utcnow()
    link = session.scalar(select(LoginLink).where(LoginLink.prefix == lookup_prefix(secret)))
    if link is None or not verify_secret(secret, link.secret_hash):
        raise Unauthorized(_REFUSED, "the link is unknown; ask for a new one (acusight users login-link)")
    if link.used_at is not None:
        raise Unauthorized(_REFUSED, "the link was already used; each works once (acusight users login-link)")
    if link.expires_at < now:
        raise Unauthorized(_REFUSED, "the link has expired; ask for a new one (acusight users login-link)")
    user = session.get(User, link.user_id)
    if user is None or user.disabled:
        raise Unauthorized(_REFUSED, "the user is disabled")
    spent = session.execute(
        update(LoginLink)
        .where(LoginLink.id == link.id, LoginLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise Unauthorized(_REFUSED, "the link was already used; each works once (acusight users login-link)")
    return user
