"""Sign-in against a real OpenID Connect provider (oidc-provider, started here), refresh and logout."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from flask_jwt_extended import create_refresh_token, decode_token
from joserfc import jwt
from joserfc.jwk import RSAKey

from acusight.cli import main as cli_main
from tests.conftest import bearer
from tests.helpers import assert_error
from webapp import create_app
from webapp.auth import issue_tokens
from webapp.errors import Forbidden
from webapp.extensions import db
from webapp.models import User
from webapp.services import accounts, users
from webapp.settings import get_settings

IDP_DIR = Path(__file__).resolve().parents[1] / "oidc"
CLIENT_ID = "acusight"
CLIENT_SECRET = "acusight-test-secret"
REDIRECT_URL = "http://acusight.test/api/auth/callback"
# What the app derives from the test client's request when no redirect URL is configured.
DERIVED_REDIRECT_URL = "http://localhost/api/auth/callback"
KID = "test-signing-key"

# The fixed test people of the provider: login -> password and claims.
PEOPLE: dict[str, dict[str, Any]] = {
    "alice": {"password": "alice-pw", "sub": "sub-alice", "email": "Alice@Acme.test", "email_verified": True},
    "bob": {"password": "bob-pw", "sub": "sub-bob", "email": "bob@elsewhere.test", "email_verified": True},
    "carol": {
        "password": "carol-pw",
        "sub": "sub-carol",
        "email": "carol@acme.test",
        "email_verified": False,
    },
    "erin": {"password": "erin-pw", "sub": "sub-erin", "email": "erin@bigcorp.test", "email_verified": True},
    # A provider that says nothing of verification (no email_verified claim).
    "dave": {"password": "dave-pw", "sub": "sub-dave", "email": "dave@acme.test"},
    "nomail": {"password": "nomail-pw", "sub": "sub-nomail"},
}
for _login, _person in PEOPLE.items():
    _person["name"] = f"{_login.capitalize()} Example"


@dataclass
class IdP:
    """A running provider: its issuer URL and the private key it signs ID tokens with."""

    issuer: str
    key: RSAKey


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_idp(tmp: Path, *, conform_id_token_claims: bool = False) -> Iterator[IdP]:
    if shutil.which("node") is None or not (IDP_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("the test OpenID provider is not installed: run scripts/setup.sh (node + npm ci)")
    key = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig", "alg": "RS256"}, private=True)
    port = _free_port()
    config = {
        "port": port,
        "jwks": {"keys": [key.as_dict(private=True)]},
        "conformIdTokenClaims": conform_id_token_claims,
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [REDIRECT_URL, DERIVED_REDIRECT_URL],
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
            }
        ],
        "users": PEOPLE,
    }
    config_path = tmp / "idp.json"
    config_path.write_text(json.dumps(config))
    log = (tmp / "idp.log").open("w")
    proc = subprocess.Popen(
        ["node", str(IDP_DIR / "idp.mjs")],
        env={**os.environ, "IDP_CONFIG": str(config_path)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the test OpenID provider did not start:\n{(tmp / 'idp.log').read_text()}")
            time.sleep(0.05)
        yield IdP(issuer=issuer, key=key)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IdP]:
    yield from _start_idp(tmp_path_factory.mktemp("idp"))


@pytest.fixture(scope="session")
def conform_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IdP]:
    """A provider that keeps email out of the ID token: it is served from userinfo only."""
    yield from _start_idp(tmp_path_factory.mktemp("idp-conform"), conform_id_token_claims=True)


def oidc_settings(idp: IdP, **extra: Any) -> dict[str, Any]:
    return {
        "oidc_issuer": idp.issuer,
        "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": CLIENT_SECRET,
        "oidc_redirect_url": REDIRECT_URL,
        **extra,
    }


@pytest.fixture
def app_config(idp: IdP) -> dict[str, Any]:
    return oidc_settings(idp)


# --- a browser, as far as the provider can tell --------------------------------------------------


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.inputs: list[str] = []
        self.error: str | None = None
        self._in_error = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "form":
            self.action = named.get("action")
        elif tag == "input" and named.get("name"):
            self.inputs.append(str(named["name"]))
        elif tag == "p" and named.get("class") == "error":
            self._in_error = True

    def handle_data(self, data: str) -> None:
        if self._in_error:
            self.error = data.strip()
            self._in_error = False


def _follow(browser: requests.Session, resp: requests.Response) -> requests.Response:
    """Follow the provider's redirects, stopping at the one that leaves for the app."""
    while resp.is_redirect:
        target = urljoin(resp.url, resp.headers["Location"])
        if not target.startswith(resp.url.split("/", 3)[0] + "//" + urlsplit(resp.url).netloc):
            return resp
        resp = browser.get(target, allow_redirects=False, timeout=10)
    return resp


