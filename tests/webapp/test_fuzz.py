"""Schemathesis against the app in-process: every documented operation, as a user and as a device.

Every response must be documented (status, content type, headers, body schema), in the envelope
(webapp/api/envelope/), and never a 5xx other than the documented 503 of flow-backed endpoints
without Prefect.
A few examples per operation here; ACUSIGHT_FUZZ_EXAMPLES raises it (docs/reliability.md).
"""

from __future__ import annotations

import fnmatch
import io
import itertools
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import bearer, empty_database, png_bytes
from webapp import create_app
from webapp.extensions import db
from webapp.models import Device, User
from webapp.services import users

MAX_EXAMPLES = int(os.environ.get("ACUSIGHT_FUZZ_EXAMPLES", "3"))


def _documented_api() -> dict[str, Any]:
    """The OpenAPI document, read from an app on a throwaway data dir (the tests run on their own)."""
    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app({"data_dir": data_dir, "database_url": "sqlite://"})
        spec: dict[str, Any] = app.test_client().get("/api/openapi.json").get_json()
    # A documented catch-all would accept any status: every status the API answers must be listed.
    for path in spec["paths"].values():
        for operation in path.values():
            if isinstance(operation, dict):
                operation.get("responses", {}).pop("default", None)
    return spec


# Generated requests per operation (not counting the follow-up probes of some checks), for the report.
_calls: Counter[str] = Counter()


@pytest.fixture(scope="module")
def fuzz_app(
    database_url: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Flask]:
    """One app for every operation (the state they leave is part of the fuzzing), Prefect unreachable."""
    from prefect.context import refresh_global_settings_context

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
        refresh_global_settings_context()
        app = create_app({"data_dir": tmp_path_factory.mktemp("fuzz"), "database_url": database_url})
        app.config["TESTING"] = True
        with app.app_context():
            yield app
            empty_database()
    refresh_global_settings_context()
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and _calls:
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nschemathesis: {sum(_calls.values())} generated requests over {len(_calls)} operations "
                f"(ACUSIGHT_FUZZ_EXAMPLES={MAX_EXAMPLES})"
            )


class Identities:
    """An admin and a device of one organization, made again when a fuzzed call disabled them."""

    def __init__(self, app: Flask) -> None:
        self.client = app.test_client()
        self.serials = itertools.count(1)
        self.admin_id: int | None = None
        self.device_id: int | None = None
        self.device_key = ""

    def user_headers(self) -> dict[str, str]:
        db.session.expire_all()
        admin = db.session.get(User, self.admin_id) if self.admin_id is not None else None
        if admin is None or admin.disabled or admin.role != "admin":
            admin = users.create(db.session, f"admin{next(self.serials)}@fuzz.test", "Fuzz", "admin")
            self.admin_id = admin.id
        return bearer(admin)

    def device_headers(self) -> dict[str, str]:
        headers = self.user_headers()
        device = db.session.get(Device, self.device_id) if self.device_id is not None else None
        if device is None or device.disabled:
            token = self.client.post(
                "/api/provisioning-tokens", json={"name": "fuzz"}, headers=headers
            ).get_json()["data"]["token"]
            body = self.client.post(
                "/api/devices/provision",
                json={"token": token, "serial_number": f"FUZZ-{next(self.serials)}", "name": "fuzz"},
            ).get_json()["data"]
            self.device_id = body["device"]["id"]
            self.device_key = body["api_key"]
        return {"X-Device-Key": self.device_key}

    def for_operation(self, security: list[dict[str, Any]] | None) -> dict[str, str]:
        schemes = {name for requirement in security or [] for name in requirement}
        if "deviceKey" in schemes:
            return self.device_headers()
        if "bearerAuth" in schemes:
            return self.user_headers()
        return {}


# The identities of the running module, for the auth provider schemathesis instantiates itself.
_current: list[Identities] = []


@pytest.fixture(scope="module")
def identities(fuzz_app: Flask) -> Iterator[Identities]:
    _current.append(Identities(fuzz_app))
    _seed(_current[-1])
    yield _current[-1]
    _current.pop()


