"""The reaper against a real Prefect server: dead flow runs end their records, and a killed worker's
training job ends failed (Prefect's heartbeat automation marks the run CRASHED; the reaper syncs it)."""

from __future__ import annotations

import contextlib
import signal
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import psutil
import pytest
from flask import Flask
from flask.testing import FlaskClient
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import StateType
from prefect.states import State

from tests.flows.conftest import prefect_server_at, start_worker, stop_worker
from tests.helpers import FLOW_TEST_SETTINGS, wait_final, wait_until
from webapp import orchestration
from webapp.extensions import db
from webapp.models import DatasetVersion, TrainingJob, User, utcnow
from webapp.services import reaper, service_accounts
from webapp.settings import Settings, get_settings

HOUR = timedelta(hours=1)


@pytest.fixture
def app_config() -> dict[str, Any]:
    """A training that outlasts the worker's kill asks for more epochs than the default bound."""
    return {**FLOW_TEST_SETTINGS, "training_max_epochs": 1000}


@flow(name="reaper-probe")
def probe() -> None:
    """Never run: its runs only carry the states a test gives them."""


def flow_run_in(state: StateType, message: str = "") -> str:
    with get_client(sync_client=True) as client:
        run = client.create_flow_run(probe)
        client.set_flow_run_state(run.id, State(type=state, message=message), force=True)
    return str(run.id)


def settings_for(app: Flask, **changes: Any) -> Settings:
    settings: Settings = get_settings(app)
    return Settings(**{**settings.__dict__, **changes})


def test_records_follow_what_prefect_says_of_their_runs(
    app: Flask, prefect_server: str, admin: User, admin_headers: dict[str, str], labeled_project: Any
) -> None:
    project_id = labeled_project(admin_headers, n=2)["project_id"]
    org = admin.organization_id
    quiet = utcnow() - HOUR
    silent = utcnow() - 7 * HOUR

    def version(status: str, run_id: str | None, updated: Any = quiet) -> DatasetVersion:
        made = DatasetVersion(
            organization_id=org,
            project_id=project_id,
            version=len(versions) + 1,
            name=f"v{len(versions) + 1}",
            status=status,
            task_type="classification",
            labels=["cat", "dog"],
            params={"image_size": 16},
            flow_run_id=run_id,
            updated_at=updated,
        )
        versions.append(made)
        return made

    versions: list[DatasetVersion] = []
    crashed = version("running", flow_run_in(StateType.CRASHED, "worker lost"))
    vanished = version("queued", str(uuid.uuid4()))
    completed = version("running", flow_run_in(StateType.COMPLETED))
    just_now = version("running", flow_run_in(StateType.CRASHED), updated=utcnow())
    waiting = version("queued", flow_run_in(StateType.SCHEDULED), updated=silent)
    ready = version("ready", flow_run_in(StateType.CRASHED))
    db.session.add_all(versions)
    db.session.flush()

    def job(run_id: str, updated: Any = quiet) -> TrainingJob:
        return TrainingJob(
            organization_id=org,
            project_id=project_id,
            dataset_id=ready.id,
            status="running",
            params={},
            device="cpu",
            flow_run_id=run_id,
            updated_at=updated,
        )

    cancelled = job(flow_run_in(StateType.CANCELLED, "cancelled in the UI"))
    failed = job(flow_run_in(StateType.FAILED, "Traceback: boom"))
    alive = job(flow_run_in(StateType.RUNNING))
    hung = job(flow_run_in(StateType.RUNNING), updated=silent)
    db.session.add_all([cancelled, failed, alive, hung])
    db.session.commit()

    done = reaper.reap(db.session, settings_for(app))
    db.session.expire_all()
    assert {(r.kind, r.id) for r in done} == {
        ("dataset version", crashed.id),
        ("dataset version", vanished.id),
        ("dataset version", completed.id),
        ("training job", cancelled.id),
        ("training job", failed.id),
        ("training job", hung.id),
    }
    assert crashed.status == "failed" and "is CRASHED in Prefect: worker lost" in (crashed.error or "")
    assert crashed.finished_at is not None
    assert vanished.status == "failed" and "Prefect has no flow run" in (vanished.error or "")
    assert completed.status == "failed" and "COMPLETED in Prefect without" in (completed.error or "")
    assert cancelled.status == "cancelled" and "CANCELLED" in (cancelled.error or "")
    assert failed.status == "failed" and "FAILED in Prefect: Traceback: boom" in (failed.error or "")
    assert (
        hung.status == "failed"
        and "no progress report for 7.0 h while running (Prefect says RUNNING)" in (hung.error or "")
    )
    # Quiet too briefly, waiting for a worker, alive, or final: left as they are.
    assert just_now.status == "running" and waiting.status == "queued" and alive.status == "running"
    assert ready.status == "ready" and alive.error is None
    # What the API shows: the error, readable.
    assert reaper.reap(db.session, settings_for(app)) == []


