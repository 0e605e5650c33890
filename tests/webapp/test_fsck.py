"""`acusight fsck`: orphans from a real crash, missing blobs, stale staging; live data is never touched."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from acusight.cli import main
from tests.helpers import make_image, post_image
from webapp.extensions import db
from webapp.models import DatasetVersion
from webapp.services import fsck
from webapp.services.models import artifact_key
from webapp.settings import get_settings
from webapp.storage import BlobStore, LocalBlobStore, blob_key, derived_key, get_store

DAY = 24 * 3600
LATER = time.time() + 3 * DAY  # a clock past every grace period, for backends whose times can't be set


def run_check(app: Flask, **kwargs: Any) -> fsck.FsckReport:
    with app.app_context():
        return fsck.check(db.session, db.engine, get_store(), backend="test", **kwargs)


def live_data(
    app: Flask, admin_headers: dict[str, str], provision: Any, service: dict[str, str], started: Any
) -> dict[str, Any]:
    """Through ``app``'s API: images (one with a thumbnail), a dataset version and a model checkpoint."""
    client = app.test_client()
    project = client.post(
        "/api/data/projects",
        json={"name": "live", "task_type": "classification", "labels": ["a", "b"]},
        headers=admin_headers,
    ).get_json()["data"]
    key = provision(admin_headers, "LIVE-1", project_id=project["id"])["api_key"]
    images = {}
    for i in range(4):
        data = make_image("PNG", seed=1000 + i)
        body = post_image(client, key, data, "live.png").get_json()["data"]
        images[body["id"]] = data
        client.post(
            "/api/data/annotations",
            json={"image_id": body["id"], "label": "ab"[i % 2]},
            headers=admin_headers,
        )
    first = next(iter(images))
    assert client.get(f"/api/data/images/{first}/thumbnail", headers=admin_headers).status_code == 200
    dataset = client.post(
        "/api/data/datasets", json={"project_id": project["id"]}, headers=admin_headers
    ).get_json()["data"]
    version = db.session.get(DatasetVersion, dataset["id"])
    assert version is not None
    version.status = "ready"
    db.session.commit()
    job = client.post("/api/ml/training-jobs", json={"dataset_id": dataset["id"]}, headers=admin_headers)
    path = f"/api/ml/training-jobs/{job.get_json()['data']['id']}"
    client.patch(path, json={"status": "running"}, headers=service)
    checkpoint = b"\x80weights " + os.urandom(64)
    model = client.post(
        f"{path}/model",
        data={"file": (io.BytesIO(checkpoint), "model.pt"), "metrics": "{}"},
        headers=service,
        content_type="multipart/form-data",
    )
    assert model.status_code == 201, model.get_json()
    return {"key": key, "images": images, "model": model.get_json()["data"], "checkpoint": checkpoint}


def assert_live_data_intact(app: Flask, admin_headers: dict[str, str], live: dict[str, Any]) -> None:
    client = app.test_client()
    for image_id, data in live["images"].items():
        assert client.get(f"/api/data/images/{image_id}/file", headers=admin_headers).data == data
    first = next(iter(live["images"]))
    with app.app_context():
        sha = hashlib.sha256(live["images"][first]).hexdigest()
        assert get_store().exists(derived_key(sha, "thumb-256.jpg"))
    model = client.get(f"/api/ml/models/{live['model']['id']}/download", headers=admin_headers)
    assert model.status_code == 200 and model.data == live["checkpoint"]


