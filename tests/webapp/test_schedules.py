"""Training schedules through the API: validation, roles and tenancy, and Prefect being down."""

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import bearer
from tests.helpers import assert_error
from webapp import orchestration
from webapp.extensions import db
from webapp.models import TrainingSchedule


@pytest.fixture
def prefect(monkeypatch: pytest.MonkeyPatch) -> dict[str, bool]:
    """Prefect's schedules as a dict (the real ones are exercised in tests/flows/test_schedules.py)."""
    states: dict[str, bool] = {}

    def create(kind: str, parameters: dict[str, Any], **_: Any) -> str:
        states[f"s{len(states) + 1}"] = True
        return f"s{len(states)}"

    def update(kind: str, schedule_id: str, *, active: bool | None = None, **_: Any) -> None:
        if active is not None:
            states[schedule_id] = active

    monkeypatch.setattr(orchestration, "create_schedule", create)
    monkeypatch.setattr(orchestration, "update_schedule", update)
    monkeypatch.setattr(orchestration, "delete_schedule", lambda kind, sid: states.pop(sid))
    monkeypatch.setattr(orchestration, "schedule_states", lambda kind: dict(states))
    return states


@pytest.fixture
def project_id(client: FlaskClient, admin_headers: dict[str, str]) -> int:
    body = {"name": "p", "task_type": "classification", "labels": ["a"]}
    return int(client.post("/api/data/projects", json=body, headers=admin_headers).get_json()["data"]["id"])


def test_crud_and_pause(
    client: FlaskClient, admin_headers: dict[str, str], project_id: int, prefect: dict[str, bool]
) -> None:
    body = {
        "project_id": project_id,
        "name": "nightly",
        "cron": "0 2 * * *",
        "training_params": {"epochs": 5},
    }
    created = client.post("/api/ml/schedules", json=body, headers=admin_headers).get_json()["data"]
    assert created["active"] is True and created["training_params"] == {"epochs": 5}
    path = f"/api/ml/schedules/{created['id']}"
    paused = client.patch(path, json={"active": False}, headers=admin_headers).get_json()["data"]
    assert paused["active"] is False and prefect[created["prefect_schedule_id"]] is False
    moved = client.patch(path, json={"interval_seconds": 3600}, headers=admin_headers).get_json()["data"]
    assert moved["interval_seconds"] == 3600 and moved["cron"] is None
    assert client.get("/api/ml/schedules", headers=admin_headers).get_json()["meta"]["total"] == 1
    assert client.delete(path, headers=admin_headers).status_code == 204
    assert prefect == {}


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"cron": "0 2 * * *", "interval_seconds": 60},
        {"cron": "not a cron"},
        {"cron": "61 * * * *"},
        {"interval_seconds": 1},
        {"cron": "0 2 * * *", "training_params": {"epochs": 0}},
        {"cron": "0 2 * * *", "dataset_params": {"splits": {"train": 2, "val": 0, "test": 0}}},
        {"cron": "0 2 * * *", "min_new_annotations": -1},
        {"cron": "0 2 * * *", "device": "tpu"},
    ],
)
def test_validation(
    client: FlaskClient, admin_headers: dict[str, str], project_id: int, prefect: Any, extra: dict[str, Any]
) -> None:
    resp = client.post(
        "/api/ml/schedules", json={"project_id": project_id, "name": "x", **extra}, headers=admin_headers
    )
    assert_error(resp, 400, "VALIDATION_ERROR")
    assert prefect == {}


def test_prefect_down_is_503_and_keeps_nothing(
    client: FlaskClient, admin_headers: dict[str, str], project_id: int, prefect_unreachable: None
) -> None:
    body = {"project_id": project_id, "name": "x", "cron": "0 2 * * *"}
    assert_error(
        client.post("/api/ml/schedules", json=body, headers=admin_headers), 503, "SERVICE_UNAVAILABLE"
    )
    assert db.session.scalar(select(func.count()).select_from(TrainingSchedule)) == 0


def test_roles_and_tenancy(
    client: FlaskClient, admin_headers: dict[str, str], project_id: int, make_user: Any, prefect: Any
) -> None:
    body = {"project_id": project_id, "name": "x", "cron": "0 2 * * *"}
    sid = client.post("/api/ml/schedules", json=body, headers=admin_headers).get_json()["data"]["id"]
    viewer = bearer(make_user("viewer"))
    assert client.get(f"/api/ml/schedules/{sid}", headers=viewer).status_code == 200
    assert_error(client.post("/api/ml/schedules", json=body, headers=viewer), 403, "FORBIDDEN")
    assert_error(
        client.patch(f"/api/ml/schedules/{sid}", json={"active": False}, headers=viewer), 403, "FORBIDDEN"
    )
    assert_error(client.post(f"/api/ml/schedules/{sid}/run", headers=viewer), 403, "FORBIDDEN")
    assert_error(client.post(f"/api/ml/schedules/{sid}/runs", headers=admin_headers), 403, "FORBIDDEN")
    stranger = bearer(make_user("admin", org="Globex"))
    for method in ("get", "delete"):
        assert_error(getattr(client, method)(f"/api/ml/schedules/{sid}", headers=stranger), 404, "NOT_FOUND")
    assert_error(client.post("/api/ml/schedules", json=body, headers=stranger), 404, "NOT_FOUND")
