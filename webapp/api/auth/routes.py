"""Routes of the sign-in API."""

from typing import Any
from urllib.parse import urlencode

from flask import Response, redirect, request, url_for
from flask.views import MethodView
from flask_jwt_extended import decode_token, get_jwt
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt.exceptions import PyJWTError
from markupsafe import escape

from webapp import oidc
from webapp.api.auth.schemas import (
    LoginArgsSchema,
    LoginLinkSchema,
    LogoutSchema,
    MeSchema,
    SignInMethodsSchema,
    TokensSchema,
)
from webapp.api.envelope import Blueprint
from webapp.auth import ANY_ROLE, current_user, issue_tokens, refresh_required, user_required
from webapp.errors import AppError, ValidationError
from webapp.extensions import db
from webapp.services import accounts, login_links
from webapp.settings import get_settings

blp = Blueprint("auth", __name__, url_prefix="/auth", description="Sign in with OpenID Connect")


@blp.route("/methods")
class Methods(MethodView):
    @blp.response(200, SignInMethodsSchema)
    @blp.doc(operationId="getSignInMethods", security=[])
    def get(self) -> Any:
        """How people can sign in here: with the OpenID Connect provider when one is configured, and
        always with a one-time link an operator makes (`acusight users login-link EMAIL`)."""
        return {"oidc": oidc.configured(), "login_link": True}


@blp.route("/login")
class Login(MethodView):
    @blp.arguments(LoginArgsSchema, location="query")
    @blp.response(302)
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(operationId="startLogin")
    def get(self, args: dict[str, Any]) -> Response:
        """Start signing in: a redirect to the OpenID Connect provider (code flow with PKCE)."""
        return oidc.login_redirect(to_console=args.get("return_to") == "console")


@blp.route("/login-link")
class LoginLink(MethodView):
    @blp.arguments(LoginLinkSchema)
    @blp.response(200, TokensSchema)
    @blp.alt_response(401, response="UNAUTHORIZED", description="The link is unknown, used, or expired")
    @blp.doc(operationId="redeemLoginLink", security=[])
    def post(self, body: dict[str, Any]) -> Any:
        """Trade a one-time sign-in link's secret (the `token` in its #fragment) for a token pair.

        Each link works once, until it expires (15 minutes unless its maker said otherwise)."""
        user = login_links.redeem(db.session, body["token"])
        return {**issue_tokens(user), "user": user}


@blp.route("/callback")
class Callback(MethodView):
    @blp.response(200, TokensSchema)
    @blp.alt_response(302, description="To ACUSIGHT_OIDC_POST_LOGIN_URL, with the tokens in the #fragment")
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(operationId="completeLogin")
    def get(self) -> Any:
        """Where the provider sends the browser back: verify the sign-in, answer with platform tokens."""
        to_console = oidc.returns_to_console()
        try:
            user = accounts.sign_in(db.session, oidc.complete_login())
        except AppError as exc:
            if _wants_html():
                return _refusal_page(exc)
            raise
        return _deliver({**issue_tokens(user), "user": user}, to_console)


@blp.route("/refresh")
class Refresh(MethodView):
    @refresh_required
    @blp.response(200, TokensSchema)
    @blp.doc(operationId="refreshTokens")
    def post(self) -> Any:
        """Trade a refresh token (sent as the Bearer token) for a new pair; each one works once."""
        claims = get_jwt()
        accounts.rotate_refresh_token(db.session, current_user(), claims, _settings().session_max)
        return issue_tokens(current_user(), session_of=claims)


@blp.route("/logout")
class Logout(MethodView):
    @user_required(ANY_ROLE)
    @blp.arguments(LogoutSchema)
    @blp.response(204)
    @blp.doc(operationId="logout")
    def post(self, body: dict[str, Any]) -> None:
        """End this sign-in: the access token in use and every other token of the same sign-in (its
        refresh tokens included) stop working now; a refresh token sent along is revoked too."""
        refresh = _decode_refresh(body["refresh_token"]) if "refresh_token" in body else None
        accounts.logout(db.session, current_user(), get_jwt(), refresh, _settings().session_max)


@blp.route("/me")
class Me(MethodView):
    @user_required(ANY_ROLE)
    @blp.response(200, MeSchema)
    @blp.doc(operationId="getMe")
    def get(self) -> Any:
        """Who is calling, with their organization."""
        return current_user()


def _settings() -> Any:
    return get_settings()


def _decode_refresh(token: str) -> dict[str, Any]:
    try:
        return decode_token(token, allow_expired=True)
    except (JWTExtendedException, PyJWTError) as exc:
        raise ValidationError("Invalid refresh_token", str(exc)) from exc


def _deliver(tokens: dict[str, Any], to_console: bool) -> Any:
    """The tokens as JSON, or a redirect to the console or the configured front end with them in
    the fragment.

    The target is this origin's console or a setting, never a request parameter (no open
    redirect), and a fragment is not sent to any server nor in a Referer header.
    """
    target = "/login" if to_console else get_settings().oidc_post_login_url
    if not target:
        return tokens
    fragment = urlencode({k: v for k, v in tokens.items() if k != "user"})
    return redirect(f"{target}#{fragment}", code=302)


def _wants_html() -> bool:
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}}</style>
</head><body>
<h1>{title}</h1>
<p>{message}</p>
<p>{details}</p>
<p><a href="{retry}">Try again</a></p>
</body></html>
"""


def _refusal_page(error: AppError) -> Response:
    """A browser that came back from the provider gets a page to read, not an envelope."""
    html = _PAGE.format(
        title=escape(error.message),
        message="Signing in to Acusight did not work.",
        details=escape(error.details or ""),
        retry=escape(url_for("auth.Login")),
    )
    response = Response(html, status=error.status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
