"""Who is calling: user JWTs (roles) and device keys, as decorators routes declare."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, g, request
from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    get_jwt,
    get_jwt_identity,
    verify_jwt_in_request,
)
from flask_jwt_extended.exceptions import (
    JWTExtendedException,
    NoAuthorizationError,
    RevokedTokenError,
    WrongTokenError,
)
from jwt.exceptions import DecodeError, ExpiredSignatureError, InvalidSignatureError, PyJWTError
from sqlalchemy import Connection, bindparam, select

from webapp.db import autocommit_connection
from webapp.errors import Forbidden, Unauthorized
from webapp.extensions import db, jwt
from webapp.models import Device, Organization, RevokedToken, ServiceAccount, User
from webapp.models.base import MAX_ID
from webapp.security import lookup_prefix, verify_secret
from webapp.services import accounts
from webapp.settings import get_settings
from webapp.unit_of_work import commit_now

F = TypeVar("F", bound=Callable[..., Any])

DEVICE_KEY_HEADER = "X-Device-Key"
BEARER_SCHEME = "bearerAuth"
DEVICE_SCHEME = "deviceKey"

# Role groups the routes speak in; each endpoint names one.
ANY_ROLE = ("admin", "ml_engineer", "annotator", "viewer")
MANAGERS = ("admin", "ml_engineer")
ADMINS = ("admin",)
ANNOTATORS = ("admin", "ml_engineer", "annotator")
# Machine identities (flows reporting back); endpoints opt in by listing it.
SERVICE_ROLE = "service"
SERVICE_KEY_KIND = "ask"
ORG_HEADER = "X-Acusight-Organization"


# The OpenAPI extension that marks an operation only the platform's own workers call (a service
# account's key): client generators and the docs leave these out (sdk/generate.py).
SERVICE_ONLY_EXTENSION = "x-acusight-service-only"


def _document(func: Any, scheme: str, responses: dict[int, str], service_only: bool = False) -> None:
    """Put the security scheme and the auth failures in the operation's OpenAPI doc."""
    apidoc = deepcopy(getattr(func, "_apidoc", {}))
    manual = apidoc.setdefault("manual_doc", {})
    manual["security"] = [{scheme: []}]
    if service_only:
        manual[SERVICE_ONLY_EXTENSION] = True
    documented = apidoc.setdefault("response", {}).setdefault("responses", {})
    for status, ref in responses.items():
        documented.setdefault(status, []).append(ref)
    func._apidoc = apidoc


# Token families. Every token of one sign-in carries the family's id (``fam``) and the sign-in's time
# (``auth_time``); refreshing passes both on. Revoking the family (accounts.revoke_family) stops every
# token of that sign-in at once: at logout, and when a refresh token is presented a second time — one
# copy was stolen, and the server cannot tell which holder is the owner.


def issue_access_token(user: User, family: str | None = None, auth_time: int | None = None) -> str:
    claims: dict[str, Any] = {"org": user.organization_id}
    if family is not None:
        claims |= {"fam": family, "auth_time": auth_time}
    return create_access_token(identity=str(user.id), additional_claims=claims)


def issue_tokens(user: User, session_of: dict[str, Any] | None = None) -> dict[str, Any]:
    """A new access and refresh token pair, as the sign-in and refresh endpoints return it.

    ``session_of``: the claims of the refresh token being traded in; the pair continues its sign-in
    (same family, same ``auth_time``) and the refresh token expires no later than the sign-in may last.
    Without it, a new sign-in starts.
    """
    settings = get_settings()
    now = int(time.time())
    if session_of is None:
        family, auth_time = uuid.uuid4().hex, now
    else:
        # A token from before families existed starts one, dated from when it was issued.
        family = str(session_of.get("fam") or uuid.uuid4().hex)
        auth_time = int(session_of.get("auth_time") or session_of.get("iat") or now)
    left = auth_time + int(settings.session_max.total_seconds()) - now
    refresh_expires = min(settings.refresh_token_expires, timedelta(seconds=max(left, 1)))
    return {
        "access_token": issue_access_token(user, family, auth_time),
        "refresh_token": create_refresh_token(
            identity=str(user.id),
            expires_delta=refresh_expires,
            additional_claims={"fam": family, "auth_time": auth_time},
        ),
        "token_type": "Bearer",
        "expires_in": int(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds()),
    }


@jwt.token_in_blocklist_loader
def _token_revoked(_header: dict[str, Any], payload: dict[str, Any]) -> bool:
    return token_revoked(payload)


