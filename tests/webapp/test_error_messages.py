"""Error messages say what to do and show nothing of the server: no paths, class names or tracebacks.

The scanner itself lives in tests/webapp/conftest.py (``leaks_in``, the autouse ``error_messages``
fixture): every error envelope of every test in tests/webapp goes through it.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt as pyjwt
import pytest
from flask.testing import FlaskClient
from flask_jwt_extended import create_access_token

from tests.conftest import bearer
from tests.helpers import assert_error
from tests.webapp.conftest import ErrorMessages, leaks_in
from webapp import auth, errors
from webapp.models import Base
from webapp.services import common, devices, provisioning

REPO = Path(__file__).resolve().parents[2]

# --- the scanner ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("cannot identify image file '/srv/acusight/var/blobs/.staging/upload-1f2e.part'", "a server path"),
        ("[Errno 2] No such file or directory: '/tmp/pytest-of-x/var/blobs/ab/cd'", "a server path"),
        ("could not open C:\\acusight\\var\\secret_key", "a server path"),
        ("error in /work/main/.venv/lib/python3.11/site-packages/PIL/Image.py", "a server path"),
        ("ExportJob 2 not found", "a class name of ours"),
        ("DatasetVersion 7 is queued", "a class name of ours"),
        ("<Image 4> has no file", "a class name of ours"),
        ("raised NotFound", "a class name of ours"),
        ('Traceback (most recent call last):\n  File "x", line 3, in f', "a traceback"),
        ("<urllib3.connection.HTTPConnection object at 0x7f00aa> refused", "a traceback"),
        ("(sqlite3.IntegrityError) UNIQUE constraint failed", "an exception's text"),
        ("UnidentifiedImageError: cannot identify image file", "an exception's text"),
    ],
)
def test_the_scanner_finds_each_kind_of_leak(text: str, what: str) -> None:
    assert any(leak.startswith(what) for leak in leaks_in(text)), leaks_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "Export job 2 not found",
        "Image 4 not found",
        "this route takes a person's token; a device's key, in X-Device-Key, opens /api/device/* only",
        "trade it at POST /api/auth/refresh",
        "File is not a valid JPEG, PNG or WebP image",
        "content type must be image/jpeg or text/csv",
        "Label Studio is unreachable at http://127.0.0.1:9/api/projects",
        "json.labels.0: Shorter than minimum length 1.",
    ],
)
def test_the_scanner_passes_plain_messages(text: str) -> None:
    assert leaks_in(text) == []


def test_every_model_and_exception_of_ours_counts_as_a_class_name() -> None:
    """The names come from the code (the mapped models and our exception classes), not from a list."""
    models = [mapper.class_ for mapper in Base.registry.mappers]
    assert len(models) > 10
    for cls in [*models, errors.AppError, *errors.AppError.__subclasses__()]:
        assert leaks_in(f"{cls.__name__}(1)"), cls.__name__


def test_a_planted_leak_is_caught(
    client: FlaskClient,
    admin_headers: dict[str, str],
    error_messages: ErrorMessages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fixture sees the API's real answers: put the class name back in the not-found message."""
    monkeypatch.setattr(common, "display_name", lambda model: model.__name__)
    resp = client.get("/api/ml/export-jobs/4242", headers=admin_headers)
    assert assert_error(resp, 404, "NOT_FOUND")["message"] == "ExportJob 4242 not found"
    leaks = error_messages.take_leaks()
    assert len(leaks) == 1 and "a class name of ours: 'ExportJob'" in leaks[0], leaks
    assert "GET /api/ml/export-jobs/4242 -> 404" in leaks[0]


def test_a_test_whose_errors_leak_fails(tmp_path: Path) -> None:
    """The fixture and the hook, in a pytest run of their own: the leaking test fails, the other passes."""
    (tmp_path / "conftest.py").write_text(
        "from tests.webapp.conftest import error_messages, pytest_runtest_call  # noqa: F401\n"
    )
    (tmp_path / "test_planted.py").write_text(
        textwrap.dedent(
            """
            from flask import Flask, jsonify

            def answer(message):
                app = Flask("planted")
                body = {"success": False, "error": {"code": "VALIDATION_ERROR", "message": message}}
                app.add_url_rule("/", "error", lambda: (jsonify(body), 400))
                return app.test_client().get("/")

            def test_leaks():
                assert answer("cannot read /srv/var/blobs/.staging/upload-1.part").status_code == 400

            def test_clean():
                assert answer("Image 4 not found").status_code == 400
            """
        )
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), "."],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "1 failed, 1 passed" in run.stdout, run.stdout + run.stderr
    assert "FAILED test_planted.py::test_leaks" in run.stdout
    assert "a server path: '/srv/var/blobs/.staging/upload-1.part'" in run.stdout


