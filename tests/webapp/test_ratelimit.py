"""Optional rate limits: off by default; per device, user, service key or IP; 429 in the envelope."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import bearer
from tests.helpers import assert_error, service_headers
from webapp import create_app
from webapp.auth import issue_access_token, issue_tokens
from webapp.extensions import db
from webapp.services import service_accounts

REDIS_URI = "redis://127.0.0.1:6379"


@pytest.fixture
def limited_app(app: Flask, database_url: str, data_dir: Path) -> Iterator[Callable[..., Flask]]:
    """limited_app(limit, **settings): an app on the same database and data dir with rate limits on."""
    made: list[Flask] = []

    def _make(limit: str = "3/minute", **settings: Any) -> Flask:
        limited = create_app(
            {"data_dir": data_dir, "database_url": database_url, "rate_limit": limit, **settings}
        )
        limited.config["TESTING"] = True
        made.append(limited)
        return limited

    yield _make
    for limited in made:
        with limited.app_context():
            db.engine.dispose()


def test_off_by_default(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    for _ in range(30):
        resp = client.get("/api/organization", headers=admin_headers)
        assert resp.status_code == 200
    assert not [name for name, _ in resp.headers if name.lower().startswith(("x-ratelimit", "retry-after"))]
    assert (
        "429"
        not in client.get("/api/openapi.json").get_json()["paths"]["/api/organization"]["get"]["responses"]
    )


def test_over_the_limit_is_an_enveloped_429_with_retry_after(
    limited_app: Callable[..., Flask], admin_headers: dict[str, str], provision: Any
) -> None:
    key = provision(admin_headers, "RL-1")["api_key"]
    client = limited_app("3/minute").test_client()
    for _ in range(3):
        ok = client.get("/api/device/self", headers={"X-Device-Key": key})
        assert ok.status_code == 200, ok.get_json()
    refused = client.get("/api/device/self", headers={"X-Device-Key": key})
    error = assert_error(refused, 429, "RATE_LIMITED")
    assert "3 per 1 minute" in error["details"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-Content-Type-Options"] == "nosniff"


def test_each_caller_has_its_own_allowance(
    limited_app: Callable[..., Flask], make_user: Any, provision: Any
) -> None:
    admin = make_user("admin")
    other_user = make_user("viewer")
    headers = bearer(admin)
    first_key = provision(headers, "RL-A")["api_key"]
    second_key = provision(headers, "RL-B")["api_key"]
    _, service_key = service_accounts.create(db.session, "rl-flows")
    db.session.commit()  # services only flush; the limited app below reads it in its own session
    client = limited_app("2/minute").test_client()
    callers = {
        "device": ("/api/device/self", {"X-Device-Key": first_key}),
        "other device": ("/api/device/self", {"X-Device-Key": second_key}),
        "user": ("/api/organization", headers),
        "other user": ("/api/organization", bearer(other_user)),
        "service": ("/api/data/datasets", service_headers(service_key, admin.organization_id)),
    }
    for what, (url, caller) in callers.items():
        assert [client.get(url, headers=caller).status_code for _ in range(2)] == [200, 200], what
    for url, caller in callers.values():
        assert_error(client.get(url, headers=caller), 429, "RATE_LIMITED")
    # A second token of a limited user is the same user.
    assert_error(
        client.get("/api/organization", headers={"Authorization": f"Bearer {issue_access_token(admin)}"}),
        429,
        "RATE_LIMITED",
    )


def test_credentials_that_prove_nothing_count_against_the_address(limited_app: Callable[..., Flask]) -> None:
    client = limited_app("3/minute").test_client()
    attempts = [
        {"X-Device-Key": f"adk_{uuid.uuid4().hex}"},
        {"Authorization": f"Bearer ask_{uuid.uuid4().hex}"},
        {"Authorization": "Bearer not.a.jwt"},
    ]
    for headers in attempts:
        assert_error(client.get("/api/device/self", headers=headers), 401, "UNAUTHORIZED")
    # Fresh made-up keys get no fresh allowance: the address is out of it.
    assert_error(
        client.get("/api/device/self", headers={"X-Device-Key": f"adk_{uuid.uuid4().hex}"}),
        429,
        "RATE_LIMITED",
    )
    other_address = client.get("/api/openapi.json", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other_address.status_code == 200


def test_a_revoked_token_cannot_spend_its_users_allowance(
    limited_app: Callable[..., Flask], admin: Any, admin_headers: dict[str, str]
) -> None:
    """Whoever holds a logged-out token must not be able to lock its user out: it counts as nothing
    (against the address it comes from), not as the user."""
    client = limited_app("3/minute").test_client()
    stale = {"Authorization": f"Bearer {issue_tokens(admin)['access_token']}"}
    assert client.post("/api/auth/logout", headers=stale).status_code == 204
    away = {"REMOTE_ADDR": "198.51.100.9"}
    for _ in range(5):
        assert client.get("/api/organization", headers=stale, environ_base=away).status_code in (401, 429)
    assert client.get("/api/organization", headers=admin_headers).status_code == 200


def test_limits_are_documented_when_on(limited_app: Callable[..., Flask]) -> None:
    spec = limited_app("5/second").test_client().get("/api/openapi.json").get_json()
    for path in spec["paths"].values():
        for operation in (op for op in path.values() if isinstance(op, dict)):
            assert operation["responses"]["429"] == {"$ref": "#/components/responses/RATE_LIMITED"}
    assert "RATE_LIMITED" in spec["components"]["responses"]["RATE_LIMITED"]["description"]


@pytest.mark.parametrize("limit", ["lots", "5/fortnight", "per minute"])
def test_a_limit_that_means_nothing_is_refused_at_start(
    limited_app: Callable[..., Flask], limit: str
) -> None:
    with pytest.raises(ValueError, match="ACUSIGHT_RATE_LIMIT"):
        limited_app(limit)


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URI, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")
def test_replicas_share_counters_in_redis(limited_app: Callable[..., Flask]) -> None:
    replicas = [limited_app("4/minute", rate_limit_storage_uri=REDIS_URI) for _ in range(2)]
    # An address of its own per run: counters in Redis outlive the test.
    address = {
        "REMOTE_ADDR": f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    }
    statuses = [
        replicas[i % 2].test_client().get("/api/openapi.json", environ_base=address).status_code
        for i in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]


def test_unreachable_counter_storage_does_not_take_the_api_down(
    limited_app: Callable[..., Flask], admin_headers: dict[str, str]
) -> None:
    client = limited_app("1/minute", rate_limit_storage_uri="redis://127.0.0.1:9").test_client()
    assert [client.get("/api/organization", headers=admin_headers).status_code for _ in range(3)] == [200] * 3
