"""Optional rate limits per caller (Flask-Limiter), off unless ACUSIGHT_RATE_LIMIT is set.

A caller is who its credentials prove it to be: a device, a service account or a user. Credentials
that prove nothing (missing, unknown, forged, expired) count against the client's IP address, so
that trying keys cannot get anyone a fresh allowance. Refusals are the envelope's 429 RATE_LIMITED
with Retry-After.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_jwt_extended import decode_token
from flask_limiter import Limiter, RateLimitExceeded
from limits import parse_many
from sqlalchemy import select

from webapp.api.envelope import error_response
from webapp.auth import DEVICE_KEY_HEADER, SERVICE_KEY_KIND, cut_off, token_revoked
from webapp.extensions import db
from webapp.models import Device, ServiceAccount, User
from webapp.security import lookup_prefix, verify_secret
from webapp.settings import Settings

EXTENSION_KEY = "acusight.limiter"


def caller_key() -> str:
    """The bucket a request counts in: ``device:<id>``, ``service:<id>``, ``user:<id>`` or ``ip:<addr>``."""
    device_key = request.headers.get(DEVICE_KEY_HEADER, "")
    if device_key:
        row = db.session.execute(
            select(Device.id, Device.key_hash).where(Device.key_prefix == lookup_prefix(device_key))
        ).first()
        if row is not None and verify_secret(device_key, row.key_hash):
            return f"device:{row.id}"
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() == "bearer" and token.startswith(SERVICE_KEY_KIND + "_"):
        row = db.session.execute(
            select(ServiceAccount.id, ServiceAccount.key_hash).where(
                ServiceAccount.key_prefix == lookup_prefix(token)
            )
        ).first()
        if row is not None and verify_secret(token, row.key_hash):
            return f"service:{row.id}"
    elif scheme.lower() == "bearer" and token:
        try:
            claims = decode_token(token)
        except Exception:  # any undecodable token counts against the IP, like no token
            claims = None
        # A revoked or cut-off token (logged out, stolen and reused, its user disabled) proves nothing:
        # it must not spend its user's allowance, which would let its holder lock the user out.
        if claims is not None and not token_revoked(claims):
            user = db.session.get(User, int(claims["sub"])) if str(claims.get("sub", "")).isdigit() else None
            if user is not None and not user.disabled and not cut_off(user, claims):
                return f"user:{user.id}"
    return f"ip:{request.remote_addr or 'unknown'}"


def _rate_limited(error: RateLimitExceeded) -> tuple[Response, int]:
    # Flask-Limiter adds Retry-After and the X-RateLimit-* headers to this response after the request.
    return error_response(
        429, "Too many requests", f"the limit is {error.limit.limit}; retry after Retry-After seconds"
    )


def init_app(app: Flask, settings: Settings) -> Limiter | None:
    """Limit every request to ``settings.rate_limit`` per caller; nothing at all when it is empty."""
    if not settings.rate_limit.strip():
        return None
    try:
        parse_many(settings.rate_limit)
    except ValueError as exc:
        raise ValueError(f"ACUSIGHT_RATE_LIMIT {settings.rate_limit!r} is not a rate limit: {exc}") from exc
    limiter = Limiter(
        key_func=caller_key,
        app=app,
        default_limits=[settings.rate_limit],
        storage_uri=settings.rate_limit_storage_uri,
        headers_enabled=True,
        key_prefix="acusight",
        # A limit that cannot be counted (storage down) must not take the API down with it.
        swallow_errors=True,
    )
    app.register_error_handler(RateLimitExceeded, _rate_limited)
    app.extensions[EXTENSION_KEY] = limiter
    return limiter
