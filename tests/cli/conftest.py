"""Fixtures of the command-line tests: the CLI on the test database, and a small fleet in two tenants."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask

from acusight.cli import main
from webapp.extensions import db
from webapp.models import (
    DatasetVersion,
    Device,
    DeviceCheckin,
    ExportJob,
    ModelVersion,
    Organization,
    Project,
    TrainingJob,
    utcnow,
)

Cli = Callable[..., Result]


@pytest.fixture
def cli(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, app: Flask) -> Cli:
    """cli("devices", "list", ...) -> click's Result: the command line on the test database (committed
    first, so the command's own session sees what the test made), its key set as the API's would be."""
    monkeypatch.setenv("ACUSIGHT_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("ACUSIGHT_DATABASE_URL", database_url)
    monkeypatch.setenv("ACUSIGHT_SECRET_KEY", secrets.token_urlsafe(48))
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        db.session.commit()
        result = runner.invoke(main, list(args), input=input)
        db.session.expire_all()  # the command changed rows through its own session
        return result

    return run


@dataclass
class Fleet:
    acme: Organization
    globex: Organization
    cameras: Project
    doors: Project
    cam1: Device
    cam2: Device
    spare: Device
    globex_device: Device
    trained: TrainingJob
    running: TrainingJob
    model: ModelVersion
    exported: ExportJob
    failed_export: ExportJob
    globex_export: ExportJob


def _org(name: str) -> Organization:
    org = Organization(name=name, slug=name.lower())
    db.session.add(org)
    db.session.flush()
    return org


def _project(org: Organization, name: str, labels: list[str]) -> Project:
    project = Project(organization_id=org.id, name=name, task_type="classification", labels=labels)
    db.session.add(project)
    db.session.flush()
    return project


def _device(org: Organization, project: Project | None, name: str, **columns: Any) -> Device:
    device = Device(
        organization_id=org.id,
        project_id=project.id if project else None,
        name=name,
        serial_number=f"SN-{name}",
        key_prefix=secrets.token_hex(8),
        key_hash="0" * 64,
        **columns,
    )
    db.session.add(device)
    db.session.flush()
    return device


def _trained(org: Organization, project: Project, status: str, **columns: Any) -> TrainingJob:
    dataset = DatasetVersion(
        organization_id=org.id,
        project_id=project.id,
        version=1,
        name=f"{project.name} v1",
        status="succeeded",
        task_type="classification",
        labels=list(project.labels),
        params={},
    )
    db.session.add(dataset)
    db.session.flush()
    job = TrainingJob(
        organization_id=org.id, project_id=project.id, dataset_id=dataset.id, status=status, **columns
    )
    db.session.add(job)
    db.session.flush()
    return job


def _model(job: TrainingJob) -> ModelVersion:
    model = ModelVersion(
        organization_id=job.organization_id,
        project_id=job.project_id,
        dataset_id=job.dataset_id,
        training_job_id=job.id,
        version=1,
        name="cameras-classifier",
        labels=["cat", "dog"],
        image_size=32,
        artifact_sha256="a" * 64,
        artifact_size=1234,
    )
    db.session.add(model)
    db.session.flush()
    return model


def _export(model: ModelVersion, status: str, **columns: Any) -> ExportJob:
    job = ExportJob(
        organization_id=model.organization_id,
        project_id=model.project_id,
        model_id=model.id,
        status=status,
        opset=17,
        precision="fp32",
        max_accuracy_drop=0.01,
        **columns,
    )
    db.session.add(job)
    db.session.flush()
    return job


def epoch(n: int, of: int = 3) -> dict[str, Any]:
    """One epoch's figures as the training pipeline reports them."""
    return {"epoch": n, "epochs": of, "train_loss": 1.0 / n, "val_accuracy": 0.5 + n / 10, "lr": 0.001}


@pytest.fixture
def fleet(app: Flask) -> Fleet:
    """Acme: projects cameras (2 devices, one seen a minute ago) and doors, a spare device without a
    project, a finished training job (its model, a succeeded and a failed export) and a running one.
    Globex: one device and a succeeded export of its own."""
    acme, globex = _org("Acme"), _org("Globex")
    cameras = _project(acme, "cameras", ["cat", "dog"])
    doors = _project(acme, "doors", ["open", "closed"])
    cam1 = _device(
        acme, cameras, "cam-1", last_seen_at=utcnow() - timedelta(minutes=1), firmware_version="1.2"
    )
    cam2 = _device(acme, cameras, "cam-2")
    spare = _device(acme, None, "spare", disabled=True)
    db.session.add(DeviceCheckin(device_id=cam1.id, battery_pct=81.0, temperature_c=35.5))
    history = [epoch(1), epoch(2), epoch(3)]
    trained = _trained(
        acme,
        cameras,
        "succeeded",
        progress={**epoch(3), "history": history},
        metrics={"val_accuracy": 0.8, "epochs": 3},
        started_at=utcnow(),
        finished_at=utcnow(),
    )
    running = _trained(acme, doors, "running", progress=epoch(1, of=10), started_at=utcnow())
    model = _model(trained)
    exported = _export(model, "succeeded", artifact_sha256="b" * 64, artifact_size=999)
    failed_export = _export(model, "failed", error="parity check failed:\nParityError: outputs differ")
    globex_cams = _project(globex, "cams", ["x"])
    globex_device = _device(globex, globex_cams, "g-1")
    globex_trained = _trained(globex, globex_cams, "succeeded")
    globex_export = _export(_model(globex_trained), "succeeded", artifact_sha256="c" * 64, artifact_size=1)
    db.session.commit()
    return Fleet(
        acme,
        globex,
        cameras,
        doors,
        cam1,
        cam2,
        spare,
        globex_device,
        trained,
        running,
        model,
        exported,
        failed_export,
        globex_export,
    )