def token_revoked(payload: dict[str, Any]) -> bool:
    """Logged-out and rotated tokens, and revoked families: a table, so revocation survives restarts
    and spans replicas. One query for both."""
    jti = payload.get("jti")
    if jti is None:
        return True
    keys = [jti, accounts.family_key(str(payload["fam"]))] if payload.get("fam") else [jti]
    return db.session.scalar(select(RevokedToken.id).where(RevokedToken.jti.in_(keys)).limit(1)) is not None


def cut_off(user: User, payload: dict[str, Any]) -> bool:
    """Whether the user's tokens issued when ``payload`` was were cut off (users.tokens_valid_after)."""
    valid_after = user.tokens_valid_after
    return valid_after is not None and payload.get("iat", 0) < valid_after.timestamp()


# What a refusal tells the caller to do; the refusals themselves name the credential the route takes.
UNAUTHENTICATED = "Missing or invalid authentication"
DEVICE_KEY_KIND = "adk"
PROVISIONING_TOKEN_KIND = "apt"
GET_A_TOKEN = (
    "get a token from this server: sign in (GET /api/auth/login), or run `acusight users token EMAIL` "
    "where the server runs"
)
TAKES_USER_TOKEN = "this route takes a person's token, as Authorization: Bearer <token>"
TAKES_DEVICE_KEY = (
    f"this route takes a device's API key (adk_…, the api_key its provisioning returned) in the "
    f"{DEVICE_KEY_HEADER} header"
)


def _token_refusal(exc: Exception, refresh: bool) -> Unauthorized:
    """Why a presented token was refused, in words that say what to do; never the library's wording."""
    kind = "refresh token" if refresh else "token"
    if isinstance(exc, NoAuthorizationError):
        scheme = request.headers.get("Authorization", "").partition(" ")[0]
        if scheme and scheme.lower() != "bearer":
            return Unauthorized(
                "Not a Bearer token", f"{TAKES_USER_TOKEN}; this request used the {scheme} scheme"
            )
        return Unauthorized("No credentials", f"{TAKES_USER_TOKEN}; {GET_A_TOKEN}")
    if isinstance(exc, ExpiredSignatureError):
        again = (
            "its sign-in has expired: sign in again (GET /api/auth/login)"
            if refresh
            else f"access tokens expire: trade your refresh token at POST /api/auth/refresh, or {GET_A_TOKEN}"
        )
        return Unauthorized(f"The {kind} has expired", again)
    if isinstance(exc, InvalidSignatureError):
        return Unauthorized(
            f"The {kind} was not signed by this server",
            "it was issued by a server with another secret key (another data dir, or another "
            f"ACUSIGHT_SECRET_KEY); {GET_A_TOKEN}",
        )
    if isinstance(exc, WrongTokenError):
        if refresh:
            return Unauthorized(
                "Wrong kind of token", "this route takes a refresh token; this is an access token"
            )
        return Unauthorized(
            "Wrong kind of token",
            "this is a refresh token: send the access token, or trade this one at POST /api/auth/refresh",
        )
    if isinstance(exc, RevokedTokenError):
        return Unauthorized(f"The {kind} was revoked", f"it was signed out or replaced; {GET_A_TOKEN}")
    if isinstance(exc, DecodeError):
        return Unauthorized("The token is not valid", f"it is not a token this server issues; {GET_A_TOKEN}")
    return Unauthorized(f"The {kind} is not valid", GET_A_TOKEN)


def _not_a_user_token(token: str) -> Unauthorized | None:
    """The refusal of a device key or provisioning token sent where a person's token goes, if it is one."""
    if token.startswith(DEVICE_KEY_KIND + "_"):
        return Unauthorized(
            "A device key does not open this route",
            f"{TAKES_USER_TOKEN}; a device's key goes in {DEVICE_KEY_HEADER}, on /api/device/* only",
        )
    if token.startswith(PROVISIONING_TOKEN_KIND + "_"):
        return Unauthorized(
            "A provisioning token does not open this route",
            f"{TAKES_USER_TOKEN}; a provisioning token is only traded for a device key at "
            "POST /api/devices/provision",
        )
    return None


