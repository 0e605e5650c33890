"""People: sign-in placement, invitations, email-domain rules, user management and token revocation."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationError
from webapp.models import ROLES, DomainRule, Invitation, Organization, RevokedToken, User, utcnow
from webapp.oidc import Identity
from webapp.services import organizations
from webapp.services.common import Page, get_in_org, paginate
from webapp.unit_of_work import commit_now

INVITATION_STATUSES = ("pending", "accepted", "expired")
REFUSED = "You cannot sign in to Acusight"
LAST_ADMIN = "An organization needs at least one enabled admin"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValidationError("Unknown role", f"role must be one of: {', '.join(ROLES)}")


# --- sign-in ---------------------------------------------------------------------------------


def sign_in(session: Session, identity: Identity, now: datetime | None = None) -> User:
    """The user behind a verified OpenID Connect identity: found, linked, or placed as new.

    Found by issuer + subject. Otherwise by verified email: a user made without a sign-in (the
    ``acusight users create`` CLI) is linked to this identity on first sign-in. Otherwise a new
    user joins the organization of a pending invitation for the email, else of a rule for its
    domain; anyone else is refused.
    """
    now = now or utcnow()
    user = session.scalar(
        select(User).where(User.oidc_issuer == identity.issuer, User.oidc_subject == identity.subject)
    )
    if user is None:
        email = _verified_email(identity)
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            user = _place_new_user(session, identity, email, now)
        elif user.oidc_subject is not None:
            raise Forbidden(
                REFUSED,
                f"{email} already signs in with another account; an admin can remove that user first",
            )
        else:
            user.oidc_issuer, user.oidc_subject = identity.issuer, identity.subject
    elif identity.email and identity.email_verified:
        _follow_email_change(session, user, normalize_email(identity.email))
    if user.disabled:
        raise Forbidden(REFUSED, "this account is disabled; ask an admin of your organization")
    if identity.name:
        user.name = identity.name[:200]
    user.last_login_at = now
    session.flush()
    return user


def unlink(session: Session, email: str) -> User:
    """Forget which sign-in account a user has; their next sign-in with a verified email relinks."""
    user = session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise NotFound(f"No user with email {email}")
    user.oidc_issuer = user.oidc_subject = None
    # The account's tokens belong to the sign-in account being removed.
    cut_off_tokens(user)
    session.flush()
    return user


def _verified_email(identity: Identity) -> str:
    if not identity.email:
        raise Forbidden(REFUSED, "the sign-in provider did not share an email address (scope 'email')")
    if not identity.email_verified:
        raise Forbidden(REFUSED, "the sign-in provider does not vouch that this email address is verified")
    return normalize_email(identity.email)


def _follow_email_change(session: Session, user: User, email: str) -> None:
    # Emails are unique: keep the old one while another user holds the new one.
    if email != user.email and session.scalar(select(User.id).where(User.email == email)) is None:
        user.email = email


def _domain_rule(session: Session, email: str) -> DomainRule | None:
    return session.scalar(select(DomainRule).where(DomainRule.domain == email.rpartition("@")[2]))


def _place_new_user(session: Session, identity: Identity, email: str, now: datetime) -> User:
    rule = _domain_rule(session, email)
    pending = select(Invitation).where(
        Invitation.email == email, Invitation.accepted_at.is_(None), Invitation.expires_at > now
    )
    if rule is not None:
        # A domain with a rule belongs to the rule's organization: no other may invite its people in
        # (an invitation made before the rule existed is not used).
        pending = pending.where(Invitation.organization_id == rule.organization_id)
    invitation = session.scalar(pending.order_by(Invitation.created_at.desc(), Invitation.id.desc()).limit(1))
    if invitation is not None:
        organization_id, role = invitation.organization_id, invitation.role
    else:
        if rule is None:
            expired = session.scalar(select(Invitation.id).where(Invitation.email == email).limit(1))
            raise Forbidden(
                REFUSED,
                f"the invitation for {email} has expired; ask for a new one"
                if expired is not None
                else f"{email} has not been invited; ask an admin of your organization for an invitation",
            )
        organization_id, role = rule.organization_id, rule.role
    user = User(
        organization_id=organization_id,
        email=email,
        role=role,
        oidc_issuer=identity.issuer,
        oidc_subject=identity.subject,
    )
    session.add(user)
    session.flush()
    if invitation is not None:
        invitation.accepted_at = now
        invitation.user_id = user.id
    return user


# --- platform tokens -------------------------------------------------------------------------

# A revoked token family is a revoked_tokens row whose jti is this prefix and the family's id.
FAMILY_PREFIX = "fam:"
FAMILY_TOKEN_TYPE = "family"
REFRESH_REUSED = (
    "this refresh token was already used; every token of its sign-in is now revoked: sign in again"
)


def family_key(family: str) -> str:
    return FAMILY_PREFIX + family


def _revoke(session: Session, claims: dict[str, Any], user_id: int) -> None:
    """Blocklist one token until its own expiry; expired rows are purged on the way."""
    now = utcnow()
    session.execute(delete(RevokedToken).where(RevokedToken.expires_at < now))
    expires = datetime.fromtimestamp(claims["exp"], UTC) if "exp" in claims else now + timedelta(days=366)
    session.add(
        RevokedToken(
            jti=claims["jti"], token_type=claims.get("type", "access"), user_id=user_id, expires_at=expires
        )
    )


def _revoke_family(session: Session, claims: dict[str, Any], session_max: timedelta) -> None:
    """Blocklist every token of the sign-in ``claims`` belongs to (no-op for a token without one).

    The row is kept as long as a token of the sign-in can live: ``session_max`` after it began.
    """
    family = claims.get("fam")
    if not family or session.scalar(select(RevokedToken.id).where(RevokedToken.jti == family_key(family))):
        return
    began = datetime.fromtimestamp(int(claims.get("auth_time") or claims.get("iat") or 0), UTC)
    user_id = int(claims["sub"]) if str(claims.get("sub", "")).isdigit() else None
    row = RevokedToken(jti=family_key(family), token_type=FAMILY_TOKEN_TYPE, user_id=user_id)
    row.expires_at = max(began + session_max, utcnow()) + timedelta(days=1)
    session.add(row)


def revoke_family(session: Session, claims: dict[str, Any], session_max: timedelta) -> None:
    """A spent refresh token came back: its sign-in is compromised, so all of its tokens stop now."""
    _revoke_family(session, claims, session_max)
    # Committed now: the revocation holds although the request that found the reuse is refused. An
    # IntegrityError: revoked by a concurrent request already (commit_now rolled ours back).
    with contextlib.suppress(IntegrityError):
        commit_now(session)


def rotate_refresh_token(
    session: Session, user: User, claims: dict[str, Any], session_max: timedelta
) -> None:
    """Spend a refresh token: each one works once; presenting it again revokes its whole sign-in."""
    _revoke(session, claims, user.id)
    try:
        session.flush()
    except IntegrityError as exc:
        # Two refreshes raced with one token: the second use is reuse, as if it came later.
        session.rollback()
        revoke_family(session, claims, session_max)
        raise Unauthorized("Missing or invalid authentication", REFRESH_REUSED) from exc


def logout(
    session: Session,
    user: User,
    access_claims: dict[str, Any],
    refresh_claims: dict[str, Any] | None,
    session_max: timedelta,
) -> None:
    """End the sign-in the access token belongs to: every token of it (its refresh tokens too) stops.

    A refresh token sent along is revoked as well (it must be the same user's): tokens from before
    families existed have no family to revoke.
    """
    if refresh_claims is not None:
        if refresh_claims.get("type") != "refresh" or str(refresh_claims.get("sub")) != str(user.id):
            raise ValidationError("Not a refresh token of this user", "send the refresh_token from sign-in")
        if session.scalar(select(RevokedToken.id).where(RevokedToken.jti == refresh_claims["jti"])) is None:
            _revoke(session, refresh_claims, user.id)
        if refresh_claims.get("fam") != access_claims.get("fam"):
            _revoke_family(session, refresh_claims, session_max)
    _revoke(session, access_claims, user.id)
    _revoke_family(session, access_claims, session_max)
    session.flush()


def cut_off_tokens(user: User) -> None:
    """Refuse every token the user holds now. Tokens carry whole seconds, so every token issued up to
    the end of this second is refused; sign-ins from the next second on work."""
    user.tokens_valid_after = utcnow().replace(microsecond=0) + timedelta(seconds=1)


# --- invitations -----------------------------------------------------------------------------


def invitation_status(invitation: Invitation, now: datetime | None = None) -> str:
    if invitation.accepted_at is not None:
        return "accepted"
    return "expired" if invitation.expires_at <= (now or utcnow()) else "pending"


def invite(
    session: Session, organization_id: int, email: str, role: str, invited_by: User | None, days: int
) -> Invitation:
    """Invite an email into the organization; the person's first sign-in with it uses the invitation.

    The answer never depends on other organizations: an email that belongs to another organization's
    user, or that another organization has invited, is invited all the same (the former never
    accepts: a person has one account), so an admin cannot learn who is elsewhere.
    """
    _check_role(role)
    email = normalize_email(email)
    now = utcnow()
    rule = _domain_rule(session, email)
    if rule is not None and rule.organization_id != organization_id:
        raise Forbidden(
            "This email's domain belongs to another organization",
            f"people at {rule.domain} join another organization by the platform operator's domain rule",
        )
    member = select(User.id).where(User.email == email, User.organization_id == organization_id)
    if session.scalar(member) is not None:
        raise Conflict("A user with this email is already in your organization")
    pending = select(Invitation.id).where(
        Invitation.organization_id == organization_id,
        Invitation.email == email,
        Invitation.accepted_at.is_(None),
        Invitation.expires_at > now,
    )
    if session.scalar(pending) is not None:
        raise Conflict("This email already has a pending invitation", "revoke it first to change it")
    invitation = Invitation(
        organization_id=organization_id,
        email=email,
        role=role,
        invited_by_id=invited_by.id if invited_by else None,
        expires_at=now + timedelta(days=days),
    )
    session.add(invitation)
    session.flush()
    return invitation


def list_invitations(
    session: Session, organization_id: int, page: int, per_page: int, status: str | None = None
) -> Page[Any]:
    stmt = select(Invitation).where(Invitation.organization_id == organization_id)
    now = utcnow()
    if status == "accepted":
        stmt = stmt.where(Invitation.accepted_at.is_not(None))
    elif status == "pending":
        stmt = stmt.where(Invitation.accepted_at.is_(None), Invitation.expires_at > now)
    elif status == "expired":
        stmt = stmt.where(Invitation.accepted_at.is_(None), Invitation.expires_at <= now)
    return paginate(session, stmt.order_by(Invitation.id.desc()), page, per_page)


def delete_invitation(session: Session, organization_id: int, invitation_id: int) -> None:
    """Revoke a pending invitation (or drop the record of a used or expired one)."""
    session.delete(get_in_org(session, Invitation, organization_id, invitation_id))
    session.flush()


# --- email-domain rules (operator-level: the CLI creates them) -------------------------------


def _normalize_domain(domain: str) -> str:
    domain = domain.strip().lower().removeprefix("@")
    labels = domain.split(".")
    if len(labels) < 2 or not all(label and len(label) <= 63 for label in labels) or " " in domain:
        raise ValidationError("Invalid email domain", f"{domain!r} is not a domain like example.com")
    return domain


def add_domain_rule(session: Session, domain: str, org_name: str, role: str) -> DomainRule:
    """Send first sign-ins with a verified email at ``domain`` into ``org_name`` (created when new)."""
    _check_role(role)
    domain = _normalize_domain(domain)
    if session.scalar(select(DomainRule.id).where(DomainRule.domain == domain)) is not None:
        raise Conflict(f"A rule for {domain} already exists", "remove it first")
    org = organizations.get_or_create(session, org_name)
    rule = DomainRule(organization_id=org.id, domain=domain, role=role)
    session.add(rule)
    session.flush()
    return rule


def list_domain_rules(session: Session, organization_id: int | None = None) -> list[tuple[DomainRule, str]]:
    """Rules with their organization's name, of one organization or all."""
    stmt = select(DomainRule, Organization.name).join(Organization).order_by(DomainRule.domain)
    if organization_id is not None:
        stmt = stmt.where(DomainRule.organization_id == organization_id)
    return [(rule, name) for rule, name in session.execute(stmt)]


def remove_domain_rule(session: Session, domain: str) -> None:
    rule = session.scalar(select(DomainRule).where(DomainRule.domain == _normalize_domain(domain)))
    if rule is None:
        raise NotFound(f"No rule for {domain}")
    session.delete(rule)
    session.flush()


def delete_domain_rule(session: Session, organization_id: int, rule_id: int) -> None:
    session.delete(get_in_org(session, DomainRule, organization_id, rule_id))
    session.flush()


# --- user management -------------------------------------------------------------------------


def list_users(
    session: Session,
    organization_id: int,
    page: int,
    per_page: int,
    role: str | None = None,
    disabled: bool | None = None,
) -> Page[Any]:
    stmt = select(User).where(User.organization_id == organization_id)
    if role is not None:
        stmt = stmt.where(User.role == role)
    if disabled is not None:
        stmt = stmt.where(User.disabled == disabled)
    return paginate(session, stmt.order_by(User.id), page, per_page)


def get_user(session: Session, organization_id: int, user_id: int) -> User:
    return get_in_org(session, User, organization_id, user_id)


def _keeps_an_admin(session: Session, user: User, still_admin: bool) -> None:
    """Refuse a change that would leave the organization without an enabled admin."""
    if still_admin or user.role != "admin" or user.disabled:
        return
    # Lock the organization row (PostgreSQL) so two admins demoting each other serialize.
    session.execute(select(Organization.id).where(Organization.id == user.organization_id).with_for_update())
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(
            User.organization_id == user.organization_id,
            User.role == "admin",
            User.disabled.is_(False),
            User.id != user.id,
        )
    )
    if not others:
        raise Conflict(LAST_ADMIN, "make another user an admin first")


def update_user(session: Session, organization_id: int, user_id: int, changes: dict[str, Any]) -> User:
    """Change a user's role, name or disabled flag; a disabled user's tokens stop working at once."""
    user = get_user(session, organization_id, user_id)
    if "role" in changes:
        _check_role(changes["role"])
    still_admin = changes.get("role", user.role) == "admin" and not changes.get("disabled", user.disabled)
    _keeps_an_admin(session, user, still_admin)
    if changes.get("disabled") and not user.disabled:
        # Re-enabling the user later must not bring back the tokens they held.
        cut_off_tokens(user)
    for key, value in changes.items():
        setattr(user, key, value)
    session.flush()
    return user


def delete_user(session: Session, organization_id: int, user_id: int) -> None:
    """Remove a user; signing in again needs a new invitation (or a domain rule)."""
    user = get_user(session, organization_id, user_id)
    _keeps_an_admin(session, user, still_admin=False)
    session.delete(user)
    session.flush()
