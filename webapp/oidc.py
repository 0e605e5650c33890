"""Sign-in through any OpenID Connect provider: Authlib's client, configured by discovery alone."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, cast

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import FlaskOAuth2App, OAuth
from flask import Flask, Response, current_app, has_request_context, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from joserfc.errors import JoseError

from webapp.errors import ServiceUnavailable, Unauthorized, describe_failure
from webapp.settings import Settings, get_settings

log = logging.getLogger(__name__)

CLIENT_NAME = "oidc"
EXTENSION = "acusight.oidc"
# Allowed difference between our clock and the provider's when checking exp / iat / nbf.
CLOCK_SKEW_S = 60
# Every call to the provider (discovery, JWKS, token, userinfo) gives up after this.
PROVIDER_TIMEOUT_S = 10
SESSION_COOKIE = "acusight_session"
# In the sign-in cookie: whether the callback hands the tokens to the console (see login_redirect).
RETURN_TO_CONSOLE = "acusight_to_console"
# Sign-ins started in one browser and not finished yet that keep their state in its cookie.
MAX_PENDING_LOGINS = 3
FAILED = "Sign-in failed"


@dataclass(frozen=True)
class Identity:
    """Who the provider vouched for, from a verified ID token."""

    issuer: str
    subject: str
    email: str | None
    # Whether the provider vouched for the email: a claim of true, or no claim from a provider the
    # operator trusts (ACUSIGHT_OIDC_TRUST_UNVERIFIED_EMAIL).
    email_verified: bool
    name: str | None


class _SignInCookie(SecureCookieSessionInterface):
    """Flask's signed cookie, Secure whenever the request came over HTTPS (directly, or as the trusted
    proxy says) even where no setting names an https URL: the callback URL may come from the request."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(super().get_cookie_secure(app)) or (has_request_context() and request.is_secure)


def init_app(app: Flask, settings: Settings) -> None:
    """Configure the session cookie that carries state, nonce and PKCE verifier, and the client."""
    app.config.update(
        # Not "_session": that is the provider's cookie name when both run on one host.
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_PATH="/api/auth",
        SESSION_COOKIE_HTTPONLY=True,
        # Lax: the provider's redirect back to the callback is a top-level GET, which keeps it.
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.oidc_redirect_url.startswith("https://")
        or settings.public_url.startswith("https://"),
    )
    app.session_interface = _SignInCookie()
    if not settings.oidc_issuer:
        return
    if "openid" not in settings.oidc_scopes.split():
        raise ValueError("ACUSIGHT_OIDC_SCOPES must include 'openid'")
    oauth = OAuth(app)
    client = oauth.register(
        CLIENT_NAME,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": settings.oidc_scopes,
            "code_challenge_method": "S256",
            "default_timeout": PROVIDER_TIMEOUT_S,
        },
    )
    app.extensions[EXTENSION] = client


def configured() -> bool:
    """Whether sign-in with OpenID Connect is set up (ACUSIGHT_OIDC_ISSUER and the client)."""
    return current_app.extensions.get(EXTENSION) is not None


def _client() -> FlaskOAuth2App:
    client = current_app.extensions.get(EXTENSION)
    if client is None:
        raise ServiceUnavailable(
            "Sign-in with OpenID Connect is not configured", "set ACUSIGHT_OIDC_ISSUER and the client"
        )
    return cast(FlaskOAuth2App, client)


def _metadata(client: FlaskOAuth2App) -> dict[str, Any]:
    """The provider's discovery document, fetched once per process, checked against the setting."""
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        log.warning("OpenID Connect discovery failed: %s", exc)
        raise ServiceUnavailable("The sign-in provider cannot be reached", describe_failure(exc)) from exc
    configured = get_settings().oidc_issuer.rstrip("/")
    if str(metadata.get("issuer", "")).rstrip("/") != configured:
        client.server_metadata.pop("_loaded_at", None)
        raise ServiceUnavailable(
            "The sign-in provider is misconfigured",
            f"discovery names issuer {metadata.get('issuer')!r}, not the configured {configured!r}",
        )
    return cast(dict[str, Any], metadata)


