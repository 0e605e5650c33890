"""User tokens and device keys: who may call what."""

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from flask_jwt_extended import create_access_token

from tests.conftest import bearer
from tests.helpers import assert_error
from webapp.extensions import db


@pytest.mark.parametrize(
    "header",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer not.a.jwt"},
        {"Authorization": "Basic dXNlcjpwdw=="},
    ],
    ids=["missing", "empty", "garbage", "wrong-scheme"],
)
def test_bad_user_tokens_are_401(client: FlaskClient, header: dict[str, str]) -> None:
    assert_error(client.get("/api/organization", headers=header), 401, "UNAUTHORIZED")


def test_expired_token_is_401(client: FlaskClient, admin: Any) -> None:
    token = create_access_token(identity=str(admin.id), expires_delta=timedelta(seconds=-10))
    resp = client.get("/api/organization", headers={"Authorization": f"Bearer {token}"})
    assert_error(resp, 401, "UNAUTHORIZED")


def test_token_signed_with_another_key_is_401(client: FlaskClient, admin: Any, app: Any) -> None:
    import jwt as pyjwt

    claims = {"sub": str(admin.id), "type": "access", "fresh": False}
    forged = pyjwt.encode(claims, "a guess at the secret key, 32+ bytes long", "HS256")
    resp = client.get("/api/organization", headers={"Authorization": f"Bearer {forged}"})
    assert_error(resp, 401, "UNAUTHORIZED")


def test_disabled_user_token_stops_working(client: FlaskClient, admin: Any) -> None:
    headers = bearer(admin)
    assert client.get("/api/organization", headers=headers).status_code == 200
    admin.disabled = True
    db.session.commit()
    assert_error(client.get("/api/organization", headers=headers), 401, "UNAUTHORIZED")


def test_device_key_is_not_a_user_token(
    client: FlaskClient, admin_headers: dict[str, str], provision: Any
) -> None:
    key = provision(admin_headers)["api_key"]
    error = assert_error(client.get("/api/devices", headers={"X-Device-Key": key}), 401, "UNAUTHORIZED")
    # Said as such, not as a missing header the caller did not know it needed.
    assert "X-Device-Key, opens /api/device/* only" in error["details"]
    resp = client.get("/api/devices", headers={"Authorization": f"Bearer {key}"})
    assert_error(resp, 401, "UNAUTHORIZED")


def test_user_token_is_not_a_device_key(client: FlaskClient, admin: Any) -> None:
    token = bearer(admin)["Authorization"].split()[1]
    assert_error(client.get("/api/device/self", headers={"X-Device-Key": token}), 401, "UNAUTHORIZED")
    resp = client.get("/api/device/self", headers=bearer(admin))
    assert_error(resp, 401, "UNAUTHORIZED")