def _authenticate_user(refresh: bool = False) -> User:
    if "Authorization" not in request.headers and (
        DEVICE_KEY_HEADER in request.headers or "X-API-Key" in request.headers
    ):
        raise Unauthorized(
            "A device key does not open this route",
            f"{TAKES_USER_TOKEN}; a device's key, in {DEVICE_KEY_HEADER}, opens /api/device/* only",
        )
    wrong_kind = _not_a_user_token(_bearer())
    if wrong_kind is not None:
        raise wrong_kind
    try:
        verify_jwt_in_request(refresh=refresh)
        identity = get_jwt_identity()
    except RevokedTokenError as exc:
        if refresh and exc.jwt_data.get("type") == "refresh" and exc.jwt_data.get("fam"):
            accounts.revoke_family(db.session, exc.jwt_data, get_settings().session_max)
            raise Unauthorized(UNAUTHENTICATED, accounts.REFRESH_REUSED) from exc
        raise _token_refusal(exc, refresh) from exc
    except (JWTExtendedException, PyJWTError) as exc:
        raise _token_refusal(exc, refresh) from exc
    try:
        user_id = int(identity)
    except (TypeError, ValueError) as exc:
        raise Unauthorized(UNAUTHENTICATED, "token identity is not a user") from exc
    user = db.session.get(User, user_id)
    if user is None or user.disabled:
        raise Unauthorized(UNAUTHENTICATED, "user is unknown or disabled")
    claims = get_jwt()
    if cut_off(user, claims):
        raise Unauthorized(UNAUTHENTICATED, "this token was revoked; sign in again")
    if refresh:
        settings = get_settings()
        started = int(claims.get("auth_time") or claims.get("iat", 0))
        if time.time() - started > settings.session_max.total_seconds():
            raise Unauthorized(UNAUTHENTICATED, "this sign-in has ended; sign in again")
    return user


def _bearer() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _service_account() -> ServiceAccount:
    key = _bearer()
    account = db.session.scalar(select(ServiceAccount).where(ServiceAccount.key_prefix == lookup_prefix(key)))
    if account is None or not verify_secret(key, account.key_hash) or account.disabled:
        raise Unauthorized(UNAUTHENTICATED, "unknown or disabled service key")
    return account


def _authenticate_service(roles: tuple[str, ...]) -> None:
    """A service account's key, acting for the organization named in ``X-Acusight-Organization``."""
    account = _service_account()
    if SERVICE_ROLE not in roles:
        raise Forbidden("Insufficient permissions", "service accounts cannot call this endpoint")
    raw = request.headers.get(ORG_HEADER, "")
    # ASCII digits only ("²".isdigit() is true), and no id past the id columns' range.
    org_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_ID)) else None
    org = db.session.get(Organization, org_id) if org_id is not None and org_id <= MAX_ID else None
    if org is None:
        raise Unauthorized(UNAUTHENTICATED, f"name the organization in {ORG_HEADER}")
    g.service_account = account
    # No person calls; a user left in g by an earlier call in the same app context must not count.
    g.user = None
    g.organization_id = org.id
    g.organization = org


