"""Which Label Studio an organization works in: its own (the operator configures it), or the shared
one of the settings, which serves one organization.

In Label Studio's community edition every member of an instance sees every project in it: one
instance, and one token, serve one organization.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.errors import Conflict, ServiceUnavailable, ValidationError
from webapp.models import LabelStudioAccount, LabelStudioLink
from webapp.settings import Settings, get_settings
from webapp.unit_of_work import commit_now

log = logging.getLogger(__name__)


def settings() -> Settings:
    """The settings of the app this request or command runs in."""
    return get_settings()


SHARED_REFUSAL = (
    "Label Studio's community edition shows every project to every member, so the shared instance "
    "(ACUSIGHT_LABEL_STUDIO_URL) serves one organization, and another one already works in it. "
    "The operator gives this organization a Label Studio of its own: "
    "acusight orgs label-studio set <organization> --url URL --token TOKEN"
)


@dataclass(frozen=True)
class Instance:
    """A Label Studio and the token Acusight uses there; ``shared``: the one of the settings."""

    url: str
    token: str
    shared: bool


def account_of(session: Session, organization_id: int) -> LabelStudioAccount | None:
    return session.scalar(
        select(LabelStudioAccount).where(LabelStudioAccount.organization_id == organization_id)
    )


def shared_for(session: Session, organization_id: int) -> Instance:
    """The shared Label Studio, for the organization that holds it; the first to ask takes it."""
    config = settings()
    if not (config.label_studio_url and config.label_studio_token):
        raise ServiceUnavailable(
            "Label Studio is not configured for this organization",
            "the operator gives it its own (acusight orgs label-studio set <organization> --url URL "
            "--token TOKEN), or sets ACUSIGHT_LABEL_STUDIO_URL and ACUSIGHT_LABEL_STUDIO_TOKEN on the API "
            "for a single organization",
        )
    instance = Instance(config.label_studio_url.rstrip("/"), config.label_studio_token, shared=True)
    account = account_of(session, organization_id)
    if account is not None and account.shared:
        return instance
    holder = session.scalar(
        select(LabelStudioAccount.organization_id).where(LabelStudioAccount.shared.is_(True))
    )
    if holder is not None:
        raise Conflict("The shared Label Studio serves another organization", SHARED_REFUSAL)
    try:
        if account is None:
            account = LabelStudioAccount(organization_id=organization_id)
            session.add(account)
        account.shared = True
        # Committed before Label Studio is called: two organizations never both work in the shared one.
        commit_now(session)
    except IntegrityError:  # another organization took it at the same moment (commit_now rolled back)
        raise Conflict("The shared Label Studio serves another organization", SHARED_REFUSAL) from None
    log.info("the shared Label Studio now serves organization %s", organization_id)
    return instance


def organization_instance(session: Session, organization_id: int) -> Instance:
    """Where the organization's projects are linked now: its own Label Studio, else the shared one."""
    account = account_of(session, organization_id)
    if account is not None and account.url:
        return _own(account, account.url)
    return shared_for(session, organization_id)


def _own(account: LabelStudioAccount, url: str) -> Instance:
    if not account.token:
        raise ServiceUnavailable(
            "The organization's Label Studio has no token",
            "acusight orgs label-studio set <organization> --url URL --token TOKEN",
        )
    return Instance(url, account.token, shared=False)


def link_instance(session: Session, link: LabelStudioLink) -> Instance:
    """The Label Studio a link's project lives in, with the organization's token for it now."""
    if link.label_studio_url is None:
        return shared_for(session, link.organization_id)
    account = account_of(session, link.organization_id)
    if account is None or (account.url or "").rstrip("/") != link.label_studio_url:
        raise Conflict(
            "The project's Label Studio is no longer its organization's",
            f"project {link.project_id} was linked in {link.label_studio_url}, and the organization is "
            "configured for another (or none): unlink and link the project again, or configure that "
            "Label Studio again (acusight orgs label-studio set)",
        )
    return _own(account, link.label_studio_url)


def configure(session: Session, organization_id: int, url: str, token: str) -> LabelStudioAccount:
    """Give an organization its own Label Studio (the operator's command)."""
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or not token.strip():
        raise ValidationError("A Label Studio URL (http:// or https://) and a token are required")
    account = account_of(session, organization_id)
    if account is None:
        account = LabelStudioAccount(organization_id=organization_id)
        session.add(account)
    account.url, account.token = url, token.strip()
    session.flush()
    return account


def unconfigure(session: Session, organization_id: int, *, release_shared: bool) -> None:
    """Forget an organization's own Label Studio and, with ``release_shared``, its hold on the shared one.

    Its links in a Label Studio it no longer has stop syncing (409) until it is configured again.
    """
    account = account_of(session, organization_id)
    if account is None:
        return
    account.url, account.token = None, None
    if release_shared:
        account.shared = None
    if account.shared is None:
        session.delete(account)
    session.flush()


def accounts(session: Session) -> list[dict[str, Any]]:
    """Every organization's Label Studio configuration, tokens left out."""
    links = dict(
        session.execute(
            select(LabelStudioLink.organization_id, func.count()).group_by(LabelStudioLink.organization_id)
        ).all()
    )
    return [
        {
            "organization_id": a.organization_id,
            "url": a.url,
            "has_token": bool(a.token),
            "shared": bool(a.shared),
            "links": links.get(a.organization_id, 0),
        }
        for a in session.scalars(select(LabelStudioAccount).order_by(LabelStudioAccount.organization_id))
    ]


def public_url() -> str:
    """Where Label Studio and annotators' browsers reach this API: the setting, never a request's Host."""
    url = settings().public_url.strip().rstrip("/")
    if not url:
        raise ServiceUnavailable(
            "ACUSIGHT_PUBLIC_URL is not set",
            "set ACUSIGHT_PUBLIC_URL on the API to the URL Label Studio and annotators' browsers reach it at "
            "(e.g. https://acusight.example.com); webhook and image URLs are never made from a request's "
            "Host header",
        )
    return url