def test_zombie_detection_is_set_up_once() -> None:
    assert orchestration.ensure_zombie_detection(300)
    assert orchestration.ensure_zombie_detection(300)
    assert orchestration.ensure_zombie_detection(120)
    with get_client(sync_client=True) as client:
        found = client.read_automations_by_name(orchestration.ZOMBIE_AUTOMATION)
    assert [a.trigger.within for a in found] == [timedelta(seconds=120)]  # type: ignore[union-attr]


@pytest.fixture
def own_prefect(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Prefect server of this test alone: its worker is the only one serving the deployments."""
    with prefect_server_at(tmp_path_factory.mktemp("reaper-prefect")) as url:
        yield url


def kill_tree(proc: psutil.Process) -> int:
    """SIGKILL a process and every process under it, as a machine dying would; returns how many."""
    victims = [proc, *proc.children(recursive=True)]
    for victim in victims:
        with contextlib.suppress(psutil.NoSuchProcess):
            victim.send_signal(signal.SIGKILL)
    return len(victims)


@pytest.mark.slow
def test_a_killed_worker_leaves_no_training_job_running(
    app: Flask,
    client: FlaskClient,
    own_prefect: str,
    live_api: str,
    admin_headers: dict[str, str],
    labeled_project: Any,
    tmp_path: Path,
) -> None:
    worker_dir = tmp_path / "worker"
    worker_dir.mkdir()
    _, key = service_accounts.rotate(db.session, "reaper-worker")
    db.session.commit()  # services only flush; the worker reads it from another process
    (worker_dir / "service_key").write_text(key)
    # Heartbeats at Prefect's shortest interval, and runs without one for 45 s are CRASHED.
    proc = start_worker(own_prefect, live_api, worker_dir, PREFECT_FLOWS_HEARTBEAT_FREQUENCY="30")
    try:
        assert orchestration.ensure_zombie_detection(45)
        made = labeled_project(admin_headers, n=30, labels=("a", "b", "c"))
        body = {"project_id": made["project_id"], "image_size": 16}
        dataset = client.post("/api/data/datasets", json=body, headers=admin_headers).get_json()["data"]
        assert wait_final(client, admin_headers, dataset["id"], worker_dir)["status"] == "ready"
        body = {
            "dataset_id": dataset["id"],
            "params": {"epochs": 1000, "width": 8, "batch_size": 16},
            "device": "cpu",
        }
        created = client.post("/api/ml/training-jobs", json=body, headers=admin_headers)
        assert created.status_code == 201, created.get_json()
        job = created.get_json()["data"]

        def training() -> bool:
            got = client.get(f"/api/ml/training-jobs/{job['id']}", headers=admin_headers).get_json()["data"]
            assert got["status"] in ("queued", "running"), got
            return bool(got["progress"])

        wait_until(training, 180, "the first epoch's report", interval=0.5)
        assert kill_tree(psutil.Process(proc.pid)) > 2  # the worker, its flow run, dvc, the trainer
        proc.wait(30)

        settings = settings_for(app, job_check_after_s=5, job_stale_after_s=3600)
        reaped: list[reaper.Reaped] = []

        def reaped_job() -> bool:
            db.session.rollback()
            reaped.extend(reaper.reap(db.session, settings))
            db.session.commit()  # one pass, one unit of work (as the reap command)
            return any(r.id == job["id"] and r.kind == "training job" for r in reaped)

        wait_until(reaped_job, 180, "Prefect to mark the run CRASHED and the reaper to fail the job", 2)
        got = client.get(f"/api/ml/training-jobs/{job['id']}", headers=admin_headers).get_json()["data"]
        assert got["status"] == "failed" and got["finished_at"]
        assert "CRASHED in Prefect" in got["error"] and "no heartbeat for 45 s" in got["error"], got["error"]
    finally:
        if proc.poll() is None:
            stop_worker(proc)
