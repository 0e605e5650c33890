"""Secrets shown once (generation, hashing, constant-time verification) and the HTTP security headers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

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


def url_signature(secret_key: str, purpose: str, message: str) -> str:
    """An HMAC-SHA256 of ``message`` for a URL (base64url, unpadded), under a key derived from
    ``secret_key`` for ``purpose`` alone: no purpose's signatures reveal the secret or sign for another."""
    key = hmac.new(secret_key.encode(), purpose.encode(), hashlib.sha256).digest()
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def signature_matches(presented: str, expected: str) -> bool:
    return hmac.compare_digest(presented.encode(), expected.encode())


# --- headers on every response ----------------------------------------------------------------------

# JSON and files: nothing in them may load, run or be framed.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HSTS = "max-age=31536000"
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def page_policy(body: bytes, assets_origin: str) -> str:
    """The policy of an HTML page (the Swagger UI): its assets, its own inline scripts by hash, our API."""
    scripts = [assets_origin] + [
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in _INLINE_SCRIPT.findall(body)
    ]
    return (
        f"default-src 'none'; script-src {' '.join(scripts)}; "
        # Swagger UI sets style attributes and draws its icons from data: URLs.
        f"style-src {assets_origin} 'unsafe-inline'; img-src 'self' data: {assets_origin}; "
        f"font-src {assets_origin}; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )


def security_headers(response: Response) -> Response:
    """After every request: no sniffing, no framing, no referrer, no caching unless a route says so."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Cache-Control", "no-store")
    if "Content-Security-Policy" not in headers:
        if response.mimetype == "text/html" and response.status_code != 304 and not response.is_streamed:
            swagger_url = urlsplit(current_app.config.get("OPENAPI_SWAGGER_UI_URL") or "")
            origin = f"{swagger_url.scheme}://{swagger_url.netloc}" if swagger_url.netloc else "'self'"
            headers["Content-Security-Policy"] = page_policy(response.get_data(), origin)
        else:
            headers["Content-Security-Policy"] = API_POLICY
    # Over HTTPS only (directly, or as the trusted proxy says: ACUSIGHT_PROXY_HOPS): browsers ignore it
    # over plain HTTP, and devices calling :8080 directly must not be told to switch.
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask, proxy_hops: int) -> None:
    if proxy_hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxy_hops, x_proto=proxy_hops, x_host=proxy_hops
        )
    app.after_request(security_headers)
