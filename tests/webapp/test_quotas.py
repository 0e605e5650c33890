"""Per-organization limits: schedules' minimum interval, jobs queued or running at once, what one
training job may ask for, stored images; and the operator's command that sets an organization's own."""

from __future__ import annotations

import hashlib
import io
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from acusight.cli import main
from tests.conftest import bearer, png_bytes
from tests.helpers import assert_error, make_model
from webapp import orchestration
from webapp.errors import RateLimited
from webapp.extensions import db
from webapp.models import DatasetVersion, ExportJob, Image, Organization, TrainingJob, TrainingSchedule, User
from webapp.services import quotas, training
from webapp.services.schedules import cron_gap_under
from webapp.settings import get_settings
from webapp.storage import blob_key, get_store

DATASETS = "/api/data/datasets"
TRAINING = "/api/ml/training-jobs"
EXPORTS = "/api/ml/export-jobs"
SCHEDULES = "/api/ml/schedules"
UPLOAD = "/api/device/images/upload"


def count(model: Any) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def set_org(user: User, **columns: Any) -> None:
    org = db.session.get(Organization, user.organization_id)
    assert org is not None
    for name, value in columns.items():
        setattr(org, name, value)
    db.session.commit()


def assert_rate_limited(resp: Any) -> dict[str, Any]:
    error = assert_error(resp, 429, "RATE_LIMITED")
    assert resp.headers["Retry-After"] == str(quotas.RETRY_AFTER_S)
    return error