def _seed(who: Identities) -> None:
    """Records for the lists to show (their items are checked against the documented schemas too)."""
    client, headers = who.client, who.user_headers()

    def post(url: str, **kwargs: Any) -> dict[str, Any]:
        resp = client.post(url, headers={**headers, **kwargs.pop("headers", {})}, **kwargs)
        assert resp.status_code in (200, 201), (url, resp.get_json())
        return dict(resp.get_json()["data"])

    pets = post("/api/data/projects", json={"name": "pets", "labels": ["cat", "dog"]})
    cars = post("/api/data/projects", json={"name": "cars", "task_type": "detection", "labels": ["car"]})
    for n, project in enumerate((pets, cars)):
        token = post("/api/provisioning-tokens", json={"name": f"seed {n}", "project_id": project["id"]})
        key = client.post(
            "/api/devices/provision",
            json={"token": token["token"], "serial_number": f"SEED-{n}", "name": f"seed {n}"},
        ).get_json()["data"]["api_key"]
        post(
            "/api/device/checkin",
            json={"battery_pct": 50, "metrics": {"fps": 12}},
            headers={"X-Device-Key": key},
        )
        image = post(
            "/api/device/images/upload",
            data={"file": (io.BytesIO(png_bytes(n, size=32)), f"seed{n}.png"), "metadata": '{"lux": 3}'},
            headers={"X-Device-Key": key},
            content_type="multipart/form-data",
        )
        label = (
            {"label": "cat"}
            if project is pets
            else {"boxes": [{"label": "car", "x": 0.1, "y": 0.2, "width": 0.3, "height": 0.4}]}
        )
        post("/api/data/annotations", json={"image_id": image["id"], **label})


def _documented_file(case: Any, content_type: str) -> bool:
    """Whether the operation documents this non-JSON content type (``image/*`` covers ``image/png``)."""
    media = content_type.split(";")[0].strip()
    documented = {
        kind
        for response in case.operation.definition.raw.get("responses", {}).values()
        if isinstance(response, dict)
        for kind in response.get("content", {})
    }
    return media != "application/json" and any(fnmatch.fnmatch(media, kind) for kind in documented)


def envelope(ctx: Any, response: Any, case: Any) -> bool | None:
    """The envelope: {"success": true, "data": ...} or {"success": false, "error": {...}}."""
    content_type = response.headers.get("content-type", [""])[0]
    if response.request.method in ("HEAD", "OPTIONS"):
        return None  # Allow headers and no body, by HTTP's rules
    if response.status_code in (204, 302, 304):
        return None
    attachment = response.headers.get("content-disposition", [""])[0].startswith("attachment")
    if response.status_code < 400 and (attachment or _documented_file(case, content_type)):
        return None  # a download (image, CSV, COCO JSON, archive, ONNX): the file is the answer
    assert content_type.startswith("application/json"), f"not JSON: {content_type}"
    body = response.json()
    assert isinstance(body, dict), "the body is not a JSON object"
    if response.status_code < 400:
        assert body.get("success") is True and "data" in body, "success without the envelope"
    else:
        assert body.get("success") is False, "error without success: false"
        error = body.get("error")
        assert isinstance(error, dict), "error without an error object"
        assert isinstance(error.get("code"), str) and error["code"].isupper(), "error code"
        assert isinstance(error.get("message"), str) and error["message"], "error message"
    return None


def no_server_error(ctx: Any, response: Any, case: Any) -> bool | None:
    """No 5xx, except the 503 an operation documents (Prefect or OpenID Connect not configured here)."""
    status = response.status_code
    if status >= 500:
        documented = str(status) in case.operation.definition.raw.get("responses", {})
        assert status == 503 and documented, f"server error {status}: {response.text[:500]}"
        assert response.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    return None


schema = schemathesis.openapi.from_dict(_documented_api())


@schema.auth(refresh_interval=None)
class FuzzAuth:
    """Real credentials for the scheme each operation names; schemathesis leaves them out to test 401s."""

    def get(self, case: Any, ctx: Any) -> dict[str, str] | None:
        if not _current:
            return None  # collecting: the credentials exist only once the test runs
        return _current[-1].for_operation(case.operation.definition.raw.get("security"))

    def set(self, case: Any, data: dict[str, str], ctx: Any) -> None:
        case.headers = {**(case.headers or {}), **data}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api(case: Any, fuzz_app: Flask, identities: Identities) -> None:
    # The follow-up probes some checks send (no auth, other methods) go to the schema's app.
    case.operation.schema.app = case.operation.app = fuzz_app
    _calls[case.operation.label] += 1
    case.call_and_validate(
        additional_checks=[envelope, no_server_error],
        # Replaced by no_server_error above; and valid-looking data may still be refused by rules no
        # schema states (an image's bytes, JSON inside a form field, fields that exclude each other).
        excluded_checks=[not_a_server_error, positive_data_acceptance],
    )