# --- not found: the API's nouns, not the code's classes ---------------------------------------------------


def test_every_model_has_a_noun_that_is_no_class_name() -> None:
    for mapper in Base.registry.mappers:
        message = f"{common.display_name(mapper.class_)} 2 not found"
        assert leaks_in(message) == [], message


@pytest.mark.parametrize(
    ("method", "path", "message"),
    [
        ("get", "/api/ml/export-jobs/2", "Export job 2 not found"),
        ("get", "/api/ml/models/2", "Model version 2 not found"),
        ("get", "/api/ml/schedules/2", "Training schedule 2 not found"),
        ("delete", "/api/provisioning-tokens/2", "Provisioning token 2 not found"),
        ("get", "/api/data/batches/2", "Batch 2 not found"),
    ],
)
def test_not_found_names_no_class(
    client: FlaskClient, admin_headers: dict[str, str], method: str, path: str, message: str
) -> None:
    resp = client.open(path, method=method.upper(), headers=admin_headers)
    assert assert_error(resp, 404, "NOT_FOUND")["message"] == message


# --- uploads ------------------------------------------------------------------------------------------------


def test_a_non_image_upload_shows_no_path(
    client: FlaskClient, admin_headers: dict[str, str], provision: Any
) -> None:
    key = provision(admin_headers)["api_key"]
    resp = client.post(
        "/api/device/images/upload",
        data={"file": (io.BytesIO(b"not an image, just text\n" * 50), "notes.png")},
        headers={"X-Device-Key": key},
        content_type="multipart/form-data",
    )
    error = assert_error(resp, 400, "VALIDATION_ERROR")
    assert error["message"] == "File is not a valid JPEG, PNG or WebP image"
    text = f"{error['message']} {error['details']}"
    assert leaks_in(text) == [] and "staging" not in text and ".part" not in text


# --- credentials: which one the route takes, and how to get it --------------------------------------------


def test_no_credentials_on_a_user_route(client: FlaskClient) -> None:
    error = assert_error(client.get("/api/organization"), 401, "UNAUTHORIZED")
    assert error["message"] == "No credentials"
    assert "Authorization: Bearer <token>" in error["details"]
    assert "acusight users token" in error["details"]
    assert "Missing Authorization Header" not in error["details"]


@pytest.mark.parametrize("how", ["X-Device-Key", "X-API-Key", "Bearer"])
def test_a_device_key_on_a_user_route(
    client: FlaskClient, admin_headers: dict[str, str], provision: Any, how: str
) -> None:
    key = provision(admin_headers)["api_key"]
    headers = {"Authorization": f"Bearer {key}"} if how == "Bearer" else {how: key}
    error = assert_error(client.get("/api/devices", headers=headers), 401, "UNAUTHORIZED")
    assert error["message"] == "A device key does not open this route"
    assert "takes a person's token, as Authorization: Bearer <token>" in error["details"]
    assert "/api/device/*" in error["details"]


@pytest.mark.parametrize("path", ["/api/device/self", "/api/device/images/upload"])
@pytest.mark.parametrize("how", ["Bearer", "X-Device-Key"])
def test_a_user_token_on_a_device_route(client: FlaskClient, admin: Any, path: str, how: str) -> None:
    token = bearer(admin)["Authorization"].split()[1]
    headers = {"Authorization": f"Bearer {token}"} if how == "Bearer" else {"X-Device-Key": token}
    resp = client.get(path, headers=headers) if path.endswith("self") else client.post(path, headers=headers)
    error = assert_error(resp, 401, "UNAUTHORIZED")
    assert error["message"] == "A person's token does not open this route"
    assert "takes a device's API key" in error["details"] and "X-Device-Key" in error["details"]