@pytest.fixture
def prefect_schedules(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Schedules created in Prefect, recorded instead."""
    made: list[dict[str, Any]] = []

    def create(kind: str, parameters: dict[str, Any], **timing: Any) -> str:
        made.append({**parameters, **timing})
        return f"s{len(made)}"

    monkeypatch.setattr(orchestration, "create_schedule", create)
    monkeypatch.setattr(orchestration, "update_schedule", lambda *args, **kwargs: None)
    monkeypatch.setattr(orchestration, "schedule_states", lambda kind: {})
    return made


# --- schedules: a minimum interval ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cron", "least", "gap"),
    [
        ("*/5 * * * *", 3600, 300),
        ("0 * * * *", 3600, None),
        ("@hourly", 3600, None),
        ("@hourly", 7200, 3600),
        ("0 2 * * *", 3600, None),
        ("0 2 * * *", 2 * 86400, 86400),
        ("0 0,23 * * *", 3600, None),
        ("0 0,23 * * *", 3601, 3600),
        # 23:59 on the 31st, then 00:00 on the 1st: a minute apart, across days and months.
        ("0,59 0,23 1,31 * *", 3000, 60),
        ("0 9 * * 1-5", 2 * 86400, 86400),  # Monday to Tuesday, not only Friday to Monday
        ("0 0 * * * */10", 3600, 10),  # a sixth field: seconds
        ("0 12 29 2 *", 365 * 86400, None),
    ],
)
def test_cron_gap_under(cron: str, least: int, gap: int | None, app: Flask) -> None:
    assert cron_gap_under(cron, least) == gap


@pytest.mark.parametrize(
    "timing",
    [{"interval_seconds": 5}, {"interval_seconds": 3599}, {"cron": "*/5 * * * *"}, {"cron": "0,30 3 * * *"}],
)
def test_schedules_firing_more_often_than_the_minimum_are_400_and_kept_nowhere(
    client: FlaskClient,
    admin_headers: dict[str, str],
    make_project: Any,
    prefect_schedules: list[Any],
    timing: dict[str, Any],
) -> None:
    pid = make_project(admin_headers)["id"]
    resp = client.post(SCHEDULES, json={"project_id": pid, "name": "often", **timing}, headers=admin_headers)
    error = assert_error(resp, 400, "VALIDATION_ERROR")
    assert "once every 3600 s" in error["message"], error
    assert "ACUSIGHT_SCHEDULE_MIN_INTERVAL_S" in error["details"]
    assert count(TrainingSchedule) == 0 and prefect_schedules == []


def test_schedules_at_the_minimum_pass_and_updates_are_held_to_it(
    app: Flask,
    client: FlaskClient,
    admin_headers: dict[str, str],
    make_project: Any,
    prefect_schedules: list[Any],
) -> None:
    pid = make_project(admin_headers)["id"]
    for timing in ({"interval_seconds": 3600}, {"cron": "0 * * * *"}, {"cron": "0 3 * * *"}):
        resp = client.post(SCHEDULES, json={"project_id": pid, "name": "ok", **timing}, headers=admin_headers)
        assert resp.status_code == 201, resp.get_json()
    sid = resp.get_json()["data"]["id"]
    for change in ({"interval_seconds": 60}, {"cron": "*/10 * * * *"}):
        assert_error(
            client.patch(f"{SCHEDULES}/{sid}", json=change, headers=admin_headers), 400, "VALIDATION_ERROR"
        )
    assert client.get(f"{SCHEDULES}/{sid}", headers=admin_headers).get_json()["data"]["cron"] == "0 3 * * *"
    # The minimum is a setting.
    get_settings(app).schedule_min_interval_s = 60
    resp = client.patch(f"{SCHEDULES}/{sid}", json={"interval_seconds": 60}, headers=admin_headers)
    assert resp.status_code == 200 and resp.get_json()["data"]["interval_seconds"] == 60


# --- schedules: a run with nothing new does nothing -------------------------------------------------


def make_schedule(client: FlaskClient, headers: dict[str, str], project_id: int, **fields: Any) -> int:
    body = {"project_id": project_id, "name": "nightly", "cron": "0 3 * * *", **fields}
    resp = client.post(SCHEDULES, json=body, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    return int(resp.get_json()["data"]["id"])


def run(client: FlaskClient, service: dict[str, str], schedule_id: int) -> dict[str, Any]:
    resp = client.post(f"{SCHEDULES}/{schedule_id}/runs", headers=service)
    assert resp.status_code in (200, 201), resp.get_json()
    return dict(resp.get_json()["data"])


def test_min_new_annotations_0_never_cuts_an_unchanged_version(
    client: FlaskClient,
    admin_headers: dict[str, str],
    service: dict[str, str],
    labeled_project: Any,
    make_project: Any,
    started: list[Any],
    prefect_schedules: list[Any],
) -> None:
    # A project without annotations: nothing to cut, a skip (not a refused dataset version).
    empty = make_schedule(client, admin_headers, make_project(admin_headers)["id"], min_new_annotations=0)
    first = run(client, service, empty)
    assert first["started"] is False and "0 newly annotated images, 1 needed" in first["reason"]

    made = labeled_project(admin_headers, n=2)
    sid = make_schedule(client, admin_headers, made["project_id"], min_new_annotations=0)
    assert run(client, service, sid)["started"] is True
    assert count(DatasetVersion) == 1
    again = run(client, service, sid)
    assert again == {
        "started": False,
        "reason": "skipped: 0 newly annotated images, 1 needed",
        "new_annotations": 0,
    }
    assert count(DatasetVersion) == 1 and [c["kind"] for c in started] == ["dataset"]
    # One image annotated again: something new, a new version.
    body = {"image_id": made["images"][0]["id"], "label": "dog"}
    assert client.post("/api/data/annotations", json=body, headers=admin_headers).status_code == 201
    assert run(client, service, sid)["started"] is True
    assert count(DatasetVersion) == 2


def test_a_scheduled_run_at_the_job_limit_skips(
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    service: dict[str, str],
    labeled_project: Any,
    started: list[Any],
    prefect_schedules: list[Any],
) -> None:
    set_org(admin, max_jobs=1)
    made = labeled_project(admin_headers, n=2)
    assert (
        client.post(DATASETS, json={"project_id": made["project_id"]}, headers=admin_headers).status_code
        == 201
    )
    sid = make_schedule(client, admin_headers, made["project_id"])
    skipped = run(client, service, sid)
    assert skipped["started"] is False
    assert "1 dataset versions queued or running; the limit is 1" in skipped["reason"], skipped
    assert count(DatasetVersion) == 1
    # Started by hand, it is refused before a flow run starts: it could only skip.
    assert_rate_limited(client.post(f"{SCHEDULES}/{sid}/run", headers=admin_headers))
    assert [c["kind"] for c in started] == ["dataset"]


# --- jobs queued or running at once -----------------------------------------------------------------


def test_dataset_versions_past_the_limit_are_429_and_a_finished_one_frees_a_slot(
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    make_user: Any,
    labeled_project: Any,
    started: list[Any],
) -> None:
    pid = labeled_project(admin_headers, n=2)["project_id"]
    made = [client.post(DATASETS, json={"project_id": pid}, headers=admin_headers) for _ in range(2)]
    assert [r.status_code for r in made] == [201, 201]
    error = assert_rate_limited(client.post(DATASETS, json={"project_id": pid}, headers=admin_headers))
    assert "2 dataset versions queued or running; the limit is 2" in error["message"]
    assert count(DatasetVersion) == 2 and len(started) == 2

    # Another organization has its own slots.
    theirs = bearer(make_user("admin", org="Globex"))
    other = labeled_project(theirs, n=1, name="theirs", seed=3)["project_id"]
    assert client.post(DATASETS, json={"project_id": other}, headers=theirs).status_code == 201

    version = db.session.get(DatasetVersion, made[0].get_json()["data"]["id"])
    assert version is not None
    version.status = "ready"
    db.session.commit()
    assert client.post(DATASETS, json={"project_id": pid}, headers=admin_headers).status_code == 201
    # A failed one frees its slot too.
    version = db.session.get(DatasetVersion, made[1].get_json()["data"]["id"])
    assert version is not None
    version.status = "failed"
    db.session.commit()
    assert client.post(DATASETS, json={"project_id": pid}, headers=admin_headers).status_code == 201
    assert_rate_limited(client.post(DATASETS, json={"project_id": pid}, headers=admin_headers))


def test_training_jobs_past_the_limit_are_429_and_a_cancelled_one_frees_a_slot(
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    service: dict[str, str],
    ready_dataset: int,
    started: list[Any],
) -> None:
    body = {"dataset_id": ready_dataset}
    jobs = [client.post(TRAINING, json=body, headers=admin_headers) for _ in range(2)]
    assert [r.status_code for r in jobs] == [201, 201]
    # The flow's own calls (a service account) are held to the same limit.
    assert_rate_limited(client.post(TRAINING, json=body, headers=service))
    assert_rate_limited(client.post(TRAINING, json=body, headers=admin_headers))
    assert count(TrainingJob) == 2
    assert [c["kind"] for c in started if "kind" in c].count("training") == 2

    first = jobs[0].get_json()["data"]["id"]
    assert client.post(f"{TRAINING}/{first}/cancel", headers=admin_headers).status_code == 200
    assert client.post(TRAINING, json=body, headers=admin_headers).status_code == 201
    assert count(TrainingJob) == 3


def test_exports_past_the_limit_are_429_and_a_failed_one_frees_a_slot(
    client: FlaskClient,
    admin_headers: dict[str, str],
    service: dict[str, str],
    ready_dataset: int,
    started: list[Any],
) -> None:
    model = make_model(client, admin_headers, service, ready_dataset)
    made = [client.post(EXPORTS, json={"model_id": model["id"]}, headers=admin_headers) for _ in range(2)]
    assert [r.status_code for r in made] == [201, 201]
    assert_rate_limited(client.post(EXPORTS, json={"model_id": model["id"]}, headers=admin_headers))
    assert count(ExportJob) == 2
    path = f"{EXPORTS}/{made[0].get_json()['data']['id']}"
    assert client.patch(path, json={"status": "failed", "error": "x"}, headers=service).status_code == 200
    assert client.post(EXPORTS, json={"model_id": model["id"]}, headers=admin_headers).status_code == 201


def test_an_organizations_own_limit_replaces_the_default(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], labeled_project: Any, started: list[Any]
) -> None:
    pid = labeled_project(admin_headers, n=1)["project_id"]
    set_org(admin, max_jobs=1)
    assert client.post(DATASETS, json={"project_id": pid}, headers=admin_headers).status_code == 201
    assert_rate_limited(client.post(DATASETS, json={"project_id": pid}, headers=admin_headers))
    set_org(admin, max_jobs=0)  # no limit
    for _ in range(3):
        assert client.post(DATASETS, json={"project_id": pid}, headers=admin_headers).status_code == 201
    set_org(admin, max_jobs=None)  # the setting's default again (2): four are queued
    assert_rate_limited(client.post(DATASETS, json={"project_id": pid}, headers=admin_headers))


def test_two_requests_at_once_do_not_both_take_the_last_slot(
    app: Flask, admin: User, ready_dataset: int, started: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first request counts, then lets a second one run while it holds the organization's row: the
    second must not count until the first has committed its job."""
    set_org(admin, max_jobs=1)
    real_count = quotas.active_jobs
    events: list[str] = []
    outcomes: dict[str, str] = {}
    second: list[threading.Thread] = []

    def create(name: str) -> None:
        with app.app_context():
            try:
                training.create(db.session, admin.organization_id, None, dataset_id=ready_dataset)
                outcomes[name] = "created"
            except RateLimited:
                outcomes[name] = "refused"

    def counting(session: Any, organization_id: int, model: Any) -> int:
        found = real_count(session, organization_id, model)
        name = threading.current_thread().name
        events.append(f"{name} counted {found}")
        if name == "first":
            other = threading.Thread(target=create, args=("second",), name="second")
            second.append(other)
            other.start()
            # Room for the second request to count, were it not held at the organization's row; a
            # slow machine only makes this test miss a broken lock, never fail a working one.
            other.join(timeout=2)
            events.append("first goes on")
        return found

    monkeypatch.setattr(quotas, "active_jobs", counting)
    first = threading.Thread(target=create, args=("first",), name="first")
    first.start()
    first.join()
    second[0].join()
    assert outcomes == {"first": "created", "second": "refused"}
    assert events == ["first counted 0", "first goes on", "second counted 1"]
    assert count(TrainingJob) == 1


# --- what one training job may ask for --------------------------------------------------------------


@pytest.mark.parametrize("params", [{"epochs": 501}, {"width": 257}])
def test_training_past_the_servers_bounds_is_400_before_anything_runs(
    client: FlaskClient,
    admin_headers: dict[str, str],
    make_project: Any,
    ready_dataset: int,
    started: list[Any],
    prefect_schedules: list[Any],
    params: dict[str, int],
) -> None:
    before = len(started)
    resp = client.post(TRAINING, json={"dataset_id": ready_dataset, "params": params}, headers=admin_headers)
    name = next(iter(params))
    assert f"Training {name} is at most" in assert_error(resp, 400, "VALIDATION_ERROR")["message"]
    assert count(TrainingJob) == 0 and len(started) == before
    body = {"project_id": make_project(admin_headers)["id"], "name": "s", "cron": "0 3 * * *"}
    resp = client.post(SCHEDULES, json={**body, "training_params": params}, headers=admin_headers)
    assert_error(resp, 400, "VALIDATION_ERROR")
    assert count(TrainingSchedule) == 0
    at_bound = {"epochs": 500, "width": 256}
    resp = client.post(
        TRAINING, json={"dataset_id": ready_dataset, "params": at_bound}, headers=admin_headers
    )
    assert resp.status_code == 201, resp.get_json()


# --- stored images ----------------------------------------------------------------------------------


def upload(client: FlaskClient, key: str, data: bytes) -> Any:
    return client.post(
        UPLOAD,
        data={"file": (io.BytesIO(data), "cam.png")},
        headers={"X-Device-Key": key},
        content_type="multipart/form-data",
    )


@pytest.fixture
def exact_usage(monkeypatch: pytest.MonkeyPatch) -> None:
    """Near the quota, usage counted in the database for every upload (as if NEAR_TTL_S had passed)."""
    monkeypatch.setattr(quotas, "NEAR_TTL_S", 0.0)


@pytest.fixture
def device_key(admin_headers: dict[str, str], provision: Any, make_project: Any) -> str:
    project_id = make_project(admin_headers)["id"]
    return str(provision(admin_headers, "CAM-Q", project_id=project_id)["api_key"])


def test_uploads_past_the_image_quota_are_507_and_store_nothing(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], device_key: str, exact_usage: None
) -> None:
    set_org(admin, image_quota=2)
    kept = [png_bytes(1), png_bytes(2)]
    assert [upload(client, device_key, data).status_code for data in kept] == [201, 201]
    extra = png_bytes(3)
    error = assert_error(upload(client, device_key, extra), 507, "INSUFFICIENT_STORAGE")
    assert "storage quota" in error["message"] and "2 images" in error["details"]
    assert count(Image) == 2
    assert not get_store().exists(blob_key(hashlib.sha256(extra).hexdigest()))
    # A retry of an image already stored takes no room: it gets its image back.
    again = upload(client, device_key, kept[0])
    assert again.status_code == 200, again.get_json()
    # Raised again (the default): the upload goes in.
    set_org(admin, image_quota=None)
    assert upload(client, device_key, extra).status_code == 201
    usage = client.get("/api/organization", headers=admin_headers).get_json()["data"]["usage"]
    assert usage["images"] == 3 and usage["images_quota"] == 1_000_000


