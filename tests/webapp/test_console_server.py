"""The server's part of the web console: its pages and assets, sign-in links, signed image URLs.

The console itself (the pages in a browser) is tested in tests/console.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import bearer
from tests.helpers import assert_error, service_headers
from webapp.console import POLICY
from webapp.errors import ValidationError
from webapp.extensions import db
from webapp.models import LoginLink, User, utcnow
from webapp.services import image_urls, login_links, service_accounts
from webapp.unit_of_work import unit_of_work


def _link(user: User, ttl: timedelta = login_links.DEFAULT_TTL, **kw: Any) -> str:
    with unit_of_work(db.session):
        return login_links.issue(db.session, user, ttl, **kw)


# --- pages and assets -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/fleet", "/devices/3", "/images/12", "/training/4"])
def test_console_paths_answer_the_app_page_under_a_strict_policy(client: FlaskClient, path: str) -> None:
    resp = client.get(path)
    assert resp.status_code == 200
    assert resp.mimetype == "text/html"
    assert b'src="/assets/' in resp.data
    policy = resp.headers["Content-Security-Policy"]
    assert policy == POLICY
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy and "http" not in policy
    assert resp.headers["X-Frame-Options"] == "DENY"


def test_console_assets_are_served_from_the_package_and_nothing_else(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    scripts = [part.split('"')[0] for part in page.split('src="')[1:]]
    assert scripts, page
    for src in scripts:
        assert src.startswith("/assets/"), src  # nothing from another host
        resp = client.get(src)
        assert resp.status_code == 200, src
        assert resp.headers["Content-Security-Policy"] == POLICY
        assert "no-cache" in resp.headers["Cache-Control"]
    for escape in ("/assets/../__init__.py", "/assets/%2e%2e/__init__.py", "/assets/nothing.js"):
        assert client.get(escape).status_code == 404, escape


def test_paths_under_api_and_file_names_keep_the_envelope_404(client: FlaskClient) -> None:
    for path in ("/api", "/api/nothing", "/api/data/nothing/7", "/favicon.ico", "/robots.txt"):
        resp = client.get(path)
        assert_error(resp, 404, "NOT_FOUND")
    # Only GET: the console's paths take nothing else.
    assert client.post("/fleet").status_code == 405
    # No API path is a console path too: its Allow header lists the API's methods alone.
    allow = client.options("/api/auth/login-link").headers["Allow"]
    assert "GET" not in allow and "POST" in allow


# --- sign-in methods and links ---------------------------------------------------------------------


def test_sign_in_methods_say_whether_oidc_is_set_up(client: FlaskClient) -> None:
    resp = client.get("/api/auth/methods")
    assert resp.status_code == 200
    assert resp.get_json()["data"] == {"oidc": False, "login_link": True}


def test_a_login_link_signs_in_once(client: FlaskClient, make_user: Any) -> None:
    user = make_user("viewer")
    secret = _link(user)
    assert secret.startswith("alk_")
    with db.engine.connect() as conn:  # only the prefix and a hash are kept
        assert secret not in repr(conn.execute(LoginLink.__table__.select()).all())
    resp = client.post("/api/auth/login-link", json={"token": secret})
    assert resp.status_code == 200, resp.get_json()
    tokens = resp.get_json()["data"]
    assert tokens["user"]["email"] == user.email and tokens["user"]["organization"]["name"] == "Acme"
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 200 and me.get_json()["data"]["id"] == user.id
    refreshed = client.post(
        "/api/auth/refresh", headers={"Authorization": f"Bearer {tokens['refresh_token']}"}
    )
    assert refreshed.status_code == 200
    # The second use of the same link: refused, and nothing is issued.
    again = assert_error(client.post("/api/auth/login-link", json={"token": secret}), 401, "UNAUTHORIZED")
    assert "already used" in again["details"]


def test_login_links_that_must_not_work(client: FlaskClient, make_user: Any) -> None:
    user = make_user("admin")
    expired = _link(user, now=utcnow() - timedelta(minutes=20))
    body = assert_error(client.post("/api/auth/login-link", json={"token": expired}), 401, "UNAUTHORIZED")
    assert "expired" in body["details"]
    good = _link(user)
    forged = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")  # right prefix, wrong secret
    for token in (forged, "alk_nothing", "x"):
        body = assert_error(client.post("/api/auth/login-link", json={"token": token}), 401, "UNAUTHORIZED")
        assert "unknown" in body["details"]
    for bad in ({}, {"token": ""}, {"token": 7}, {"token": "a" * 500}):
        assert_error(client.post("/api/auth/login-link", json=bad), 400, "VALIDATION_ERROR")
    # A user disabled after the link was made cannot use it.
    with unit_of_work(db.session):
        db.session.get(User, user.id).disabled = True
    assert_error(client.post("/api/auth/login-link", json={"token": good}), 401, "UNAUTHORIZED")


def test_a_new_link_drops_the_users_spent_and_expired_ones(app: Flask, make_user: Any) -> None:
    user = make_user("viewer")
    _link(user, now=utcnow() - timedelta(hours=1))
    live = _link(user)
    _link(user)
    prefixes = set(db.session.scalars(select(LoginLink.prefix).where(LoginLink.user_id == user.id)))
    assert len(prefixes) == 2 and live[: len(next(iter(prefixes)))] in prefixes


def test_link_lifetimes_are_bounded(make_user: Any) -> None:
    user = make_user("viewer")
    for ttl in (timedelta(seconds=10), timedelta(days=2)):
        with pytest.raises(ValidationError, match="1 minute to 24 hours"):
            login_links.issue(db.session, user, ttl)


# --- signed image URLs ---------------------------------------------------------------------------------


def _project_images(
    client: FlaskClient, labeled_project: Any, headers: dict[str, str]
) -> list[dict[str, Any]]:
    project = labeled_project(headers, n=3)
    resp = client.get(f"/api/data/images?project_id={project['project_id']}", headers=headers)
    assert resp.status_code == 200
    return list(resp.get_json()["data"])


def test_a_users_image_listing_carries_signed_urls_that_open_without_credentials(
    client: FlaskClient, labeled_project: Any, admin_headers: dict[str, str]
) -> None:
    images = _project_images(client, labeled_project, admin_headers)
    image = images[0]
    original = client.get(image["file_url"], headers=admin_headers).data
    resp = client.get(image["signed_file_url"])  # no Authorization header
    assert resp.status_code == 200 and resp.data == original
    assert resp.headers["Cache-Control"].startswith("private") or "private" in resp.headers["Cache-Control"]
    thumb = client.get(image["signed_thumbnail_url"])
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    # The same URL for the same image within a few minutes: browsers cache it.
    again = client.get(f"/api/data/images/{image['id']}", headers=admin_headers).get_json()["data"]
    assert again["signed_thumbnail_url"] == image["signed_thumbnail_url"]


def test_signed_urls_that_must_not_open(
    app: Flask, client: FlaskClient, labeled_project: Any, make_user: Any, admin: User
) -> None:
    images = _project_images(client, labeled_project, bearer(admin))
    url = images[0]["signed_file_url"]
    path, query = urlsplit(url).path, dict(parse_qsl(urlsplit(url).query))
    tampered = [
        {**query, "sig": query["sig"][:-2] + "xx"},
        {**query, "variant": "thumbnail"},  # signed for the file
        {**query, "u": str(int(query["u"]) + 1)},
        {**query, "exp": str(int(query["exp"]) + 300)},
    ]
    for args in tampered:
        assert_error(client.get(path, query_string=args), 401, "UNAUTHORIZED")
    other_image = images[1]["id"]
    assert_error(client.get(f"/api/data/images/{other_image}/view", query_string=query), 401, "UNAUTHORIZED")
    # Expired: a correct signature for a time past.
    past = int((utcnow() - timedelta(seconds=1)).timestamp())
    expired = {**query, "exp": past, "sig": image_urls.signature(admin.id, images[0]["id"], "file", past)}
    body = assert_error(client.get(path, query_string=expired), 401, "UNAUTHORIZED")
    assert "expired" in body["details"]
    # Another organization's user, however validly signed: refused.
    stranger = make_user("admin", org="Elsewhere")
    foreign = dict(parse_qsl(urlsplit(image_urls.signed_url(stranger, images[0]["id"], "file")).query))
    assert_error(client.get(path, query_string=foreign), 401, "UNAUTHORIZED")
    # Missing or malformed arguments: 400, nothing served.
    for args in ({}, {**query, "variant": "raw"}, {**query, "u": "-1"}, {**query, "u": str(2**40)}):
        assert_error(client.get(path, query_string=args), 400, "VALIDATION_ERROR")
    # The URL's user disabled: its URLs stop working at once.
    with unit_of_work(db.session):
        db.session.get(User, admin.id).disabled = True
    assert_error(client.get(url), 401, "UNAUTHORIZED")


def test_service_accounts_get_no_signed_urls(
    client: FlaskClient, labeled_project: Any, admin: User, admin_headers: dict[str, str]
) -> None:
    _project_images(client, labeled_project, admin_headers)
    with unit_of_work(db.session):
        _, key = service_accounts.create(db.session, "worker")
    resp = client.get("/api/data/images", headers=service_headers(key, admin.organization_id))
    assert resp.status_code == 200, resp.get_json()
    image = resp.get_json()["data"][0]
    assert image["signed_file_url"] is None and image["signed_thumbnail_url"] is None
    assert image["file_url"].endswith("/file")