def login_redirect(to_console: bool = False) -> Response:
    """A redirect to the provider: authorization code flow with PKCE (S256), state and nonce.

    ``to_console``: the callback sends the browser on to the web console (this origin's ``/login``)
    rather than answering JSON; the choice rides in the signed cookie, never in a URL an attacker
    could craft (no open redirect).
    """
    client = _client()
    _metadata(client)
    settings = get_settings()
    redirect_uri = settings.oidc_redirect_url or url_for("auth.Callback", _external=True)
    _forget_old_logins()
    session[RETURN_TO_CONSOLE] = to_console
    # Authlib keeps state, nonce, code_verifier and redirect_uri in the signed session cookie.
    return cast(Response, client.authorize_redirect(redirect_uri))


def _forget_old_logins() -> None:
    """Drop all but the newest unfinished sign-ins of this browser.

    Each one holds about 1 KB in the cookie until its callback; without a cap, a few abandoned
    attempts would push the cookie past the 4 KB browsers keep, and every sign-in would fail.
    """
    prefix = f"_state_{CLIENT_NAME}_"  # Authlib's key for one pending authorization
    pending = sorted((k for k in session if k.startswith(prefix)), key=lambda k: session[k].get("exp", 0))
    for key in pending[: max(0, len(pending) - MAX_PENDING_LOGINS + 1)]:
        session.pop(key)


def returns_to_console() -> bool:
    """Whether the sign-in being completed was started from the console (read once)."""
    return bool(session.pop(RETURN_TO_CONSOLE, False))


def complete_login() -> Identity:
    """Finish the flow the provider redirected back with; only a verified ID token gets through.

    Checks: the state matches one this browser started (single use), the code is exchanged with
    its PKCE verifier, and the ID token's signature (provider JWKS), issuer, audience, expiry and
    nonce are all valid.
    """
    client = _client()
    metadata = _metadata(client)
    claims_options = {
        "iss": {"essential": True, "value": metadata["issuer"]},
        "aud": {"essential": True, "value": client.client_id},
        "sub": {"essential": True},
    }
    try:
        token = client.authorize_access_token(claims_options=claims_options, leeway=CLOCK_SKEW_S)
        if not token.get("userinfo"):
            # Authlib verifies an ID token only when one comes back; without one there is no sign-in.
            raise Unauthorized(FAILED, "the provider returned no ID token")
        claims = dict(token["userinfo"])
        if not claims.get("email") and metadata.get("userinfo_endpoint"):
            claims = _with_userinfo(client, token, claims)
    except OAuthError as exc:
        raise Unauthorized(FAILED, _reason(exc.error, exc.description)) from exc
    except JoseError as exc:
        raise Unauthorized(
            FAILED, f"the ID token is invalid ({_reason(exc.error, exc.description)})"
        ) from exc
    except requests.RequestException as exc:
        log.warning("OpenID Connect provider call failed: %s", exc)
        raise ServiceUnavailable("The sign-in provider cannot be reached", describe_failure(exc)) from exc
    verified = _as_bool(claims.get("email_verified"))
    if verified is None:
        # Silence is not a vouch, unless the operator says this provider's emails are all verified.
        verified = bool(get_settings().oidc_trust_unverified_email)
    return Identity(
        issuer=claims["iss"],
        subject=str(claims["sub"]),
        email=claims.get("email"),
        email_verified=verified,
        name=claims.get("name") or None,
    )


def _with_userinfo(client: FlaskOAuth2App, token: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    """Providers that keep email out of the ID token serve it from the userinfo endpoint."""
    info = client.userinfo(token=token)
    if str(info.get("sub")) != str(claims["sub"]):
        raise Unauthorized(FAILED, "the userinfo subject differs from the ID token's")
    return {**{k: v for k, v in info.items() if k in ("email", "email_verified", "name")}, **claims}


def _reason(error: str | None, description: str | None) -> str:
    return f"{error}: {description}" if description else str(error)


def _as_bool(value: Any) -> bool | None:
    # Some providers (Cognito, older Azure AD) send the JSON string "true" instead of a boolean.
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)
