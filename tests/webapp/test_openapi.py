"""The OpenAPI document as client generators read it: valid, every operation named, service routes marked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from webapp.auth import SERVICE_ONLY_EXTENSION

pytestmark = pytest.mark.database_independent

METHODS = ("get", "post", "put", "patch", "delete")


def _operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


@pytest.fixture
def spec(client: FlaskClient) -> dict[str, Any]:
    return client.get("/api/openapi.json").get_json()


def test_the_document_is_valid_openapi(spec: dict[str, Any]) -> None:
    validate(spec)


def test_every_operation_has_a_unique_camel_case_operation_id_and_a_tag(spec: dict[str, Any]) -> None:
    operations = _operations(spec)
    ids = [operation.get("operationId") for operation in operations.values()]
    assert all(ids), [key for key, op in operations.items() if "operationId" not in op]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)+|[a-z]+", name) for name in ids), ids
    # Pinned: generated clients (sdk/) name their methods after these.
    assert operations[("GET", "/api/devices")]["operationId"] == "listDevices"
    assert operations[("POST", "/api/device/images/upload")]["operationId"] == "uploadImage"
    assert operations[("POST", "/api/ml/training-jobs")]["operationId"] == "createTrainingJob"
    declared = {tag["name"] for tag in spec["tags"]}
    for key, operation in operations.items():
        assert operation.get("tags") and set(operation["tags"]) <= declared, key


def test_routes_only_the_platforms_workers_call_are_marked(spec: dict[str, Any]) -> None:
    marked = {key for key, op in _operations(spec).items() if op.get(SERVICE_ONLY_EXTENSION)}
    assert ("GET", "/api/ml/drift-targets") in marked  # service_required
    assert ("POST", "/api/ml/export-jobs/{job_id}/artifact") in marked  # a worker's upload
    assert ("PATCH", "/api/ml/training-jobs/{job_id}") in marked
    assert ("GET", "/api/ml/training-jobs/{job_id}") not in marked  # people read it too
    assert not {key for key in marked if key[1].startswith("/api/device/")}
    assert all(
        key in marked
        for key in _operations(spec)
        if key[1].startswith("/api/integrations/label-studio/") and not key[1].endswith("/webhook")
    )