@pytest.mark.parametrize(
    ("headers", "message", "hint"),
    [
        ({}, "No device key", "X-Device-Key header"),
        ({"X-API-Key": "adk_x"}, "Send the device key in X-Device-Key", "not in X-API-Key"),
        ({"Authorization": "Bearer adk_x"}, "Send the device key in X-Device-Key", "not in Authorization"),
        ({"X-Device-Key": "adk_unknown"}, "Missing or invalid authentication", "unknown or disabled"),
        (
            {"Authorization": "Bearer ask_x"},
            "A service account's key does not open this route",
            "X-Device-Key",
        ),
        ({"X-Device-Key": "ask_x"}, "A service account's key does not open this route", "X-Device-Key"),
        ({"Authorization": "Bearer apt_x"}, "A provisioning token does not open this route", "provision"),
    ],
)
def test_device_routes_say_where_the_key_goes(
    client: FlaskClient, headers: dict[str, str], message: str, hint: str
) -> None:
    error = assert_error(client.get("/api/device/self", headers=headers), 401, "UNAUTHORIZED")
    assert error["message"] == message and hint in error["details"]


def test_a_provisioning_token_is_named_as_such(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    token = client.post("/api/provisioning-tokens", json={"name": "t"}, headers=admin_headers).get_json()[
        "data"
    ]["token"]
    for resp in (
        client.get("/api/devices", headers={"Authorization": f"Bearer {token}"}),
        client.get("/api/device/self", headers={"X-Device-Key": token}),
    ):
        error = assert_error(resp, 401, "UNAUTHORIZED")
        assert error["message"] == "A provisioning token does not open this route"
        assert "POST /api/devices/provision" in error["details"]


def test_a_token_signed_elsewhere_says_so(client: FlaskClient, admin: Any) -> None:
    claims = {"sub": str(admin.id), "type": "access", "fresh": False}
    foreign = pyjwt.encode(claims, "the secret key of another data dir, 32+ chars", "HS256")
    resp = client.get("/api/organization", headers={"Authorization": f"Bearer {foreign}"})
    error = assert_error(resp, 401, "UNAUTHORIZED")
    assert error["message"] == "The token was not signed by this server"
    assert "another data dir" in error["details"] and "acusight users token" in error["details"]
    assert "Signature verification failed" not in error["details"]


def test_an_expired_token_says_so(client: FlaskClient, admin: Any) -> None:
    token = create_access_token(identity=str(admin.id), expires_delta=timedelta(seconds=-10))
    error = assert_error(
        client.get("/api/organization", headers={"Authorization": f"Bearer {token}"}), 401, "UNAUTHORIZED"
    )
    assert error["message"] == "The token has expired"
    assert "POST /api/auth/refresh" in error["details"] and "acusight users token" in error["details"]


def test_the_wrong_kind_of_jwt_says_which_one_goes_where(client: FlaskClient, admin: Any) -> None:
    access = bearer(admin)
    error = assert_error(client.post("/api/auth/refresh", headers=access), 401, "UNAUTHORIZED")
    assert error["message"] == "Wrong kind of token" and "takes a refresh token" in error["details"]


@pytest.mark.parametrize(
    ("authorization", "message"),
    [("Bearer not.a.jwt", "The token is not valid"), ("Basic dXNlcjpwdw==", "Not a Bearer token")],
)
def test_an_unreadable_token_says_what_to_send(client: FlaskClient, authorization: str, message: str) -> None:
    resp = client.get("/api/organization", headers={"Authorization": authorization})
    error = assert_error(resp, 401, "UNAUTHORIZED")
    assert error["message"] == message
    assert "Authorization: Bearer" in error["details"] or "acusight users token" in error["details"]


def test_the_key_kinds_auth_names_are_the_ones_issued() -> None:
    assert auth.DEVICE_KEY_KIND == devices.KEY_KIND
    assert auth.PROVISIONING_TOKEN_KIND == provisioning.TOKEN_KIND


# --- failures of other services and of the disk: their causes in words -------------------------------------


def test_a_failed_call_is_described_without_the_exceptions_text() -> None:
    import requests

    try:
        requests.get("http://127.0.0.1:9/.well-known/openid-configuration", timeout=5)
    except requests.RequestException as exc:
        assert "NewConnectionError" in str(exc)  # what used to be the 503's details
        assert errors.describe_failure(exc) == "connection refused"
    assert errors.describe_failure(TimeoutError("timed out")) == "no answer in time"
    assert (
        errors.describe_failure(ValueError("<object at 0x1>"))
        == "the call failed (the server's log has the cause)"
    )


def test_an_unreadable_upload_names_no_file() -> None:
    from webapp.services import image_check

    failure = OSError(5, "Input/output error", "/srv/var/blobs/.staging/upload-1.part")
    reason = image_check._decode_reason(failure)
    assert leaks_in(reason) == [] and "staging" not in reason
    assert image_check._decode_reason(OSError("image file is truncated")) == "image file is truncated"
