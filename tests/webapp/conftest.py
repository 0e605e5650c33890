"""Fixtures of the data API tests: projects through the API, batches and images straight in the database."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import service_headers
from webapp import create_app, orchestration
from webapp.extensions import db
from webapp.models import Batch, DatasetVersion, Image, User
from webapp.services import service_accounts
from webapp.unit_of_work import unit_of_work

_SERIAL = itertools.count(1)


@pytest.fixture
def make_project(client: FlaskClient) -> Callable[..., dict[str, Any]]:
    """make_project(headers, name=..., task_type=..., labels=[...]) -> the project as the API shows it."""

    def _make(
        headers: dict[str, str],
        name: str | None = None,
        task_type: str = "classification",
        labels: list[str] | None = None,
    ) -> dict[str, Any]:
        body = {
            "name": name or f"project {next(_SERIAL)}",
            "task_type": task_type,
            "labels": labels if labels is not None else ["cat", "dog"],
        }
        resp = client.post("/api/data/projects", json=body, headers=headers)
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["data"]

    return _make


@pytest.fixture
def make_images() -> Callable[..., list[Image]]:
    """make_images(user, n, project_id=..., batch=..., device_id=..., **columns) -> Image rows.

    The one place tests create images without uploading them: rows go in through the ORM, with unique
    fake sha256 values, in a new batch unless one is given (or in_batch=False), whose image_count moves
    as ingestion moves it. The i-th image is
    created i seconds after a fixed start (captured an hour earlier), so orders are predictable.
    """

    def _make(
        user: User,
        n: int = 1,
        project_id: int | None = None,
        batch: Batch | None = None,
        device_id: int | None = None,
        start: datetime = datetime(2026, 1, 1, tzinfo=UTC),
        in_batch: bool = True,
        **columns: Any,
    ) -> list[Image]:
        if batch is None and in_batch:
            batch = Batch(
                organization_id=user.organization_id,
                project_id=project_id,
                device_id=device_id,
                name=f"batch {next(_SERIAL)}",
            )
            db.session.add(batch)
            db.session.flush()
        images = []
        for _ in range(n):
            serial = next(_SERIAL)
            created = start + timedelta(seconds=len(images))
            values = {
                "sha256": hashlib.sha256(f"image {serial}".encode()).hexdigest(),
                "byte_size": 1000,
                "width": 640,
                "height": 480,
                "format": "jpeg",
                "filename": f"img{serial}.jpg",
                "captured_at": created - timedelta(hours=1),
                "created_at": created,
                **columns,
            }
            image = Image(
                organization_id=user.organization_id,
                project_id=batch.project_id if project_id is None and batch else project_id,
                batch_id=batch.id if batch else None,
                device_id=batch.device_id if device_id is None and batch else device_id,
                **values,
            )
            images.append(image)
        db.session.add_all(images)
        if batch is not None:
            batch.image_count += n
        db.session.commit()
        return images

    return _make


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Record flow starts and cancels instead of reaching Prefect (tests/flows runs the real ones)."""
    calls: list[dict[str, Any]] = []

    def fake_start(kind: str, parameters: dict[str, Any]) -> str:
        calls.append({"kind": kind, **parameters})
        return f"run-{len(calls)}"

    monkeypatch.setattr(orchestration, "start", fake_start)
    monkeypatch.setattr(orchestration, "cancel", lambda run_id: calls.append({"cancel": run_id}))
    return calls


@pytest.fixture
def ready_dataset(
    client: FlaskClient, admin_headers: dict[str, str], labeled_project: Any, started: Any
) -> int:
    """A dataset version marked ready without its flow (no counts, no DVC data)."""
    pid = labeled_project(admin_headers, n=4)["project_id"]
    did = client.post("/api/data/datasets", json={"project_id": pid}, headers=admin_headers).get_json()[
        "data"
    ]["id"]
    version = db.session.get(DatasetVersion, did)
    version.status = "ready"
    db.session.commit()
    return did


@pytest.fixture
def service(admin: Any) -> dict[str, str]:
    """Headers of a service account acting for the admin's organization: the flows' side."""
    with unit_of_work(db.session):
        _, key = service_accounts.create(db.session, "trainer")
    return service_headers(key, admin.organization_id)


@pytest.fixture
def prefect_unconfigured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """No PREFECT_API_URL at all, as on a server set up without one; yields Prefect's home folder,
    where a temporary server Prefect started by itself would leave its database."""
    from prefect.context import refresh_global_settings_context

    home = tmp_path / "prefect-home"
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(home))
    refresh_global_settings_context()
    yield home
    monkeypatch.undo()
    refresh_global_settings_context()


@pytest.fixture
def prefect_unreachable(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point Prefect at a closed port, for real: its settings are re-read, then restored."""
    from prefect.context import refresh_global_settings_context

    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    refresh_global_settings_context()
    yield
    monkeypatch.undo()
    refresh_global_settings_context()


# One app per blob backend, for the tests that must hold on both (storage, fsck).
@pytest.fixture(params=["local", "s3"])
def backend_app(
    request: pytest.FixtureRequest, app: Flask, database_url: str, data_dir: Path
) -> Iterator[Flask]:
    """An app on the test database with the blob backend under test (``app`` cleans the tables)."""
    config: dict[str, Any] = {"data_dir": data_dir, "database_url": database_url}
    if request.param == "s3":
        config |= {
            "blob_backend": "s3",
            "s3_bucket": request.getfixturevalue("bucket"),
            "s3_endpoint_url": request.getfixturevalue("s3_endpoint"),
            "s3_prefix": "blobs/",
        }
    made = create_app(config)
    made.config["TESTING"] = True
    with made.app_context():
        yield made
        db.engine.dispose()
