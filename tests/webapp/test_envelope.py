"""The envelope (webapp/api/envelope/) on every kind of response, and the OpenAPI document."""

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.helpers import assert_error


def test_unknown_route_is_enveloped_404(client: FlaskClient) -> None:
    assert_error(client.get("/api/no-such-thing"), 404, "NOT_FOUND")


def test_wrong_method_is_enveloped_405(client: FlaskClient) -> None:
    resp = client.put("/api/organization")
    assert_error(resp, 405, "METHOD_NOT_ALLOWED")
    assert "GET" in resp.headers["Allow"]


def test_validation_is_400_not_422_with_field_details(client: FlaskClient) -> None:
    error = assert_error(client.post("/api/devices/provision", json={}), 400, "VALIDATION_ERROR")
    assert "serial_number" in error["details"]
    assert set(error["fields"]) == {"token", "serial_number", "name"}


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'"a string"', b"\xff\xfe"],
    ids=["malformed", "array", "string", "bad-utf8"],
)
def test_malformed_json_bodies(client: FlaskClient, body: bytes) -> None:
    resp = client.post("/api/devices/provision", data=body, headers={"Content-Type": "application/json"})
    assert_error(resp, 400, "VALIDATION_ERROR")


def test_unknown_fields_are_rejected(client: FlaskClient) -> None:
    resp = client.post(
        "/api/devices/provision",
        json={"token": "apt_x", "serial_number": "s", "name": "n", "admin": True},
    )
    error = assert_error(resp, 400, "VALIDATION_ERROR")
    assert "admin" in error["fields"]


def test_oversized_body_is_enveloped_413(client: FlaskClient, app: Any) -> None:
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    resp = client.post("/api/devices/provision", data=big, headers={"Content-Type": "application/json"})
    assert_error(resp, 413, "PAYLOAD_TOO_LARGE")


def test_unhandled_error_is_enveloped_500_without_trace(app: Any) -> None:
    @app.route("/api/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.config["TESTING"] = False
    resp = app.test_client().get("/api/boom")
    error = assert_error(resp, 500, "INTERNAL_ERROR")
    assert "secret internals" not in resp.get_data(as_text=True)
    assert "Traceback" not in resp.get_data(as_text=True)
    assert error["message"] == "Internal server error"


def test_security_headers(client: FlaskClient) -> None:
    resp = client.get("/api/openapi.json")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"


def test_openapi_documents_envelope_and_both_auth_schemes(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert schemes["deviceKey"]["name"] == "X-Device-Key"
    get_devices = spec["paths"]["/api/devices"]["get"]
    assert get_devices["security"] == [{"bearerAuth": []}]
    assert {"200", "401", "403"} <= set(get_devices["responses"])
    page_schema = get_devices["responses"]["200"]["content"]["application/json"]["schema"]
    ref = page_schema["$ref"].rsplit("/", 1)[-1]
    assert set(spec["components"]["schemas"][ref]["properties"]) == {"success", "data", "meta"}
    assert spec["paths"]["/api/device/self"]["get"]["security"] == [{"deviceKey": []}]
    assert "security" not in spec["paths"]["/api/devices/provision"]["post"]


def test_swagger_ui_is_served(client: FlaskClient) -> None:
    resp = client.get("/api/docs")
    assert resp.status_code == 200
    assert b"swagger" in resp.data.lower()


@pytest.mark.parametrize("query", ["per_page=101", "per_page=0", "page=0", "page=abc"])
def test_pagination_bounds(client: FlaskClient, admin_headers: dict[str, str], query: str) -> None:
    assert_error(client.get(f"/api/devices?{query}", headers=admin_headers), 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/ml/export-jobs/4242", "Export job 4242 not found"),
        ("/api/ml/training-jobs/4242", "Training job 4242 not found"),
        ("/api/data/datasets/4242", "Dataset version 4242 not found"),
    ],
)
def test_not_found_names_records_in_the_apis_words(
    client: FlaskClient, admin_headers: dict[str, str], path: str, message: str
) -> None:
    """Not the code's class names ("ExportJob 4242 not found")."""
    assert assert_error(client.get(path, headers=admin_headers), 404, "NOT_FOUND")["message"] == message
