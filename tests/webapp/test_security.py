"""Security headers on every kind of response, and secrets that are never stored as they were issued."""

from __future__ import annotations

import base64
import hashlib
import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import bearer, png_bytes
from tests.helpers import service_headers
from webapp import create_app
from webapp.auth import issue_tokens
from webapp.extensions import db
from webapp.models import Base
from webapp.security import API_POLICY
from webapp.services import service_accounts

COMMON = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}


def assert_common_headers(resp: Any) -> None:
    for name, value in COMMON.items():
        assert resp.headers.get(name) == value, (resp.request.path, name, resp.headers.get(name))


@pytest.fixture
def uploaded(client: FlaskClient, admin_headers: dict[str, str], provision: Any) -> dict[str, Any]:
    key = provision(admin_headers, "HDR-1")["api_key"]
    resp = client.post(
        "/api/device/images/upload",
        data={"file": (io.BytesIO(png_bytes(7)), "a.png")},
        headers={"X-Device-Key": key},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.get_json()
    return {"key": key, "image": resp.get_json()["data"]}


def test_every_kind_of_response_carries_the_headers(
    client: FlaskClient, admin_headers: dict[str, str], uploaded: dict[str, Any]
) -> None:
    image_id = uploaded["image"]["id"]
    file_url = f"/api/data/images/{image_id}/file"
    etag = client.get(file_url, headers=admin_headers).headers["ETag"]
    responses = {
        "json": client.get("/api/organization", headers=admin_headers),
        "list": client.get("/api/devices", headers=admin_headers),
        "device": client.get("/api/device/self", headers={"X-Device-Key": uploaded["key"]}),
        "created": client.post(
            "/api/data/projects", json={"name": "p", "labels": ["a"]}, headers=admin_headers
        ),
        "missing": client.delete("/api/provisioning-tokens/999999", headers=admin_headers),
        "401": client.get("/api/organization"),
        "404": client.get("/api/no-such-route"),
        "405": client.put("/api/organization"),
        "400": client.post("/api/devices/provision", data=b"{", content_type="application/json"),
        "file": client.get(file_url, headers=admin_headers),
        "304": client.get(file_url, headers={**admin_headers, "If-None-Match": etag}),
        "openapi": client.get("/api/openapi.json"),
    }
    assert responses["file"].status_code == 200 and responses["304"].status_code == 304
    for kind, resp in responses.items():
        assert_common_headers(resp)
        assert resp.headers["Content-Security-Policy"] == API_POLICY, kind
        assert "Strict-Transport-Security" not in resp.headers, kind  # plain HTTP


def test_json_policy_forbids_everything() -> None:
    directives = dict(d.strip().split(" ", 1) for d in API_POLICY.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_swagger_ui_policy_allows_its_assets_and_only_its_own_inline_script(client: FlaskClient) -> None:
    resp = client.get("/api/docs")
    assert resp.status_code == 200
    assert_common_headers(resp)
    policy = dict(d.strip().split(" ", 1) for d in resp.headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    scripts = policy["script-src"].split()
    assert "'self'" in scripts and "'unsafe-inline'" not in scripts
    assert not [src for src in scripts if src.startswith(("http:", "https:"))], (
        "no other host may serve scripts"
    )
    inline = re.findall(rb"<script>(.*?)</script>", resp.data, re.DOTALL)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0]).digest()).decode()
    assert f"'sha256-{digest}'" in scripts
    # The page loads the document and its own assets from this API, nothing from another host.
    assert policy["connect-src"] == "'self'"
    assert policy["style-src"].split()[0] == "'self'"
    assets = [src.decode() for src in re.findall(rb'(?:src|href)="([^"]+)"', resp.data)]
    assert assets and all(src.startswith("/api/docs/assets/") for src in assets), assets
    for src in assets:
        asset = client.get(src)
        assert asset.status_code == 200 and asset.mimetype in ("text/javascript", "text/css"), src
    assert client.get("/api/docs/assets/../__init__.py").status_code == 404


def test_hsts_only_over_https(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/api/openapi.json").headers
    secure = client.get("/api/openapi.json", base_url="https://api.example.test")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    # Without a trusted proxy, a client's own X-Forwarded-Proto changes nothing.
    forged = client.get("/api/openapi.json", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in forged.headers


@pytest.fixture
def proxied_app(app: Flask, database_url: str, data_dir: Path) -> Flask:
    """The same database and data dir behind one trusted reverse proxy (``app`` cleans up)."""
    proxied = create_app({"data_dir": data_dir, "database_url": database_url, "proxy_hops": 1})
    proxied.config["TESTING"] = True
    return proxied


def test_behind_a_trusted_proxy_its_https_and_client_address_count(proxied_app: Flask) -> None:
    seen: list[str | None] = []

    @proxied_app.route("/api/_whoami")
    def whoami() -> dict[str, Any]:
        from flask import request

        seen.append(request.remote_addr)
        return {"success": True, "data": request.scheme}

    client = proxied_app.test_client()
    resp = client.get(
        "/api/_whoami", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    )
    assert resp.get_json()["data"] == "https" and seen == ["203.0.113.9"]
    assert resp.headers["Strict-Transport-Security"] == "max-age=31536000"
    plain = client.get("/api/_whoami")
    assert plain.get_json()["data"] == "http" and "Strict-Transport-Security" not in plain.headers


# --- secrets: only hashes are kept -------------------------------------------------------------------


def _everything_stored(data_dir: Path) -> str:
    """Every value of every row of every table, and every file of the data dir but the secret key."""
    parts = []
    for table in Base.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            parts.extend(repr(value) for value in row)
    for path in data_dir.rglob("*"):
        if path.is_file() and path.name != "secret_key":
            parts.append(path.read_bytes().decode("latin-1"))
    return "\n".join(parts)


def test_issued_secrets_are_stored_only_as_hashes(
    client: FlaskClient, admin: Any, provision: Any, data_dir: Path
) -> None:
    headers = bearer(admin)
    token = client.post("/api/provisioning-tokens", json={"name": "t", "max_uses": 5}, headers=headers)
    token_value = token.get_json()["data"]["token"]
    device_key = provision(headers, "SECRET-1")["api_key"]
    _, service_key = service_accounts.create(db.session, "flows")
    _, rotated_key = service_accounts.rotate(db.session, "flows")
    assert (
        client.get(
            "/api/data/datasets", headers=service_headers(rotated_key, admin.organization_id)
        ).status_code
        == 200
    )
    tokens = issue_tokens(admin)
    refreshed = client.post(
        "/api/auth/refresh", headers={"Authorization": f"Bearer {tokens['refresh_token']}"}
    )
    assert refreshed.status_code == 200, refreshed.get_json()
    pair = refreshed.get_json()["data"]
    logout = client.post(
        "/api/auth/logout",
        json={"refresh_token": pair["refresh_token"]},
        headers={"Authorization": f"Bearer {pair['access_token']}"},
    )
    assert logout.status_code == 204
    issued = {
        "provisioning token": token_value,
        "device key": device_key,
        "service key": service_key,
        "rotated service key": rotated_key,
        "refresh token": tokens["refresh_token"],
        "rotated refresh token": pair["refresh_token"],
        "access token": pair["access_token"],
    }
    stored = _everything_stored(data_dir)
    for what, value in issued.items():
        # The lookup prefix (type marker and 12 characters) is public by design; nothing past it is kept.
        secret_part = value[len(value) // 2 :]
        assert secret_part not in stored, what
    # The keys that unlock something are found by their hash.
    for value in (token_value, device_key, rotated_key):
        assert hashlib.sha256(value.encode()).hexdigest() in stored
