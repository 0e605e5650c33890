"""Endpoint secrets (kept encrypted, shown once) and the signature every delivery carries.

A delivery is signed like Stripe's and GitHub's: ``Acusight-Signature: t=<unix time>,v1=<hex>``, where
the hex is HMAC-SHA256, keyed with the endpoint's secret, of ``"<t>.<body>"``. ``t`` is the time of the
attempt, so a receiver can refuse replays older than a few minutes.

Signing needs the secret itself, so it cannot be stored as a hash like the platform's other secrets: it is
encrypted with Fernet under a key derived from ACUSIGHT_SECRET_KEY (a database dump alone does not give
the secrets away). Changing ACUSIGHT_SECRET_KEY leaves the stored secrets unreadable: their deliveries fail
saying so, and the endpoints must be made again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken

SECRET_PREFIX = "whsec_"
SIGNATURE_HEADER = "Acusight-Signature"
_KEY_PURPOSE = b"acusight webhook secrets v1"


class SecretUnreadable(Exception):
    """A stored secret that the current ACUSIGHT_SECRET_KEY does not decrypt."""


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _fernet(app_secret: str) -> Fernet:
    # A key for this purpose alone, derived from the app's secret (as security.url_signature derives its).
    key = hmac.new(app_secret.encode(), _KEY_PURPOSE, hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(app_secret: str, secret: str) -> str:
    return _fernet(app_secret).encrypt(secret.encode()).decode()


def decrypt(app_secret: str, stored: str) -> str:
    try:
        return _fernet(app_secret).decrypt(stored.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "the endpoint's secret cannot be decrypted: ACUSIGHT_SECRET_KEY changed"
        ) from None


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``v1`` value: hex HMAC-SHA256 of ``"<timestamp>.<body>"`` under the endpoint's secret."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"