def crash_between_blob_and_commit(app: Flask, data: bytes, device_key: str) -> str:
    """Upload ``data`` in a child process SIGKILLed as soon as the store has published the blob.

    The blob is then durably in the store under its real key and no row refers to it: what a power
    cut or an OOM kill between the two steps leaves. Returns the blob's sha256.
    """
    settings = get_settings(app)
    script = textwrap.dedent(
        """
        import io, os, signal, sys
        from webapp import create_app, storage

        # Die exactly where a crash hurts most: the blob is published, its row not yet written.
        def publish_then_die(put_file):
            def put(self, key, path):
                put_file(self, key, path)
                os.kill(os.getpid(), signal.SIGKILL)
            return put

        for backend in (storage.LocalBlobStore, storage.S3BlobStore):
            backend.put_file = publish_then_die(backend.put_file)
        app = create_app()
        data = sys.stdin.buffer.read()
        app.test_client().post(
            "/api/device/images/upload",
            data={"file": (io.BytesIO(data), "crash.png")},
            headers={"X-Device-Key": sys.argv[1]},
            content_type="multipart/form-data",
        )
        """
    )
    env = {
        **os.environ,
        "ACUSIGHT_DATA_DIR": str(settings.data_dir),
        "ACUSIGHT_DATABASE_URL": settings.database_url,
        "ACUSIGHT_BLOB_BACKEND": settings.blob_backend,
        "ACUSIGHT_S3_BUCKET": settings.s3_bucket,
        "ACUSIGHT_S3_ENDPOINT_URL": settings.s3_endpoint_url,
        "ACUSIGHT_S3_PREFIX": settings.s3_prefix,
    }
    proc = subprocess.run(
        [sys.executable, "-c", script, device_key], input=data, env=env, capture_output=True, timeout=120
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    return hashlib.sha256(data).hexdigest()


def age(store: BlobStore, key: str, seconds: float) -> None:
    """Make a local blob look ``seconds`` old (S3 tests use a later clock instead)."""
    assert isinstance(store, LocalBlobStore)
    then = time.time() - seconds
    os.utime(store.root / key, (then, then))


def test_a_crash_leaves_an_orphan_that_waits_out_the_grace_period_then_goes(
    backend_app: Flask,
    admin_headers: dict[str, str],
    provision: Any,
    service: dict[str, str],
    started: Any,
) -> None:
    live = live_data(backend_app, admin_headers, provision, service, started)
    first = run_check(backend_app)
    assert first.problems_remaining == 0, "\n".join(first.lines())
    assert run_check(backend_app, now=LATER).problems_remaining == 0

    orphan_data = make_image("PNG", seed=99)
    sha = crash_between_blob_and_commit(backend_app, orphan_data, live["key"])
    with backend_app.app_context():
        store = get_store()
        assert store.exists(blob_key(sha))
    client = backend_app.test_client()
    listed = client.get("/api/data/images?per_page=100", headers=admin_headers).get_json()["data"]
    assert sha not in {image["sha256"] for image in listed}

    # Within the grace period it may be an upload in flight: reported as such, never removed.
    fresh = run_check(backend_app, repair=True)
    assert fresh.problems_remaining == 0 and fresh.orphan_images.count == 0
    assert f"{blob_key(sha)}" in fresh.young.examples
    with backend_app.app_context():
        assert get_store().exists(blob_key(sha))

    # Past it: a problem, until repaired; live data is untouched by either pass.
    seen = run_check(backend_app, now=LATER)
    assert seen.orphan_images.count == 1 and seen.orphan_images.examples == [blob_key(sha)]
    # S3 staging is a copy: the killed process also left its staged upload behind (locally it was moved).
    assert seen.stale_staging.count == (0 if isinstance(store, LocalBlobStore) else 1)
    assert seen.problems_remaining == 1 + seen.stale_staging.count and seen.orphan_images.repaired == 0
    repaired = run_check(backend_app, now=LATER, repair=True)
    assert repaired.orphan_images.repaired == 1 and repaired.problems_remaining == 0
    with backend_app.app_context():
        assert not get_store().exists(blob_key(sha))
    assert_live_data_intact(backend_app, admin_headers, live)
    assert run_check(backend_app, now=LATER).problems_remaining == 0


def test_the_device_retry_after_a_crash_claims_the_orphan(
    backend_app: Flask, admin_headers: dict[str, str], provision: Any, service: dict[str, str], started: Any
) -> None:
    live = live_data(backend_app, admin_headers, provision, service, started)
    data = make_image("PNG", seed=123)
    sha = crash_between_blob_and_commit(backend_app, data, live["key"])
    retry = post_image(backend_app.test_client(), live["key"], data, "crash.png")
    assert retry.status_code == 201 and retry.get_json()["data"]["sha256"] == sha
    report = run_check(backend_app, now=LATER, repair=True)
    assert report.problems_remaining == 0 and report.orphan_images.count == 0
    served = backend_app.test_client().get(
        f"/api/data/images/{retry.get_json()['data']['id']}/file", headers=admin_headers
    )
    assert served.data == data


def test_rows_without_their_blob_are_listed_and_left(
    backend_app: Flask, admin_headers: dict[str, str], provision: Any, service: dict[str, str], started: Any
) -> None:
    live = live_data(backend_app, admin_headers, provision, service, started)
    lost_id, lost_data = next(iter(live["images"].items()))
    lost_sha = hashlib.sha256(lost_data).hexdigest()
    with backend_app.app_context():
        store = get_store()
        store.delete(blob_key(lost_sha))
        store.delete(artifact_key(live["model"]["artifact_sha256"]))
    report = run_check(backend_app, now=LATER, repair=True)
    assert report.missing_images.count == 1
    assert report.missing_images.examples == [f"sha256 {lost_sha}: image {lost_id}"]
    assert report.missing_artifacts.count == 1
    assert f"model {live['model']['id']}" in report.missing_artifacts.examples[0]
    # Not repairable: they stay problems, and nothing else was touched to "fix" them.
    assert report.problems_remaining == 2 and report.missing_images.repaired == 0
    assert report.orphan_images.count == report.orphan_derived.count == 0
    text = "\n".join(report.lines())
    assert f"image {lost_id}" in text and "restore them from a backup" in text and "2 problems remain" in text


def test_orphan_thumbnails_artifacts_stale_staging_and_unknown_keys(
    backend_app: Flask, admin_headers: dict[str, str], provision: Any, service: dict[str, str], started: Any
) -> None:
    live = live_data(backend_app, admin_headers, provision, service, started)
    ghost = hashlib.sha256(b"an image that never had a row").hexdigest()
    with backend_app.app_context():
        store = get_store()
        store.put_bytes(derived_key(ghost, "thumb-256.jpg"), b"thumb")
        store.put_bytes(artifact_key(ghost), b"half a checkpoint")
        store.put_bytes("notes/readme.txt", b"not ours")
        stale = store.staging_dir / "upload-crashed.part"
        stale.write_bytes(b"x" * 10)
        old = time.time() - 2 * DAY
        os.utime(stale, (old, old))
        in_flight = store.staging_dir / "upload-now.part"
        in_flight.write_bytes(b"y")

    if isinstance(store, LocalBlobStore):
        # Fresh blobs: only the stale staged file is a problem until they age.
        report = run_check(backend_app)
        assert report.orphan_derived.count == report.orphan_artifacts.count == 0
        assert report.stale_staging.count == 1 and report.problems_remaining == 1
        for key in (derived_key(ghost, "thumb-256.jpg"), artifact_key(ghost)):
            age(store, key, 2 * DAY)
        report = run_check(backend_app, repair=True)
    else:
        report = run_check(backend_app, now=LATER, repair=True)
    assert report.orphan_derived.examples == [derived_key(ghost, "thumb-256.jpg")]
    assert report.orphan_artifacts.examples == [artifact_key(ghost)]
    assert report.unknown_keys.examples == ["notes/readme.txt"]
    assert report.orphan_derived.repaired == report.orphan_artifacts.repaired == 1
    # On S3 the later clock makes every staged file stale; locally the in-flight one is left alone.
    assert not stale.exists() and report.problems_remaining == 0
    if isinstance(store, LocalBlobStore):
        assert in_flight.exists() and report.stale_staging.count == 1
    with backend_app.app_context():
        assert get_store().exists("notes/readme.txt")  # never ours to remove
        assert not get_store().exists(artifact_key(ghost))
    assert_live_data_intact(backend_app, admin_headers, live)


def test_a_claim_during_removal_keeps_the_blob(tmp_path: Path) -> None:
    """The local store moves a blob aside before removing it; an upload claiming it then republishes it."""
    store = LocalBlobStore(tmp_path / "blobs")
    data = b"bytes of an image"
    key = blob_key(hashlib.sha256(data).hexdigest())
    store.put_bytes(key, data)
    age(store, key, 2 * DAY)

    def claimed_meanwhile() -> bool:
        # A retried upload arrives while fsck holds the blob aside: it publishes the same bytes again.
        staged = store.stage()
        staged.write(data)
        staged.flush()
        store.put_file(key, staged.path)
        staged.close()
        return False  # and its row is committed by the time fsck asks

    assert not store.remove_unclaimed(key, time.time() - DAY, claimed_meanwhile)
    with store.open(key) as f:
        assert f.read() == data
    # A claim that only touched the blob (it existed) makes it young: also kept.
    age(store, key, 2 * DAY)
    store.put_file(key, tmp_path / "never-read")
    assert not store.remove_unclaimed(key, time.time() - DAY, lambda: True)
    assert store.exists(key)
    assert list(store.staged_files()) == []
    age(store, key, 2 * DAY)
    assert store.remove_unclaimed(key, time.time() - DAY, lambda: True) and not store.exists(key)


def test_cli(
    client: FlaskClient,
    app: Flask,
    data_dir: Path,
    database_url: str,
    admin_headers: dict[str, str],
    provision: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACUSIGHT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ACUSIGHT_DATABASE_URL", database_url)
    monkeypatch.delenv("ACUSIGHT_BLOB_BACKEND", raising=False)
    key = provision(admin_headers, "CLI-1")["api_key"]
    kept = post_image(client, key, make_image("PNG", seed=7)).get_json()["data"]
    runner = CliRunner()
    clean = runner.invoke(main, ["fsck"])
    assert clean.exit_code == 0 and clean.output.strip().endswith("clean"), clean.output

    store = get_store()
    orphan = make_image("PNG", seed=8)
    store.put_bytes(blob_key(hashlib.sha256(orphan).hexdigest()), orphan)
    found = runner.invoke(main, ["fsck", "--grace-hours", "0"])
    assert found.exit_code == 1 and "image blobs without a row: 1" in found.output, found.output
    fixed = runner.invoke(main, ["fsck", "--grace-hours", "0", "--repair", "--json"])
    assert fixed.exit_code == 0, fixed.output
    assert '"problems_remaining": 0' in fixed.output and '"repaired": 1' in fixed.output
    assert client.get(f"/api/data/images/{kept['id']}/file", headers=admin_headers).status_code == 200

    store.delete(blob_key(kept["sha256"]))
    lost = runner.invoke(main, ["fsck", "--repair"])
    assert lost.exit_code == 1 and f"image {kept['id']}" in lost.output
    assert runner.invoke(main, ["fsck", "--grace-hours", "-1"]).exit_code == 2