@dataclass
class ProviderVisit:
    """One trip through the provider's pages: where it finally sent the browser, and its last page."""

    callback_url: str | None
    page: str


def visit_provider(authorize_url: str, login: str, password: str) -> ProviderVisit:
    """Open the authorization URL, fill the login form as a browser would, return the callback URL."""
    browser = requests.Session()
    page = _follow(browser, browser.get(authorize_url, allow_redirects=False, timeout=10))
    form = _FormParser()
    form.feed(page.text)
    assert page.status_code == 200 and form.action, page.text
    assert {"login", "password"} <= set(form.inputs)
    resp = browser.post(
        urljoin(page.url, form.action),
        data={"login": login, "password": password},
        allow_redirects=False,
        timeout=10,
    )
    resp = _follow(browser, resp)
    if resp.is_redirect:
        return ProviderVisit(callback_url=resp.headers["Location"], page="")
    return ProviderVisit(callback_url=None, page=resp.text)


def start_login(client: FlaskClient, query: str = "") -> str:
    resp = client.get(f"/api/auth/login{query}")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return resp.headers["Location"]


def callback(client: FlaskClient, callback_url: str, accept: str = "application/json") -> Any:
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}", headers={"Accept": accept})


def sign_in(client: FlaskClient, login: str, accept: str = "application/json") -> Any:
    """The whole browser round trip: app -> provider login form -> app callback."""
    person = PEOPLE[login]
    visit = visit_provider(start_login(client), login, person["password"])
    assert visit.callback_url, visit.page
    return callback(client, visit.callback_url, accept)


@pytest.fixture
def invite(make_user: Any) -> Callable[..., User]:
    """invite(email, role="ml_engineer", org="Acme") -> the inviting admin."""

    def _invite(email: str, role: str = "ml_engineer", org: str = "Acme") -> User:
        admin = make_user("admin", org)
        accounts.invite(db.session, admin.organization_id, email, role, admin, days=7)
        db.session.commit()  # services only flush: the test commits what it sets up
        return admin

    return _invite


# --- the full login ----------------------------------------------------------------------------


def test_full_login_with_pkce(client: FlaskClient, idp: IdP, invite: Any) -> None:
    invite("alice@acme.test", role="annotator")
    authorize_url = start_login(client)
    query = parse_qs(urlsplit(authorize_url).query)
    assert authorize_url.startswith(f"{idp.issuer}/auth?")
    assert query["response_type"] == ["code"] and query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == [REDIRECT_URL]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}

    visit = visit_provider(authorize_url, "alice", "alice-pw")
    assert visit.callback_url and visit.callback_url.startswith(REDIRECT_URL + "?")
    resp = callback(client, visit.callback_url)
    assert resp.status_code == 200, resp.get_json()
    data = resp.get_json()["data"]
    assert data["token_type"] == "Bearer" and data["expires_in"] == 3600
    assert data["user"]["email"] == "alice@acme.test" and data["user"]["name"] == "Alice Example"
    assert data["user"]["role"] == "annotator" and data["user"]["organization"]["name"] == "Acme"
    assert data["user"]["oidc_issuer"] == idp.issuer

    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {data['access_token']}"})
    assert me.status_code == 200 and me.get_json()["data"]["id"] == data["user"]["id"]
    user = db.session.get(User, data["user"]["id"])
    assert (user.oidc_issuer, user.oidc_subject) == (idp.issuer, "sub-alice")
    assert user.last_login_at is not None
    invitations = accounts.list_invitations(db.session, user.organization_id, 1, 20).items
    assert [(i.email, i.user_id, accounts.invitation_status(i)) for i in invitations] == [
        ("alice@acme.test", user.id, "accepted")
    ]


def test_second_login_finds_the_same_user(client: FlaskClient, invite: Any) -> None:
    invite("alice@acme.test")
    first = sign_in(client, "alice").get_json()["data"]["user"]
    second = sign_in(client, "alice").get_json()["data"]["user"]
    assert first["id"] == second["id"]
    assert second["last_login_at"] >= first["last_login_at"]
    assert db.session.query(User).filter_by(email="alice@acme.test").count() == 1