def test_uploads_past_the_byte_quota_are_507_and_the_organization_shows_its_usage(
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    device_key: str,
    make_images: Any,
    exact_usage: None,
) -> None:
    set_org(admin, storage_quota_mb=1)
    make_images(admin, 1, byte_size=quotas.MB - 10)
    assert_error(upload(client, device_key, png_bytes(4)), 507, "INSUFFICIENT_STORAGE")
    assert count(Image) == 1
    usage = client.get("/api/organization", headers=admin_headers).get_json()["data"]["usage"]
    assert usage == {
        "image_bytes": quotas.MB - 10,
        "image_bytes_quota": quotas.MB,
        "images": 1,
        "images_quota": 1_000_000,
        "max_jobs": 2,
        "jobs": {"dataset_versions": 0, "training_jobs": 0, "exports": 0},
    }
    set_org(admin, storage_quota_mb=0)  # no limit
    assert upload(client, device_key, png_bytes(4)).status_code == 201
    usage = client.get("/api/organization", headers=admin_headers).get_json()["data"]["usage"]
    assert usage["image_bytes_quota"] is None and usage["images"] == 2


def test_usage_is_counted_once_then_followed_in_process(
    client: FlaskClient, admin: User, device_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Uploads do not sum the organization's images each time: once, then this process's own count,
    until the figure is older than its time to live."""
    set_org(admin, image_quota=3)
    measured: list[int] = []
    real_measure = quotas.measure

    def measure(session: Any, organization_id: int) -> quotas.Usage:
        measured.append(organization_id)
        return real_measure(session, organization_id)

    monkeypatch.setattr(quotas, "measure", measure)
    monkeypatch.setattr(quotas, "USAGE_TTL_S", 10.0**9)
    monkeypatch.setattr(quotas, "NEAR_TTL_S", 10.0**9)
    assert [upload(client, device_key, png_bytes(10 + i)).status_code for i in range(3)] == [201] * 3
    assert_error(upload(client, device_key, png_bytes(13)), 507, "INSUFFICIENT_STORAGE")
    assert len(measured) == 1
    # Once the figure is old, it is counted again: the quota raised meanwhile lets the upload in.
    set_org(admin, image_quota=4)
    monkeypatch.setattr(quotas, "NEAR_TTL_S", 0.0)
    assert upload(client, device_key, png_bytes(13)).status_code == 201
    assert len(measured) == 2 and count(Image) == 4


# --- the operator's command -------------------------------------------------------------------------


def test_cli_sets_and_shows_an_organizations_quotas(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, admin: User
) -> None:
    monkeypatch.setenv("ACUSIGHT_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("ACUSIGHT_DATABASE_URL", database_url)
    runner = CliRunner()
    done = runner.invoke(main, ["orgs", "quota", "set", "acme", "--jobs", "1", "--storage-mb", "10"])
    assert done.exit_code == 0, done.output
    assert "max_jobs\t1\t(own)" in done.output and "image_quota\t1000000\t(default)" in done.output
    db.session.rollback()
    org = db.session.get(Organization, admin.organization_id)
    assert org is not None and (org.max_jobs, org.storage_quota_mb, org.image_quota) == (1, 10, None)

    cleared = runner.invoke(main, ["orgs", "quota", "set", "Acme", "--jobs", "default", "--images", "0"])
    assert cleared.exit_code == 0, cleared.output
    shown = runner.invoke(main, ["orgs", "quota", "show", "Acme"])
    assert "max_jobs\t2\t(default)" in shown.output and "image_quota\tno limit\t(own)" in shown.output
    assert "storage_quota_mb\t10\t(own)" in shown.output

    for args in (["--jobs", "lots"], ["--jobs", "-1"], []):
        refused = runner.invoke(main, ["orgs", "quota", "set", "Acme", *args])
        assert refused.exit_code != 0, args
    unknown = runner.invoke(main, ["orgs", "quota", "show", "Nobody"])
    assert unknown.exit_code != 0 and "No organization is named" in unknown.output
