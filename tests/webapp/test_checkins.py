"""Device check-ins: the health time series, online/offline status, retention, and the config answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from acusight.cli import main as cli
from tests.conftest import bearer
from tests.helpers import assert_error
from webapp.extensions import db
from webapp.models import Device, DeviceCheckin
from webapp.services import checkins
from webapp.settings import get_settings

CHECKIN = "/api/device/checkin"
HEALTH = {
    "battery_pct": 87.5,
    "temperature_c": 41.2,
    "disk_free_mb": 1234.5,
    "uptime_s": 86_400,
    "firmware_version": "2.4.1",
    "ip_address": "10.0.0.17",
    "metrics": {"fps": 14.9, "queue": 3, "sensor": "imx219"},
}


@pytest.fixture
def device(admin_headers: dict[str, str], provision: Any) -> dict[str, Any]:
    return provision(admin_headers, "CAM-1")


def _headers(device: dict[str, Any]) -> dict[str, str]:
    return {"X-Device-Key": device["api_key"]}


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(DeviceCheckin)) or 0


def test_checkin_records_health_and_returns_config(
    client: FlaskClient, device: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    resp = client.post(CHECKIN, json=HEALTH, headers=_headers(device))
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()["data"]
    assert body["config"] == {
        "checkin_interval_s": 60,
        "upload_policy": {
            "enabled": True,
            "min_interval_s": 0,
            "max_bytes": 20 * 1024 * 1024,
            "accepted_formats": ["jpeg", "png", "webp"],
            "project_id": None,
        },
        "model": None,
        "sampling": None,
    }
    assert body["device"]["id"] == device["device"]["id"]
    assert body["device"]["status"] == "online"
    assert body["device"]["firmware_version"] == "2.4.1"
    assert body["checkin"]["id"]

    device_id = device["device"]["id"]
    listed = client.get(f"/api/devices/{device_id}/checkins", headers=admin_headers).get_json()
    assert listed["meta"]["total"] == 1
    row = listed["data"][0]
    assert {k: row[k] for k in HEALTH} == HEALTH
    got = client.get(f"/api/devices/{device_id}", headers=admin_headers).get_json()["data"]
    assert got["status"] == "online" and got["last_seen_at"] == row["created_at"]
    fleet = client.get("/api/devices", headers=admin_headers).get_json()["data"]
    assert fleet[0]["status"] == "online"


@pytest.mark.parametrize("kwargs", [{}, {"json": {}}], ids=["no-body", "empty-object"])
def test_bare_checkin_is_a_heartbeat(
    client: FlaskClient, device: dict[str, Any], admin_headers: dict[str, str], kwargs: dict[str, Any]
) -> None:
    resp = client.post(CHECKIN, headers=_headers(device), **kwargs)
    assert resp.status_code == 200, resp.get_json()
    listed = client.get(f"/api/devices/{device['device']['id']}/checkins", headers=admin_headers)
    row = listed.get_json()["data"][0]
    # Without a reported address, the one the request came from.
    assert row["ip_address"] == "127.0.0.1"
    assert row["battery_pct"] is None and row["metrics"] is None


def test_config_follows_settings(app: Flask, device: dict[str, Any]) -> None:
    settings = get_settings(app)
    settings.checkin_interval_s = 15
    settings.upload_enabled = False
    settings.upload_min_interval_s = 300
    config = app.test_client().post(CHECKIN, headers=_headers(device)).get_json()["data"]["config"]
    assert config["checkin_interval_s"] == 15
    assert config["upload_policy"]["enabled"] is False and config["upload_policy"]["min_interval_s"] == 300


@pytest.mark.parametrize(
    "body",
    [
        {"battery_pct": 101},
        {"battery_pct": "full"},
        {"temperature_c": -300},
        {"disk_free_mb": -1},
        {"uptime_s": -5},
        {"uptime_s": 1.5},
        {"ip_address": "not an ip"},
        {"firmware_version": "v" * 101},
        {"metrics": [1, 2, 3]},
        {"metrics": {"blob": "x" * 9000}},
        {"colour": "blue"},
    ],
)
def test_invalid_health_is_refused(client: FlaskClient, device: dict[str, Any], body: dict[str, Any]) -> None:
    error = assert_error(client.post(CHECKIN, json=body, headers=_headers(device)), 400, "VALIDATION_ERROR")
    assert set(error["fields"]) == set(body)
    assert _count() == 0


def test_malformed_json_is_refused(client: FlaskClient, device: dict[str, Any]) -> None:
    resp = client.post(
        CHECKIN, data=b"{nope", headers={**_headers(device), "Content-Type": "application/json"}
    )
    assert_error(resp, 400, "VALIDATION_ERROR")


def test_unknown_disabled_deleted_and_user_credentials_are_401(
    client: FlaskClient, device: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    assert_error(client.post(CHECKIN, headers={"X-Device-Key": "adk_nope"}), 401, "UNAUTHORIZED")
    assert_error(client.post(CHECKIN), 401, "UNAUTHORIZED")
    assert_error(client.post(CHECKIN, headers=admin_headers), 401, "UNAUTHORIZED")
    url = f"/api/devices/{device['device']['id']}"
    client.patch(url, json={"disabled": True}, headers=admin_headers)
    assert_error(client.post(CHECKIN, headers=_headers(device)), 401, "UNAUTHORIZED")
    client.delete(url, headers=admin_headers)
    assert_error(client.post(CHECKIN, headers=_headers(device)), 401, "UNAUTHORIZED")
    assert _count() == 0


def test_status_goes_offline_after_configured_silence(
    app: Flask, client: FlaskClient, device: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    url = f"/api/devices/{device['device']['id']}"
    assert client.get(url, headers=admin_headers).get_json()["data"]["status"] == "never_seen"
    client.post(CHECKIN, headers=_headers(device))
    row = db.session.get(Device, device["device"]["id"])
    assert row is not None
    row.last_seen_at = datetime.now(UTC) - timedelta(seconds=120)
    db.session.commit()
    assert client.get(url, headers=admin_headers).get_json()["data"]["status"] == "online"
    get_settings(app).offline_after_s = 60
    assert client.get(url, headers=admin_headers).get_json()["data"]["status"] == "offline"
    client.post(CHECKIN, headers=_headers(device))
    assert client.get(url, headers=admin_headers).get_json()["data"]["status"] == "online"


def _old_checkins(device_id: int, days_ago: list[int]) -> None:
    now = datetime.now(UTC)
    for days in days_ago:
        db.session.add(DeviceCheckin(device_id=device_id, created_at=now - timedelta(days=days, minutes=1)))
    db.session.commit()


def test_checkin_prunes_the_devices_own_old_rows(
    client: FlaskClient, device: dict[str, Any], admin_headers: dict[str, str], provision: Any
) -> None:
    other = provision(admin_headers, "CAM-2")
    mine, theirs = device["device"]["id"], other["device"]["id"]
    _old_checkins(mine, [45, 31, 29, 1])
    _old_checkins(theirs, [45, 1])
    client.post(CHECKIN, headers=_headers(device))
    kept = db.session.scalars(select(DeviceCheckin).where(DeviceCheckin.device_id == mine)).all()
    assert len(kept) == 3  # 29 and 1 days old, and the new one: retention is 30 days
    assert db.session.scalar(select(func.count()).where(DeviceCheckin.device_id == theirs)) == 2


def test_prune_covers_silent_devices(
    app: Flask, device: dict[str, Any], provision: Any, admin_headers: dict[str, str]
) -> None:
    other = provision(admin_headers, "CAM-2")
    _old_checkins(device["device"]["id"], [40, 2])
    _old_checkins(other["device"]["id"], [35, 31, 3])
    assert checkins.prune(db.session, timedelta(days=30)) == 3
    assert _count() == 2


def test_prune_command(app: Flask, device: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    settings = get_settings(app)
    monkeypatch.setenv("ACUSIGHT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ACUSIGHT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ACUSIGHT_CHECKIN_RETENTION_DAYS", "7")
    _old_checkins(device["device"]["id"], [10, 8, 6])
    result = CliRunner().invoke(cli, ["checkins", "prune"])
    assert result.exit_code == 0, result.output
    assert "removed 2 check-ins older than 7 days" in result.output
    db.session.expire_all()
    assert _count() == 1


def test_list_is_newest_first_paged_and_filtered(
    client: FlaskClient, device: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    device_id = device["device"]["id"]
    _old_checkins(device_id, [5, 4, 3, 2, 1])
    url = f"/api/devices/{device_id}/checkins"
    page = client.get(f"{url}?per_page=2&page=1", headers=admin_headers).get_json()
    assert page["meta"] == {"total": 5, "page": 1, "per_page": 2, "total_pages": 3}
    stamps = [row["created_at"] for row in page["data"]]
    assert stamps == sorted(stamps, reverse=True)
    since = (datetime.now(UTC) - timedelta(days=3, hours=12)).isoformat()
    until = (datetime.now(UTC) - timedelta(days=1, hours=12)).isoformat()
    window = client.get(url, query_string={"since": since, "until": until}, headers=admin_headers).get_json()
    assert window["meta"]["total"] == 2
    assert_error(client.get(f"{url}?since=soon", headers=admin_headers), 400, "VALIDATION_ERROR")


def test_checkins_of_other_orgs_are_invisible(
    client: FlaskClient, device: dict[str, Any], make_user: Any
) -> None:
    client.post(CHECKIN, headers=_headers(device))
    outsider = bearer(make_user("admin", org="Globex"))
    url = f"/api/devices/{device['device']['id']}/checkins"
    assert_error(client.get(url, headers=outsider), 404, "NOT_FOUND")
    assert_error(client.get("/api/devices/999999/checkins", headers=outsider), 404, "NOT_FOUND")
    assert_error(client.get(url), 401, "UNAUTHORIZED")
    assert_error(client.get(url, headers=_headers(device)), 401, "UNAUTHORIZED")


@pytest.mark.parametrize("role", ["viewer", "annotator", "ml_engineer"])
def test_every_role_may_read_checkins(
    client: FlaskClient, device: dict[str, Any], make_user: Any, role: str
) -> None:
    client.post(CHECKIN, headers=_headers(device))
    resp = client.get(f"/api/devices/{device['device']['id']}/checkins", headers=bearer(make_user(role)))
    assert resp.status_code == 200 and resp.get_json()["meta"]["total"] == 1