def test_session_cookie_is_ours_and_locked_down(client: FlaskClient) -> None:
    resp = client.get("/api/auth/login")
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith("acusight_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/api/auth" in cookie


def test_session_cookie_is_secure_whenever_the_request_came_over_https(client: FlaskClient) -> None:
    """The callback URL here comes from the request (no setting names an https URL): over HTTPS the
    cookie carrying the sign-in's state and PKCE verifier must never go out over plain HTTP."""
    secure = client.get("/api/auth/login", base_url="https://api.example.test").headers["Set-Cookie"]
    assert "Secure" in secure.split("; ")
    plain = client.get("/api/auth/login").headers["Set-Cookie"]
    assert "Secure" not in plain.split("; ")


def test_abandoned_logins_do_not_overflow_the_cookie(client: FlaskClient, invite: Any) -> None:
    invite("alice@acme.test")
    started = [start_login(client) for _ in range(8)]
    cookie = client.get_cookie("acusight_session", path="/api/auth")
    assert cookie is not None and len(cookie.value) < 4096
    newest = visit_provider(started[-1], "alice", "alice-pw")
    oldest = visit_provider(started[0], "alice", "alice-pw")
    assert newest.callback_url and oldest.callback_url
    assert_error(callback(client, oldest.callback_url), 401, "UNAUTHORIZED")
    assert callback(client, newest.callback_url).status_code == 200


def test_redirect_url_derived_from_the_request_host(
    database_url: str, data_dir: Path, idp: IdP, invite: Any
) -> None:
    app = create_app({"data_dir": data_dir, "database_url": database_url, **oidc_settings(idp)})
    get_settings(app).oidc_redirect_url = ""
    client = app.test_client()
    authorize_url = start_login(client)
    assert parse_qs(urlsplit(authorize_url).query)["redirect_uri"] == [DERIVED_REDIRECT_URL]
    invite("alice@acme.test")
    visit = visit_provider(authorize_url, "alice", "alice-pw")
    assert visit.callback_url and visit.callback_url.startswith(DERIVED_REDIRECT_URL)
    assert callback(client, visit.callback_url).status_code == 200


def test_post_login_url_gets_tokens_in_the_fragment(
    database_url: str, data_dir: Path, idp: IdP, invite: Any
) -> None:
    settings = oidc_settings(idp, oidc_post_login_url="https://app.acusight.test/signed-in")
    client = create_app({"data_dir": data_dir, "database_url": database_url, **settings}).test_client()
    invite("alice@acme.test")
    resp = sign_in(client, "alice", accept="text/html")
    assert resp.status_code == 302
    location = urlsplit(resp.headers["Location"])
    assert (location.scheme, location.netloc, location.path) == ("https", "app.acusight.test", "/signed-in")
    assert location.query == ""
    tokens = {k: v[0] for k, v in parse_qs(location.fragment).items()}
    assert set(tokens) == {"access_token", "refresh_token", "token_type", "expires_in"}
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 200 and me.get_json()["data"]["email"] == "alice@acme.test"


def test_a_sign_in_started_from_the_console_returns_to_it(client: FlaskClient, invite: Any) -> None:
    assert client.get("/api/auth/methods").get_json()["data"] == {"oidc": True, "login_link": True}
    invite("alice@acme.test")
    visit = visit_provider(start_login(client, "?return_to=console"), "alice", PEOPLE["alice"]["password"])
    assert visit.callback_url, visit.page
    resp = callback(client, visit.callback_url, accept="text/html")
    assert resp.status_code == 302
    location = urlsplit(resp.headers["Location"])
    # This origin's console, whatever the request said: the target is never taken from a parameter.
    assert (location.path, location.query) == ("/login", "")
    assert location.netloc in ("", "localhost")
    tokens = {k: v[0] for k, v in parse_qs(location.fragment).items()}
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 200 and me.get_json()["data"]["email"] == "alice@acme.test"
    # The next sign-in of the same browser, started without it, answers JSON as before.
    assert sign_in(client, "alice").status_code == 200
    for bad in ("?return_to=https://evil.test", "?return_to=", "?return_to=Console"):
        assert_error(client.get(f"/api/auth/login{bad}"), 400, "VALIDATION_ERROR")


def test_email_served_by_userinfo_only(
    database_url: str, data_dir: Path, conform_idp: IdP, invite: Any
) -> None:
    """Providers that keep claims out of the ID token: the email comes from the userinfo endpoint."""
    settings = oidc_settings(conform_idp)
    client = create_app({"data_dir": data_dir, "database_url": database_url, **settings}).test_client()
    invite("alice@acme.test", role="viewer")
    resp = sign_in(client, "alice")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["data"]["user"]["email"] == "alice@acme.test"
    assert resp.get_json()["data"]["user"]["oidc_issuer"] == conform_idp.issuer


# --- what the provider refuses -----------------------------------------------------------------


def test_wrong_password_gets_no_code(client: FlaskClient) -> None:
    authorize_url = start_login(client)
    visit = visit_provider(authorize_url, "alice", "not-her-password")
    assert visit.callback_url is None
    form = _FormParser()
    form.feed(visit.page)
    assert form.error == "Invalid login or password." and form.action
    assert db.session.query(User).count() == 0


def test_provider_error_redirect_is_401(client: FlaskClient) -> None:
    state = parse_qs(urlsplit(start_login(client)).query)["state"][0]
    resp = client.get(f"/api/auth/callback?error=access_denied&error_description=no&state={state}")
    error = assert_error(resp, 401, "UNAUTHORIZED")
    assert "access_denied" in error["details"]


# --- what the platform refuses: state, and the ID token -----------------------------------------


def test_missing_or_unknown_state_is_401(client: FlaskClient, invite: Any) -> None:
    invite("alice@acme.test")
    visit = visit_provider(start_login(client), "alice", "alice-pw")
    assert visit.callback_url
    query = parse_qs(urlsplit(visit.callback_url).query)
    code = query["code"][0]
    assert_error(client.get(f"/api/auth/callback?code={code}"), 401, "UNAUTHORIZED")
    assert_error(client.get(f"/api/auth/callback?code={code}&state=forged"), 401, "UNAUTHORIZED")
    # Another browser (no session cookie) cannot finish this browser's sign-in.
    other = client.application.test_client()
    assert_error(callback(other, visit.callback_url), 401, "UNAUTHORIZED")
    assert db.session.query(User).filter_by(email="alice@acme.test").count() == 0


def test_replayed_callback_is_401(client: FlaskClient, invite: Any) -> None:
    invite("alice@acme.test")
    visit = visit_provider(start_login(client), "alice", "alice-pw")
    assert visit.callback_url
    stolen_cookie = client.get_cookie("acusight_session", path="/api/auth")
    assert stolen_cookie is not None
    assert callback(client, visit.callback_url).status_code == 200
    # Same browser: the state was spent with the first use.
    error = assert_error(callback(client, visit.callback_url), 401, "UNAUTHORIZED")
    assert "mismatching_state" in error["details"]
    # An old copy of the cookie still holds the state, but the provider spends each code once.
    replay = client.application.test_client()
    replay.set_cookie("acusight_session", stolen_cookie.value, path="/api/auth")
    error = assert_error(callback(replay, visit.callback_url), 401, "UNAUTHORIZED")
    assert "invalid_grant" in error["details"]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims_of(id_token: str) -> dict[str, Any]:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _resign(idp: IdP, **changes: Any) -> Callable[[str], str]:
    """An ID token with some claims changed, validly signed with the provider's own key."""

    def mutate(id_token: str) -> str:
        return jwt.encode({"alg": "RS256", "kid": KID}, {**_claims_of(id_token), **changes}, idp.key)

    return mutate


def _tampered(id_token: str) -> str:
    """The provider's signature on a payload someone edited."""
    header, _, signature = id_token.split(".")
    payload = _b64(json.dumps({**_claims_of(id_token), "email": "admin1@acme.test"}).encode())
    return f"{header}.{payload}.{signature}"


def _foreign_key(id_token: str) -> str:
    """Signed by a key the provider does not publish, under the provider's key id."""
    stranger = RSAKey.generate_key(2048, parameters={"kid": KID}, private=True)
    return jwt.encode({"alg": "RS256", "kid": KID}, _claims_of(id_token), stranger)


def _unsigned(id_token: str) -> str:
    header = _b64(json.dumps({"alg": "none"}).encode())
    return f"{header}.{_b64(json.dumps(_claims_of(id_token)).encode())}."


BAD_ID_TOKENS: dict[str, Callable[[IdP], Callable[[str], str]]] = {
    "tampered": lambda idp: _tampered,
    "unknown-key": lambda idp: _foreign_key,
    "alg-none": lambda idp: _unsigned,
    "garbage": lambda idp: lambda token: "not-a-jwt",
    "wrong-audience": lambda idp: _resign(idp, aud="someone-else"),
    "wrong-issuer": lambda idp: _resign(idp, iss="https://evil.example"),
    "expired": lambda idp: _resign(idp, exp=int(time.time()) - 600, iat=int(time.time()) - 1200),
    "wrong-nonce": lambda idp: _resign(idp, nonce="replayed-from-another-login"),
    "issued-in-future": lambda idp: _resign(idp, iat=int(time.time()) + 3600, exp=int(time.time()) + 7200),
    "no-subject": lambda idp: _resign(idp, sub=None),
}


@pytest.mark.parametrize("kind", list(BAD_ID_TOKENS))
def test_bad_id_token_is_refused(
    client: FlaskClient, app: Flask, idp: IdP, invite: Any, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The provider's real token response, with its ID token swapped on the way back."""
    admin = invite("alice@acme.test")
    mutate = BAD_ID_TOKENS[kind](idp)
    oidc_client = app.extensions["acusight.oidc"]
    real_fetch = oidc_client.fetch_access_token

    def intercepted(**kwargs: Any) -> dict[str, Any]:
        token = real_fetch(**kwargs)
        return {**token, "id_token": mutate(token["id_token"])}

    monkeypatch.setattr(oidc_client, "fetch_access_token", intercepted)
    resp = sign_in(client, "alice")
    error = assert_error(resp, 401, "UNAUTHORIZED")
    assert error["message"] == "Sign-in failed"
    expected = {"wrong-audience": "aud", "wrong-issuer": "iss", "expired": "expired", "wrong-nonce": "nonce"}
    assert expected.get(kind, "") in error["details"]
    assert db.session.query(User).count() == 1 and db.session.get(User, admin.id).last_login_at is None


def test_token_response_without_id_token_is_refused(
    client: FlaskClient, app: Flask, invite: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    invite("alice@acme.test")
    oidc_client = app.extensions["acusight.oidc"]
    real_fetch = oidc_client.fetch_access_token
    monkeypatch.setattr(
        oidc_client,
        "fetch_access_token",
        lambda **kw: {k: v for k, v in real_fetch(**kw).items() if k != "id_token"},
    )
    error = assert_error(sign_in(client, "alice"), 401, "UNAUTHORIZED")
    assert "no ID token" in error["details"]


# --- placement: invitations, domain rules, linking, refusals ------------------------------------


def test_uninvited_user_is_refused_with_a_clear_page(client: FlaskClient, make_user: Any) -> None:
    make_user("admin", "Acme")
    error = assert_error(sign_in(client, "bob"), 403, "FORBIDDEN")
    assert "bob@elsewhere.test has not been invited" in error["details"]

    page = sign_in(client, "bob", accept="text/html,application/xhtml+xml,*/*;q=0.8")
    assert page.status_code == 403 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "You cannot sign in to Acusight" in text and "has not been invited" in text
    assert 'href="/api/auth/login"' in text
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert db.session.query(User).filter_by(email="bob@elsewhere.test").count() == 0


def test_unverified_email_is_refused_even_when_invited(client: FlaskClient, invite: Any) -> None:
    invite("carol@acme.test")
    error = assert_error(sign_in(client, "carol"), 403, "FORBIDDEN")
    assert "verified" in error["details"]


def test_an_email_without_a_verified_claim_places_and_links_no_one(client: FlaskClient, invite: Any) -> None:
    """A provider that lets people type any email and says nothing of it must not take over the user
    made for that email, nor use their invitation."""
    invite("dave@acme.test")
    error = assert_error(sign_in(client, "dave"), 403, "FORBIDDEN")
    assert "does not vouch" in error["details"]
    # An admin made by the operator waits to be linked at their first sign-in with this email.
    admin = users.create(db.session, "dave@acme.test", "Acme", "admin")
    assert_error(sign_in(client, "dave"), 403, "FORBIDDEN")
    db.session.refresh(admin)
    assert admin.oidc_subject is None


def test_a_provider_the_operator_trusts_may_leave_the_claim_out(
    database_url: str, data_dir: Path, idp: IdP, invite: Any
) -> None:
    settings = oidc_settings(idp, oidc_trust_unverified_email=True)
    client = create_app({"data_dir": data_dir, "database_url": database_url, **settings}).test_client()
    invite("dave@acme.test", role="annotator")
    user = sign_in(client, "dave").get_json()["data"]["user"]
    assert (user["email"], user["role"]) == ("dave@acme.test", "annotator")
    # An explicit "not verified" is refused even then.
    invite("carol@acme.test")
    assert_error(sign_in(client, "carol"), 403, "FORBIDDEN")


def test_no_email_claim_is_refused(client: FlaskClient) -> None:
    error = assert_error(sign_in(client, "nomail"), 403, "FORBIDDEN")
    assert "did not share an email" in error["details"]


def test_expired_invitation_is_refused(client: FlaskClient, make_user: Any) -> None:
    admin = make_user("admin", "Acme")
    invitation = accounts.invite(db.session, admin.organization_id, "alice@acme.test", "viewer", admin, 7)
    invitation.expires_at -= timedelta(days=8)
    db.session.commit()
    error = assert_error(sign_in(client, "alice"), 403, "FORBIDDEN")
    assert "expired" in error["details"]


def test_domain_rule_places_a_new_user(client: FlaskClient, make_user: Any) -> None:
    make_user("admin", "BigCorp")
    accounts.add_domain_rule(db.session, "bigcorp.test", "BigCorp", "ml_engineer")
    db.session.commit()
    data = sign_in(client, "erin").get_json()["data"]
    assert data["user"]["organization"]["name"] == "BigCorp" and data["user"]["role"] == "ml_engineer"


def test_invitation_of_the_rules_organization_wins_over_its_rule(client: FlaskClient, invite: Any) -> None:
    invite("alice@acme.test", role="admin", org="Acme")
    accounts.add_domain_rule(db.session, "acme.test", "Acme", "viewer")
    db.session.commit()
    user = sign_in(client, "alice").get_json()["data"]["user"]
    assert (user["organization"]["name"], user["role"]) == ("Acme", "admin")


def test_no_other_organization_can_invite_into_a_ruled_domain(
    client: FlaskClient, invite: Any, make_user: Any
) -> None:
    """Invitation squatting: another organization's invitation to new.hire@<a ruled domain> is refused,
    and one made before the rule existed is never used; the hire lands where the domain's rule says."""
    squatter = invite("alice@acme.test", role="admin", org="Squatter")  # before any rule
    make_user("admin", "Acme")
    accounts.add_domain_rule(db.session, "acme.test", "Acme", "viewer")
    db.session.commit()
    with pytest.raises(Forbidden):
        accounts.invite(db.session, squatter.organization_id, "bob.new@acme.test", "admin", squatter, days=90)
    resp = client.post(
        "/api/users/invitations", json={"email": "x@acme.test", "role": "admin"}, headers=bearer(squatter)
    )
    assert "another organization" in assert_error(resp, 403, "FORBIDDEN")["message"]
    user = sign_in(client, "alice").get_json()["data"]["user"]
    assert (user["organization"]["name"], user["role"]) == ("Acme", "viewer")


def test_cli_created_user_is_linked_by_verified_email(client: FlaskClient, idp: IdP) -> None:
    existing = users.create(db.session, "alice@acme.test", "Acme", "admin")
    data = sign_in(client, "alice").get_json()["data"]
    assert data["user"]["id"] == existing.id and data["user"]["role"] == "admin"
    db.session.refresh(existing)
    assert (existing.oidc_issuer, existing.oidc_subject, existing.name) == (
        idp.issuer,
        "sub-alice",
        "Alice Example",
    )


def test_email_linked_to_another_account_is_refused_until_unlinked(
    client: FlaskClient, idp: IdP, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = users.create(db.session, "alice@acme.test", "Acme", "admin")
    existing.oidc_issuer, existing.oidc_subject = "https://old-provider.example", "old-subject"
    db.session.commit()
    error = assert_error(sign_in(client, "alice"), 403, "FORBIDDEN")
    assert "another account" in error["details"]

    # After a provider change the operator unlinks; the next sign-in links the new account.
    monkeypatch.setenv("ACUSIGHT_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("ACUSIGHT_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli_main, ["users", "unlink", "Alice@acme.test"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()  # the CLI changed the row through its own session
    resp = sign_in(client, "alice")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["data"]["user"]["id"] == existing.id
    db.session.refresh(existing)
    assert (existing.oidc_issuer, existing.oidc_subject) == (idp.issuer, "sub-alice")
    missing = CliRunner().invoke(cli_main, ["users", "unlink", "ghost@acme.test"])
    assert missing.exit_code == 1 and "No user" in missing.output


def test_disabled_user_cannot_sign_in(client: FlaskClient, invite: Any) -> None:
    invite("alice@acme.test")
    user_id = sign_in(client, "alice").get_json()["data"]["user"]["id"]
    db.session.get(User, user_id).disabled = True
    db.session.commit()
    error = assert_error(sign_in(client, "alice"), 403, "FORBIDDEN")
    assert "disabled" in error["details"]


# --- configuration and provider failures --------------------------------------------------------


def _client_with(database_url: str, data_dir: Path, **settings: Any) -> FlaskClient:
    return create_app({"data_dir": data_dir, "database_url": database_url, **settings}).test_client()


def test_login_without_configuration_is_503(database_url: str, data_dir: Path) -> None:
    client = _client_with(database_url, data_dir, oidc_issuer="")
    assert_error(client.get("/api/auth/login"), 503, "SERVICE_UNAVAILABLE")
    assert_error(client.get("/api/auth/callback?code=x&state=y"), 503, "SERVICE_UNAVAILABLE")


def test_unreachable_provider_is_503(database_url: str, data_dir: Path, idp: IdP) -> None:
    settings = oidc_settings(idp, oidc_issuer=f"http://127.0.0.1:{_free_port()}")
    error = assert_error(
        _client_with(database_url, data_dir, **settings).get("/api/auth/login"), 503, "SERVICE_UNAVAILABLE"
    )
    assert error["message"] == "The sign-in provider cannot be reached"


def test_discovery_naming_another_issuer_is_503(database_url: str, data_dir: Path, idp: IdP) -> None:
    # The same provider reached under another name: its discovery document names 127.0.0.1.
    settings = oidc_settings(idp, oidc_issuer=idp.issuer.replace("127.0.0.1", "localhost"))
    error = assert_error(
        _client_with(database_url, data_dir, **settings).get("/api/auth/login"), 503, "SERVICE_UNAVAILABLE"
    )
    assert "issuer" in error["details"]


def test_scopes_must_include_openid(database_url: str, data_dir: Path, idp: IdP) -> None:
    with pytest.raises(ValueError, match="openid"):
        create_app(
            {"data_dir": data_dir, "database_url": database_url, **oidc_settings(idp, oidc_scopes="email")}
        )


# --- the platform's tokens: refresh, logout, expiry ---------------------------------------------


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_refresh_rotates_and_each_refresh_token_works_once(client: FlaskClient, invite: Any) -> None:
    invite("alice@acme.test")
    tokens = sign_in(client, "alice").get_json()["data"]
    resp = client.post("/api/auth/refresh", headers=_auth(tokens["refresh_token"]))
    assert resp.status_code == 200, resp.get_json()
    fresh = resp.get_json()["data"]
    assert set(fresh) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert fresh["refresh_token"] != tokens["refresh_token"]
    assert client.get("/api/auth/me", headers=_auth(fresh["access_token"])).status_code == 200
    again = client.post("/api/auth/refresh", headers=_auth(fresh["refresh_token"]))
    assert again.status_code == 200, again.get_json()


def test_a_reused_refresh_token_revokes_its_whole_sign_in(client: FlaskClient, invite: Any) -> None:
    """A thief who refreshes first cannot keep renewing: when the owner's (now spent) copy comes back,
    every token of that sign-in stops, the thief's included; other sign-ins are untouched."""
    invite("alice@acme.test")
    stolen = sign_in(client, "alice").get_json()["data"]
    elsewhere = sign_in(client, "alice").get_json()["data"]
    thief = client.post("/api/auth/refresh", headers=_auth(stolen["refresh_token"])).get_json()["data"]
    assert client.get("/api/auth/me", headers=_auth(thief["access_token"])).status_code == 200
    error = assert_error(
        client.post("/api/auth/refresh", headers=_auth(stolen["refresh_token"])), 401, "UNAUTHORIZED"
    )
    assert "already used" in error["details"]
    assert_error(client.post("/api/auth/refresh", headers=_auth(thief["refresh_token"])), 401, "UNAUTHORIZED")
    assert_error(client.get("/api/auth/me", headers=_auth(thief["access_token"])), 401, "UNAUTHORIZED")
    assert_error(client.get("/api/auth/me", headers=_auth(stolen["access_token"])), 401, "UNAUTHORIZED")
    assert client.get("/api/auth/me", headers=_auth(elsewhere["access_token"])).status_code == 200
    assert client.post("/api/auth/refresh", headers=_auth(elsewhere["refresh_token"])).status_code == 200


def test_a_sign_in_ends_after_its_absolute_lifetime(client: FlaskClient, app: Flask, admin: User) -> None:
    """Refreshing slides each refresh token's expiry, never the sign-in's: it ends session_max after."""
    session_max = get_settings(app).session_max
    began = int(time.time() - session_max.total_seconds()) + 60  # a minute before the end
    late = issue_tokens(admin, session_of={"fam": "f" * 32, "auth_time": began})
    claims = decode_token(late["refresh_token"])
    assert claims["exp"] <= began + session_max.total_seconds() + 1 and claims["auth_time"] == began
    assert client.post("/api/auth/refresh", headers=_auth(late["refresh_token"])).status_code == 200
    over = issue_tokens(admin, session_of={"fam": "e" * 32, "auth_time": began - 120})
    error = assert_error(
        client.post("/api/auth/refresh", headers=_auth(over["refresh_token"])), 401, "UNAUTHORIZED"
    )
    assert "ended" in error["details"]


def test_disabling_a_user_kills_their_tokens_for_good(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any
) -> None:
    """Re-enabling the user does not revive the tokens they held before."""
    alice = make_user("viewer", email="alice@acme.test")
    held = issue_tokens(alice)
    for disabled in (True, False):
        resp = client.patch(f"/api/users/{alice.id}", json={"disabled": disabled}, headers=admin_headers)
        assert resp.status_code == 200, resp.get_json()
    assert_error(client.get("/api/auth/me", headers=_auth(held["access_token"])), 401, "UNAUTHORIZED")
    assert_error(client.post("/api/auth/refresh", headers=_auth(held["refresh_token"])), 401, "UNAUTHORIZED")
    # Tokens carry whole seconds: those issued from the second after the cut-off work.
    time.sleep(max(0.0, db.session.get(User, alice.id).tokens_valid_after.timestamp() - time.time()) + 0.01)
    fresh = issue_tokens(db.session.get(User, alice.id))
    assert client.get("/api/auth/me", headers=_auth(fresh["access_token"])).status_code == 200


def test_unlinking_a_user_kills_their_tokens(
    client: FlaskClient, invite: Any, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invite("alice@acme.test")
    tokens = sign_in(client, "alice").get_json()["data"]
    monkeypatch.setenv("ACUSIGHT_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("ACUSIGHT_DATABASE_URL", database_url)
    assert CliRunner().invoke(cli_main, ["users", "unlink", "alice@acme.test"]).exit_code == 0
    db.session.expire_all()
    assert_error(client.get("/api/auth/me", headers=_auth(tokens["access_token"])), 401, "UNAUTHORIZED")
    assert_error(
        client.post("/api/auth/refresh", headers=_auth(tokens["refresh_token"])), 401, "UNAUTHORIZED"
    )


def test_token_types_are_not_interchangeable(client: FlaskClient, admin: User) -> None:
    tokens = issue_tokens(admin)
    assert_error(client.post("/api/auth/refresh", headers=_auth(tokens["access_token"])), 401, "UNAUTHORIZED")
    assert_error(client.get("/api/auth/me", headers=_auth(tokens["refresh_token"])), 401, "UNAUTHORIZED")
    assert_error(client.post("/api/auth/refresh"), 401, "UNAUTHORIZED")


def test_expired_refresh_token_is_401(client: FlaskClient, admin: User) -> None:
    expired = create_refresh_token(identity=str(admin.id), expires_delta=timedelta(seconds=-10))
    error = assert_error(client.post("/api/auth/refresh", headers=_auth(expired)), 401, "UNAUTHORIZED")
    assert "expired" in error["details"].lower()


def test_disabled_users_refresh_token_stops_working(client: FlaskClient, admin: User) -> None:
    tokens = issue_tokens(admin)
    admin.disabled = True
    db.session.commit()
    assert_error(
        client.post("/api/auth/refresh", headers=_auth(tokens["refresh_token"])), 401, "UNAUTHORIZED"
    )
    assert_error(client.get("/api/auth/me", headers=_auth(tokens["access_token"])), 401, "UNAUTHORIZED")


def test_logout_revokes_both_tokens_across_restarts(
    client: FlaskClient, invite: Any, database_url: str, data_dir: Path, app: Flask
) -> None:
    invite("alice@acme.test")
    tokens = sign_in(client, "alice").get_json()["data"]
    resp = client.post(
        "/api/auth/logout",
        json={"refresh_token": tokens["refresh_token"]},
        headers=_auth(tokens["access_token"]),
    )
    assert resp.status_code == 204
    assert_error(client.get("/api/auth/me", headers=_auth(tokens["access_token"])), 401, "UNAUTHORIZED")
    assert_error(
        client.post("/api/auth/refresh", headers=_auth(tokens["refresh_token"])), 401, "UNAUTHORIZED"
    )
    # A new process on the same database and secret: the revocation is still there.
    restarted = create_app(
        {"data_dir": data_dir, "database_url": database_url, "secret_key": app.config["SECRET_KEY"]}
    ).test_client()
    assert_error(restarted.get("/api/auth/me", headers=_auth(tokens["access_token"])), 401, "UNAUTHORIZED")
    assert_error(
        restarted.post("/api/auth/refresh", headers=_auth(tokens["refresh_token"])), 401, "UNAUTHORIZED"
    )


def test_logout_without_refresh_token_ends_that_sign_in(client: FlaskClient, admin: User) -> None:
    tokens, other_device = issue_tokens(admin), issue_tokens(admin)
    assert client.post("/api/auth/logout", headers=_auth(tokens["access_token"])).status_code == 204
    assert_error(client.get("/api/auth/me", headers=_auth(tokens["access_token"])), 401, "UNAUTHORIZED")
    # Its refresh token belongs to the same sign-in: it stops too, though it was not sent.
    assert_error(
        client.post("/api/auth/refresh", headers=_auth(tokens["refresh_token"])), 401, "UNAUTHORIZED"
    )
    # Another sign-in (another device) stays signed in.
    assert client.post("/api/auth/refresh", headers=_auth(other_device["refresh_token"])).status_code == 200


def test_logout_refuses_someone_elses_refresh_token(client: FlaskClient, make_user: Any) -> None:
    me, other = make_user("admin"), make_user("viewer")
    theirs = issue_tokens(other)["refresh_token"]
    mine = issue_tokens(me)
    resp = client.post(
        "/api/auth/logout", json={"refresh_token": theirs}, headers=_auth(mine["access_token"])
    )
    assert_error(resp, 400, "VALIDATION_ERROR")
    resp = client.post(
        "/api/auth/logout", json={"refresh_token": "garbage"}, headers=_auth(mine["access_token"])
    )
    assert_error(resp, 400, "VALIDATION_ERROR")
    resp = client.post(
        "/api/auth/logout", json={"refresh_token": mine["access_token"]}, headers=_auth(mine["access_token"])
    )
    assert_error(resp, 400, "VALIDATION_ERROR")
    assert client.post("/api/auth/refresh", headers=_auth(theirs)).status_code == 200


def test_me_needs_a_token(client: FlaskClient, admin: User) -> None:
    assert_error(client.get("/api/auth/me"), 401, "UNAUTHORIZED")
    data = client.get("/api/auth/me", headers=bearer(admin)).get_json()["data"]
    assert data["email"] == admin.email and data["organization"]["name"] == "Acme"