def user_required(roles: tuple[str, ...]) -> Callable[[F], F]:
    """Require a valid user access token whose role is one of ``roles``."""

    def decorator(func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if _bearer().startswith(SERVICE_KEY_KIND + "_"):
                _authenticate_service(roles)
                return func(*args, **kwargs)
            user = _authenticate_user()
            if user.role not in roles:
                raise Forbidden(
                    "Insufficient permissions",
                    f"this action needs one of the roles: {', '.join(roles)}",
                )
            g.user = user
            g.organization_id = user.organization_id
            return func(*args, **kwargs)

        only_services = tuple(roles) == (SERVICE_ROLE,)
        _document(wrapper, BEARER_SCHEME, {401: "UNAUTHORIZED", 403: "FORBIDDEN"}, only_services)
        return cast(F, wrapper)

    return decorator


def service_required(func: F) -> F:
    """Require a service account's key, for a worker's calls that span organizations (no tenant).

    A person's valid token is authenticated but not allowed: 403, as wherever a role may not call.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not _bearer().startswith(SERVICE_KEY_KIND + "_"):
            _authenticate_user()
            raise Forbidden("Insufficient permissions", "only service accounts call this endpoint")
        g.service_account = _service_account()
        g.user = None
        return func(*args, **kwargs)

    _document(wrapper, BEARER_SCHEME, {401: "UNAUTHORIZED", 403: "FORBIDDEN"}, service_only=True)
    return cast(F, wrapper)


def refresh_required(func: F) -> F:
    """Require a valid, unrevoked refresh token of an enabled user (the refresh endpoint only)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = _authenticate_user(refresh=True)
        g.user = user
        g.organization_id = user.organization_id
        return func(*args, **kwargs)

    _document(wrapper, BEARER_SCHEME, {401: "UNAUTHORIZED"})
    return cast(F, wrapper)


@dataclass(frozen=True, slots=True)
class CallingDevice:
    """What a hot path needs of the calling device, read as one plain row (no ORM entity)."""

    id: int
    organization_id: int
    project_id: int | None
    serial_number: str
    last_seen_at: datetime | None


_DEVICES = Device.__table__
# Built once: the upload path runs it on every request.
_DEVICE_BY_PREFIX = select(
    *(_DEVICES.c[field.name] for field in fields(CallingDevice)),
    _DEVICES.c.key_hash,
    _DEVICES.c.disabled,
).where(_DEVICES.c.key_prefix == bindparam("prefix"))
_UNKNOWN_DEVICE = "unknown or disabled device key"


def _no_device_key() -> Unauthorized:
    """The refusal of a device route called without a device key, naming what was sent instead."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if token.startswith(DEVICE_KEY_KIND + "_"):
        return Unauthorized(
            f"Send the device key in {DEVICE_KEY_HEADER}", f"{TAKES_DEVICE_KEY}, not in Authorization"
        )
    if token.startswith(PROVISIONING_TOKEN_KIND + "_"):
        return _unknown_device_key(token)
    if scheme:
        caller = "A service account's key" if token.startswith(SERVICE_KEY_KIND + "_") else "A person's token"
        return Unauthorized(
            f"{caller} does not open this route",
            f"{TAKES_DEVICE_KEY}; people and services call the routes outside /api/device/",
        )
    if "X-API-Key" in request.headers:
        return Unauthorized(
            f"Send the device key in {DEVICE_KEY_HEADER}", f"{TAKES_DEVICE_KEY}, not in X-API-Key"
        )
    return Unauthorized("No device key", TAKES_DEVICE_KEY)


def _unknown_device_key(key: str) -> Unauthorized:
    """The refusal of a key no enabled device holds; a person's token or a provisioning token is named."""
    if key.startswith(PROVISIONING_TOKEN_KIND + "_"):
        return Unauthorized(
            "A provisioning token does not open this route",
            "trade it for a device key at POST /api/devices/provision, then send that key in "
            f"{DEVICE_KEY_HEADER}",
        )
    if key.startswith(SERVICE_KEY_KIND + "_"):
        return Unauthorized("A service account's key does not open this route", TAKES_DEVICE_KEY)
    if key.count(".") == 2:  # a JWT: a person's token
        return Unauthorized("A person's token does not open this route", TAKES_DEVICE_KEY)
    return Unauthorized(UNAUTHENTICATED, _UNKNOWN_DEVICE)


def authenticate_device(key: str | None) -> Device:
    """The enabled device owning ``key``; anything else is UNAUTHORIZED."""
    if not key:
        raise _no_device_key()
    device = db.session.scalar(select(Device).where(Device.key_prefix == lookup_prefix(key)))
    if device is None or not verify_secret(key, device.key_hash) or device.disabled:
        raise _unknown_device_key(key)
    return device


def authenticate_device_row(connection: Connection, key: str) -> CallingDevice:
    """Like :func:`authenticate_device`, with one Core query on ``connection`` and no ORM load."""
    row = connection.execute(_DEVICE_BY_PREFIX, {"prefix": lookup_prefix(key)}).first()
    if row is None or not verify_secret(key, row.key_hash) or row.disabled:
        raise _unknown_device_key(key)
    return CallingDevice(row.id, row.organization_id, row.project_id, row.serial_number, row.last_seen_at)


def device_required(func: F) -> F:
    """Require a valid ``X-Device-Key`` of an enabled device; the route reads it with current_device()."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        device = authenticate_device(request.headers.get(DEVICE_KEY_HEADER))
        g.device = device
        g.organization_id = device.organization_id
        return func(*args, **kwargs)

    _document(wrapper, DEVICE_SCHEME, {401: "UNAUTHORIZED"})
    return cast(F, wrapper)


def device_key_required(func: F) -> F:
    """:func:`device_required` for the upload path: the device is checked with one Core query, in
    autocommit where the database allows (see ``autocommit_connection``), and the connection goes back
    to the pool at once: not held while the body arrives. The route reads the device with
    calling_device(), a plain record, not an ORM entity."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(DEVICE_KEY_HEADER)
        if not key:
            raise _no_device_key()
        session = db.session
        device = authenticate_device_row(autocommit_connection(session), key)
        # Not a write: ending the read here hands the connection back to the pool while the body arrives.
        commit_now(session)
        g.calling_device = device
        g.organization_id = device.organization_id
        return func(*args, **kwargs)

    _document(wrapper, DEVICE_SCHEME, {401: "UNAUTHORIZED"})
    return cast(F, wrapper)


def current_user() -> User:
    """The calling person (see ``calling_user`` where a service account may call too)."""
    return cast(User, g.user)


def calling_user() -> User | None:
    """The calling person, or None when a service account calls."""
    return cast(User | None, g.get("user"))


def current_device() -> Device:
    return cast(Device, g.device)


def calling_device() -> CallingDevice:
    """The device of a :func:`device_key_required` route."""
    return cast(CallingDevice, g.calling_device)


def current_org() -> Organization:
    """The caller's organization (a user's or a device's): the tenant every query is scoped to."""
    org = g.get("organization")
    if org is None or org.id != g.organization_id:
        org = db.session.get(Organization, g.organization_id)
        g.organization = org
    return cast(Organization, org)
