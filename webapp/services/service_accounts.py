"""Service accounts: machine identities that flows use to report back through the API."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.auth import SERVICE_KEY_KIND
from webapp.errors import Conflict
from webapp.models import ServiceAccount
from webapp.security import issue_secret


def create(session: Session, name: str) -> tuple[ServiceAccount, str]:
    """A new service account and its key (``ask_…``), shown only now."""
    if session.scalar(select(ServiceAccount.id).where(ServiceAccount.name == name)) is not None:
        raise Conflict(f"A service account named {name!r} exists")
    key = issue_secret(SERVICE_KEY_KIND)
    account = ServiceAccount(name=name, key_prefix=key.prefix, key_hash=key.hash)
    session.add(account)
    session.flush()
    return account, key.value


def rotate(session: Session, name: str) -> tuple[ServiceAccount, str]:
    """Give the named account a new key (creating the account when missing); the old key stops working."""
    account = session.scalar(select(ServiceAccount).where(ServiceAccount.name == name))
    if account is None:
        return create(session, name)
    key = issue_secret(SERVICE_KEY_KIND)
    account.key_prefix, account.key_hash, account.disabled = key.prefix, key.hash, False
    session.flush()
    return account, key.value
