"""Secrets shown once: generation, hashing and constant-time verification."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

PREFIX_CHARS = 12


@dataclass(frozen=True)
class IssuedSecret:
    """A new secret: the whole value goes to its owner once; prefix and hash are stored."""

    value: str
    prefix: str
    hash: str


def hash_secret(value: str) -> str:
    # The secrets are 256 random bits, so a fast unsalted hash is enough: nothing to brute-force.
    return hashlib.sha256(value.encode()).hexdigest()


def issue_secret(kind: str) -> IssuedSecret:
    """Make a secret like ``adk_<prefix><rest>``; ``kind`` is the public type marker."""
    body = secrets.token_urlsafe(32).replace("-", "x").replace("_", "y")
    value = f"{kind}_{body}"
    return IssuedSecret(value=value, prefix=lookup_prefix(value), hash=hash_secret(value))


def lookup_prefix(value: str) -> str:
    """The indexed part of a presented secret: its type marker and first characters."""
    return value[: value.find("_") + 1 + PREFIX_CHARS] if "_" in value else value[:PREFIX_CHARS]


def verify_secret(presented: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(presented), stored_hash)
