"""The reaper without Prefect: silent running records fail, others are left; races and the CLI.

tests/flows/test_reaper.py runs it against a real Prefect server (dead runs, a killed worker).
"""

from __future__ import annotations

import io
import time
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from acusight.cli import main
from webapp import orchestration
from webapp.extensions import db
from webapp.models import DatasetVersion, ExportJob, LabelStudioLink, TrainingJob, utcnow
from webapp.services import reaper
from webapp.settings import Settings, get_settings

LATER = timedelta(hours=7)


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Three training jobs at once in one organization: more than the default limit on them."""
    return {"org_max_jobs": 0}


def running_jobs(
    client: FlaskClient, admin_headers: dict[str, str], ready_dataset: int, service: dict[str, str]
) -> dict[str, Any]:
    """Through the API: a training job running with a progress report, a queued one, a running export."""
    jobs = {}
    for name in ("running", "queued", "exported"):
        body = {"dataset_id": ready_dataset, "params": {"epochs": 2}}
        jobs[name] = client.post("/api/ml/training-jobs", json=body, headers=admin_headers).get_json()["data"]
    for name in ("running", "exported"):
        path = f"/api/ml/training-jobs/{jobs[name]['id']}"
        client.patch(path, json={"status": "running", "progress": {"epoch": 1}}, headers=service)
    path = f"/api/ml/training-jobs/{jobs['exported']['id']}"
    model = client.post(
        f"{path}/model",
        data={"file": (io.BytesIO(b"weights"), "m.pt"), "metrics": "{}"},
        headers=service,
        content_type="multipart/form-data",
    ).get_json()["data"]
    client.patch(path, json={"status": "succeeded"}, headers=service)
    export = client.post("/api/ml/export-jobs", json={"model_id": model["id"]}, headers=admin_headers)
    assert export.status_code == 201, export.get_json()
    jobs["export"] = export.get_json()["data"]
    client.patch(f"/api/ml/export-jobs/{jobs['export']['id']}", json={"status": "running"}, headers=service)
    return jobs


def test_silent_running_records_fail_when_prefect_cannot_be_asked(
    app: Flask,
    client: FlaskClient,
    admin_headers: dict[str, str],
    ready_dataset: int,
    service: dict[str, str],
    prefect_unreachable: None,
) -> None:
    jobs = running_jobs(client, admin_headers, ready_dataset, service)
    version = db.session.get(DatasetVersion, ready_dataset)
    assert version is not None
    link = LabelStudioLink(
        organization_id=version.organization_id,
        project_id=version.project_id,
        ls_project_id=4242,
        label_config_hash="0" * 64,
        sync_status="pulling",
    )
    db.session.add(link)
    db.session.commit()
    settings: Settings = get_settings(app)

    # Quiet, but not for long: Prefect can't be asked, so nothing is concluded.
    assert reaper.reap(db.session, settings, now=utcnow() + timedelta(hours=1)) == []

    done = reaper.reap(db.session, settings, now=utcnow() + LATER)
    db.session.expire_all()
    assert {(r.kind, r.id) for r in done} == {
        ("training job", jobs["running"]["id"]),
        ("export job", jobs["export"]["id"]),
        ("label studio sync", link.id),
    }
    path = f"/api/ml/training-jobs/{jobs['running']['id']}"
    got = client.get(path, headers=admin_headers).get_json()["data"]
    assert got["status"] == "failed" and got["finished_at"]
    assert got["error"].startswith("reaped: no progress report for 7.0 h while running")
    assert "Prefect could not be asked" in got["error"]
    export = db.session.get(ExportJob, jobs["export"]["id"])
    assert export is not None and export.status == "failed" and "7.0 h" in (export.error or "")
    assert link.sync_status == "failed" and "while pulling" in (link.last_error or "") and link.last_error_at
    # Waiting for a worker is not dying: a queued job, and the ready version and succeeded job, stay.
    assert db.session.get(TrainingJob, jobs["queued"]["id"]).status == "queued"  # type: ignore[union-attr]
    assert db.session.get(TrainingJob, jobs["exported"]["id"]).status == "succeeded"  # type: ignore[union-attr]
    assert version.status == "ready"
    # A reaped job that was only slow comes back when its flow reports again (a Prefect retry, too).
    back = client.patch(path, json={"status": "running", "progress": {"epoch": 2}}, headers=service)
    assert back.status_code == 200 and back.get_json()["data"]["error"] is None
    assert reaper.reap(db.session, settings, now=utcnow() + timedelta(minutes=30)) == []


def test_a_report_made_meanwhile_wins(
    app: Flask,
    client: FlaskClient,
    admin_headers: dict[str, str],
    ready_dataset: int,
    service: dict[str, str],
    started: Any,
) -> None:
    jobs = running_jobs(client, admin_headers, ready_dataset, service)
    job = db.session.get(TrainingJob, jobs["running"]["id"])
    assert job is not None
    # What a reaper read a moment ago; then the flow reported progress before its update landed.
    seen = SimpleNamespace(id=job.id, status=job.status, updated_at=job.updated_at - timedelta(seconds=1))
    kind = next(k for k in reaper.KINDS if k.model is TrainingJob)
    assert not reaper._apply(db.session, kind, seen, "failed", "silent", utcnow())
    db.session.commit()
    db.session.expire_all()
    assert job.status == "running" and job.error is None


def test_cli_one_pass(
    app: Flask,
    client: FlaskClient,
    admin_headers: dict[str, str],
    ready_dataset: int,
    service: dict[str, str],
    database_url: str,
    data_dir: Any,
    monkeypatch: pytest.MonkeyPatch,
    prefect_unreachable: None,
) -> None:
    jobs = running_jobs(client, admin_headers, ready_dataset, service)
    job = db.session.get(TrainingJob, jobs["running"]["id"])
    assert job is not None
    job.updated_at = utcnow() - LATER  # as if its worker died seven hours ago
    db.session.commit()
    monkeypatch.setenv("ACUSIGHT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ACUSIGHT_DATABASE_URL", database_url)
    monkeypatch.setenv("ACUSIGHT_ZOMBIE_AFTER_S", "0")
    result = CliRunner().invoke(main, ["reap"])
    assert result.exit_code == 0, result.output
    assert f"training job {job.id} (organization {job.organization_id}) failed: no progress" in result.output
    assert CliRunner().invoke(main, ["reap"]).output == ""  # nothing left to reap
    assert CliRunner().invoke(main, ["reap", "--every", "0"]).exit_code == 2

    # `--every` (how `acusight up` runs it) passes again and again, each in a fresh transaction.
    class Stop(Exception):
        pass

    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 3:
            raise Stop

    monkeypatch.setattr(time, "sleep", sleep)
    result = CliRunner().invoke(main, ["reap", "--every", "7"])
    assert isinstance(result.exception, Stop), result.output
    assert sleeps == [7, 7, 7]


def test_without_a_prefect_server_nothing_is_concluded(
    app: Flask,
    client: FlaskClient,
    admin_headers: dict[str, str],
    ready_dataset: int,
    service: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No PREFECT_API_URL: Prefect's client would ask a temporary server that knows no runs."""
    from prefect.context import refresh_global_settings_context

    jobs = running_jobs(client, admin_headers, ready_dataset, service)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    refresh_global_settings_context()
    try:
        settings: Settings = get_settings(app)
        assert reaper.reap(db.session, settings, now=utcnow() + timedelta(hours=1)) == []
        assert not orchestration.ensure_zombie_detection(60)
        done = reaper.reap(db.session, settings, now=utcnow() + LATER)
        # Only the silence rule: running records, never the queued one.
        assert jobs["queued"]["id"] not in {r.id for r in done if r.kind == "training job"}
        assert done and all("Prefect could not be asked" in r.error for r in done)
    finally:
        monkeypatch.undo()
        refresh_global_settings_context()
