"""Image uploads from devices (never lost, never duplicated) and serving the files back to users."""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image as PILImage
from sqlalchemy import func, select

from tests.conftest import bearer
from tests.helpers import UPLOAD, assert_error, blob_files, image_count, make_image, post_image, staged_files
from webapp import create_app
from webapp.extensions import db
from webapp.models import Batch, Image, Project
from webapp.services import image_files, ingest
from webapp.settings import get_settings
from webapp.storage import SmallChunkFormDataParser, blob_key


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def project(admin: Any) -> Project:
    project = Project(organization_id=admin.organization_id, name="gate", labels=[])
    db.session.add(project)
    db.session.commit()
    return project


@pytest.fixture
def device(admin_headers: dict[str, str], provision: Any, project: Project) -> dict[str, Any]:
    """A provisioned device of the admin's organization, in ``project``: {"device": ..., "api_key": ...}."""
    return provision(admin_headers, "CAM-1", project_id=project.id)


@pytest.fixture
def key(device: dict[str, Any]) -> str:
    return str(device["api_key"])


# --- the happy path -------------------------------------------------------------------------------


def test_upload_stores_blob_then_row(
    client: FlaskClient, key: str, device: dict[str, Any], project: Project, data_dir: Path
) -> None:
    data = make_image("JPEG", (64, 48))
    resp = post_image(client, key, data, captured_at="2026-11-05T10:20:30+02:00", metadata='{"lux": 310}')
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()["data"]
    assert body["sha256"] == sha(data)
    assert (body["width"], body["height"], body["format"]) == (64, 48, "jpeg")
    assert body["byte_size"] == len(data) and body["duplicate"] is False
    assert body["project_id"] == project.id and body["batch_id"]
    assert body["captured_at"].startswith("2026-11-05T08:20:30")

    blob = data_dir / "blobs" / blob_key(sha(data))
    assert blob.read_bytes() == data
    assert blob_files(data_dir) == [blob]
    assert staged_files(data_dir) == []

    image = db.session.get(Image, body["id"])
    assert image is not None
    assert image.meta == {"lux": 310} and image.filename == "cam.jpg"
    assert image.device_id == device["device"]["id"]
    batch = db.session.get(Batch, body["batch_id"])
    assert batch is not None and batch.image_count == 1 and batch.status == "open"
    assert batch.day == datetime.now(UTC).date() and batch.project_id == project.id


@pytest.mark.parametrize("fmt,mode", [("PNG", "RGBA"), ("WEBP", "RGB"), ("JPEG", "L")])
def test_accepted_formats(client: FlaskClient, key: str, fmt: str, mode: str) -> None:
    resp = post_image(client, key, make_image(fmt, (30, 20), mode=mode), filename="x.bin")
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["data"]["format"] == fmt.lower()
    assert (resp.get_json()["data"]["width"], resp.get_json()["data"]["height"]) == (30, 20)


def test_declared_sha256_is_checked_case_insensitively(client: FlaskClient, key: str) -> None:
    data = make_image()
    resp = post_image(client, key, data, sha256=sha(data).upper())
    assert resp.status_code == 201


def test_naive_captured_at_is_utc(client: FlaskClient, key: str) -> None:
    resp = post_image(client, key, make_image(), captured_at="2026-01-02T03:04:05")
    assert resp.get_json()["data"]["captured_at"].startswith("2026-01-02T03:04:05")


def test_upload_without_a_capture_time_is_taken_as_captured_on_arrival(
    client: FlaskClient, key: str, admin_headers: dict[str, str]
) -> None:
    before = datetime.now(UTC)
    late = post_image(client, key, make_image(seed=1)).get_json()["data"]
    assert late["captured_at"] == late["created_at"]
    assert datetime.fromisoformat(late["captured_at"]) >= before.replace(microsecond=0)
    early = post_image(client, key, make_image(seed=2), captured_at="2020-01-01T00:00:00Z").get_json()["data"]
    # Sorted by capture time, the image without one is the newest, on every database.
    listed = client.get("/api/data/images?sort=captured", headers=admin_headers).get_json()["data"]
    assert [i["id"] for i in listed] == [late["id"], early["id"]]
    assert db.session.get(Image, late["id"]).captured_at is not None  # type: ignore[union-attr]


def test_upload_marks_device_seen(
    client: FlaskClient, key: str, device: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    post_image(client, key, make_image())
    got = client.get(f"/api/devices/{device['device']['id']}", headers=admin_headers).get_json()["data"]
    assert got["status"] == "online" and got["last_seen_at"]


# --- duplicates -----------------------------------------------------------------------------------


def test_same_bytes_again_is_the_same_image(client: FlaskClient, key: str, data_dir: Path) -> None:
    data = make_image()
    first = post_image(client, key, data).get_json()["data"]
    again = post_image(client, key, data, filename="other-name.jpg")
    assert again.status_code == 200
    body = again.get_json()["data"]
    assert body["duplicate"] is True
    assert {k: v for k, v in body.items() if k != "duplicate"} == {
        k: v for k, v in first.items() if k != "duplicate"
    }
    assert image_count() == 1 and len(blob_files(data_dir)) == 1 and staged_files(data_dir) == []
    assert db.session.get(Batch, first["batch_id"]).image_count == 1  # type: ignore[union-attr]


def test_same_bytes_from_another_device_of_the_org_is_a_duplicate(
    client: FlaskClient, key: str, admin_headers: dict[str, str], provision: Any, project: Project
) -> None:
    data = make_image()
    first = post_image(client, key, data).get_json()["data"]
    other_key = provision(admin_headers, "CAM-2", project_id=project.id)["api_key"]
    again = post_image(client, other_key, data).get_json()["data"]
    assert again["duplicate"] is True and again["id"] == first["id"]


def test_same_bytes_in_another_org_is_a_new_image_sharing_the_blob(
    client: FlaskClient, key: str, make_user: Any, provision: Any, data_dir: Path
) -> None:
    data = make_image()
    mine = post_image(client, key, data).get_json()["data"]
    their_key = provision(bearer(make_user("admin", org="Globex")), "G-1")["api_key"]
    theirs = post_image(client, their_key, data)
    assert theirs.status_code == 201
    assert theirs.get_json()["data"]["id"] != mine["id"]
    assert image_count() == 2 and len(blob_files(data_dir)) == 1


def _concurrently(app: Flask, calls: list[Callable[[FlaskClient], Any]]) -> list[Any]:
    """Run each call in its own thread with its own client, all released at once."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        try:
            results[i] = calls[i](client)
        except BaseException as exc:  # surfaced by the assertions below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_concurrent_uploads_of_the_same_bytes_store_one_image(app: Flask, key: str, data_dir: Path) -> None:
    data = make_image()
    results = _concurrently(app, [lambda c: post_image(c, key, data)] * 6)
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] * 5 + [201], [r.get_json() if hasattr(r, "get_json") else r for r in results]
    bodies = [r.get_json()["data"] for r in results]
    assert len({b["id"] for b in bodies}) == 1
    assert sum(b["duplicate"] for b in bodies) == 5
    assert image_count() == 1 and len(blob_files(data_dir)) == 1 and staged_files(data_dir) == []
    assert db.session.scalar(select(Batch.image_count)) == 1


def test_concurrent_first_uploads_of_the_day_share_one_batch(app: Flask, key: str) -> None:
    images = [make_image(seed=i) for i in range(6)]
    results = _concurrently(app, [lambda c, d=d: post_image(c, key, d) for d in images])  # type: ignore[misc]
    assert [r.status_code for r in results] == [201] * 6
    assert len({r.get_json()["data"]["batch_id"] for r in results}) == 1
    assert db.session.scalar(select(func.count()).select_from(Batch)) == 1
    assert db.session.scalar(select(Batch.image_count)) == 6


def test_losing_the_batch_creation_race_joins_the_winners_batch(
    client: FlaskClient, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_create = ingest._create_batch

    def racing(session: Any, device: Any, batch_key: str, *args: Any) -> None:
        # Another upload creates the same batch between our lookup and our insert.
        real_create(session, device, batch_key, *args)
        real_create(session, device, batch_key, *args)

    monkeypatch.setattr(ingest, "_create_batch", racing)
    body = post_image(client, key, make_image()).get_json()["data"]
    assert db.session.scalar(select(func.count()).select_from(Batch)) == 1
    assert db.session.scalar(select(Batch.id)) == body["batch_id"]
    assert db.session.scalar(select(Batch.image_count)) == 1


def test_a_batch_created_just_after_our_attempt_is_joined_not_skipped(
    client: FlaskClient, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_join = ingest._join_batch

    def join(session: Any, device: Any, name: Any, now: Any, attempt: Any) -> Any:
        calls = 0

        def late(batch_key: str) -> Any:
            nonlocal calls
            calls += 1
            if calls == 1:
                # Our attempt found no batch; another upload creates it before we look under the key.
                ingest._create_batch(session, device, batch_key, name, now.date(), 1)
                return None
            return attempt(batch_key)

        return real_join(session, device, name, now, late)

    monkeypatch.setattr(ingest, "_join_batch", join)
    body = post_image(client, key, make_image()).get_json()["data"]
    assert db.session.scalar(select(func.count()).select_from(Batch)) == 1
    batch = db.session.get(Batch, body["batch_id"])
    assert batch is not None and batch.image_count == 1 and not batch.name.endswith("(2)")


# --- batches --------------------------------------------------------------------------------------


def test_named_batch_groups_uploads_across_devices(
    client: FlaskClient, key: str, admin_headers: dict[str, str], provision: Any, project: Project
) -> None:
    other_key = provision(admin_headers, "CAM-2", project_id=project.id)["api_key"]
    a = post_image(client, key, make_image(seed=1), batch="field trial").get_json()["data"]
    b = post_image(client, other_key, make_image(seed=2), batch="field trial").get_json()["data"]
    c = post_image(client, key, make_image(seed=3)).get_json()["data"]
    assert a["batch_id"] == b["batch_id"] != c["batch_id"]
    named = db.session.get(Batch, a["batch_id"])
    assert named is not None and named.name == "field trial" and named.image_count == 2 and named.day is None


def test_each_device_has_its_own_day_batch(
    client: FlaskClient, key: str, admin_headers: dict[str, str], provision: Any, project: Project
) -> None:
    other_key = provision(admin_headers, "CAM-2", project_id=project.id)["api_key"]
    a = post_image(client, key, make_image(seed=1)).get_json()["data"]
    b = post_image(client, other_key, make_image(seed=2)).get_json()["data"]
    c = post_image(client, key, make_image(seed=3)).get_json()["data"]
    assert a["batch_id"] == c["batch_id"] != b["batch_id"]
    assert db.session.get(Batch, a["batch_id"]).name == f"CAM-1 {datetime.now(UTC).date()}"  # type: ignore[union-attr]


def test_a_batch_moved_on_from_open_takes_no_more_uploads(client: FlaskClient, key: str) -> None:
    first = post_image(client, key, make_image(seed=1)).get_json()["data"]
    batch = db.session.get(Batch, first["batch_id"])
    assert batch is not None
    batch.status = "ready"
    db.session.commit()
    second = post_image(client, key, make_image(seed=2)).get_json()["data"]
    assert second["batch_id"] != first["batch_id"]
    fresh = db.session.get(Batch, second["batch_id"])
    assert fresh is not None and fresh.status == "open" and fresh.image_count == 1
    assert fresh.name.endswith("(2)")
    assert db.session.get(Batch, first["batch_id"]).image_count == 1  # type: ignore[union-attr]


def test_a_batch_moved_to_another_project_takes_no_more_uploads(
    client: FlaskClient, key: str, admin: Any, project: Project
) -> None:
    first = post_image(client, key, make_image(seed=1)).get_json()["data"]
    other = Project(organization_id=admin.organization_id, name="elsewhere", labels=[])
    db.session.add(other)
    db.session.commit()
    batch = db.session.get(Batch, first["batch_id"])
    assert batch is not None
    batch.project_id = other.id
    db.session.commit()
    second = post_image(client, key, make_image(seed=2)).get_json()["data"]
    assert second["batch_id"] != first["batch_id"] and second["project_id"] == project.id
    fresh = db.session.get(Batch, second["batch_id"])
    assert fresh is not None and fresh.project_id == project.id and fresh.image_count == 1


def test_device_without_project_still_uploads(
    client: FlaskClient, admin_headers: dict[str, str], provision: Any
) -> None:
    loose_key = provision(admin_headers, "LOOSE")["api_key"]
    resp = post_image(client, loose_key, make_image())
    assert resp.status_code == 201
    assert resp.get_json()["data"]["project_id"] is None
    batch = db.session.get(Batch, resp.get_json()["data"]["batch_id"])
    assert batch is not None and batch.project_id is None


# --- refusals: nothing is stored ------------------------------------------------------------------


def _nothing_stored(data_dir: Path) -> None:
    assert image_count() == 0
    assert blob_files(data_dir) == []
    assert staged_files(data_dir) == []


def _truncated_png() -> bytes:
    data = make_image("PNG", (64, 64))
    return data[: len(data) - 30]


def _corrupt_jpeg() -> bytes:
    data = bytearray(make_image("JPEG", (64, 64)))
    # Keep the headers; overwrite the entropy-coded data with markers that are not allowed there.
    data[len(data) // 2 : len(data) // 2 + 64] = b"\xff\xd8" * 32
    return bytes(data)


@pytest.mark.parametrize(
    "data,filename",
    [
        (b"just some text, not a picture\n", "notes.jpg"),
        (b"", "empty.jpg"),
        (lambda: make_image("JPEG", (64, 64))[:300], "truncated.jpg"),
        (_truncated_png, "truncated.png"),
        (_corrupt_jpeg, "corrupt.jpg"),
        (lambda: b"\xff\xd8\xff\xe0" + b"\x00" * 500, "header-only.jpg"),
        (lambda: make_image("GIF", (16, 16)), "real.gif"),
        (lambda: make_image("BMP", (16, 16)), "real.jpg"),
    ],
    ids=[
        "text-named-jpg",
        "empty",
        "truncated-jpeg",
        "truncated-png",
        "corrupt-jpeg",
        "header-only",
        "gif",
        "bmp-named-jpg",
    ],
)
def test_not_an_accepted_image_is_refused(
    client: FlaskClient, key: str, data_dir: Path, data: Any, filename: str
) -> None:
    payload = data() if callable(data) else data
    resp = post_image(client, key, payload, filename=filename)
    assert_error(resp, 400, "VALIDATION_ERROR")
    _nothing_stored(data_dir)


def test_decompression_bomb_is_refused(app: Flask, key: str, data_dir: Path) -> None:
    get_settings(app).max_image_pixels = 100 * 100
    resp = post_image(app.test_client(), key, make_image("PNG", (101, 100)))
    error = assert_error(resp, 400, "VALIDATION_ERROR")
    assert "pixels" in error["message"]
    _nothing_stored(data_dir)
    ok = post_image(app.test_client(), key, make_image("PNG", (100, 100)))
    assert ok.status_code == 201


def test_huge_declared_dimensions_are_refused_without_decoding(
    client: FlaskClient, key: str, data_dir: Path
) -> None:
    """A 1-bit PNG of 30000 x 30000 pixels compresses to a few KB: Pillow's own bomb check."""
    im = PILImage.new("1", (30_000, 30_000))
    out = io.BytesIO()
    im.save(out, "PNG")
    resp = post_image(client, key, out.getvalue(), filename="bomb.png")
    assert_error(resp, 400, "VALIDATION_ERROR")
    _nothing_stored(data_dir)


def test_hash_mismatch_is_refused(client: FlaskClient, key: str, data_dir: Path) -> None:
    data = make_image()
    resp = post_image(client, key, data, sha256=sha(data + b"x"))
    error = assert_error(resp, 400, "VALIDATION_ERROR")
    assert sha(data) in error["details"]
    _nothing_stored(data_dir)


@pytest.mark.parametrize(
    "fields",
    [
        {"sha256": "abc"},
        {"captured_at": "yesterday"},
        {"metadata": "{not json"},
        {"metadata": "[1, 2]"},
        {"metadata": '{"x": "' + "y" * 17_000 + '"}'},
        {"batch": ""},
        {"batch": "b" * 201},
        {"colour": "blue"},
    ],
    ids=[
        "sha",
        "captured_at",
        "metadata-json",
        "metadata-array",
        "metadata-size",
        "batch-empty",
        "batch-long",
        "unknown-field",
    ],
)
def test_invalid_fields_are_refused(
    client: FlaskClient, key: str, data_dir: Path, fields: dict[str, str]
) -> None:
    resp = post_image(client, key, make_image(), **fields)
    error = assert_error(resp, 400, "VALIDATION_ERROR")
    assert set(error["fields"]) == set(fields)
    _nothing_stored(data_dir)


def test_missing_file_is_refused(client: FlaskClient, key: str, data_dir: Path) -> None:
    resp = client.post(
        UPLOAD, data={"batch": "x"}, headers={"X-Device-Key": key}, content_type="multipart/form-data"
    )
    error = assert_error(resp, 400, "VALIDATION_ERROR")
    assert "file" in error["fields"]
    json_body = client.post(UPLOAD, json={"file": "aGVsbG8="}, headers={"X-Device-Key": key})
    assert_error(json_body, 400, "VALIDATION_ERROR")
    _nothing_stored(data_dir)


def test_file_under_another_field_name_is_refused(client: FlaskClient, key: str, data_dir: Path) -> None:
    resp = client.post(
        UPLOAD,
        data={"image": (io.BytesIO(make_image()), "a.jpg")},
        headers={"X-Device-Key": key},
        content_type="multipart/form-data",
    )
    assert_error(resp, 400, "VALIDATION_ERROR")
    _nothing_stored(data_dir)


@pytest.fixture
def small_limit_app(app: Flask, database_url: str, data_dir: Path) -> Iterator[Flask]:
    """The same database and data dir with a 1 MB upload limit (``app`` cleans up after both)."""
    small = create_app({"data_dir": data_dir, "database_url": database_url, "max_upload_mb": 1})
    small.config["TESTING"] = True
    yield small
    with small.app_context():
        db.engine.dispose()


def _padded_jpeg(total: int) -> bytes:
    # Bytes after a JPEG's end-of-image marker are ignored by decoders: a valid image of any size.
    data = make_image("JPEG", (32, 32))
    return data + b"\0" * (total - len(data))


def test_file_over_the_limit_is_413_even_inside_the_body_allowance(
    small_limit_app: Flask, key: str, data_dir: Path
) -> None:
    limit = 1024 * 1024
    client = small_limit_app.test_client()
    resp = post_image(client, key, _padded_jpeg(limit + 1))
    error = assert_error(resp, 413, "PAYLOAD_TOO_LARGE")
    assert str(limit) in error["details"]
    _nothing_stored(data_dir)
    at_limit = post_image(client, key, _padded_jpeg(limit))
    assert at_limit.status_code == 201, at_limit.get_json()
    assert at_limit.get_json()["data"]["byte_size"] == limit


def test_body_over_the_limit_is_413(small_limit_app: Flask, key: str, data_dir: Path) -> None:
    resp = post_image(small_limit_app.test_client(), key, _padded_jpeg(3 * 1024 * 1024))
    assert_error(resp, 413, "PAYLOAD_TOO_LARGE")
    _nothing_stored(data_dir)


@pytest.mark.parametrize("extra", [0, 1, 37, 16 * 1024 - 45])
def test_a_body_parses_the_same_wherever_its_reads_end(client: FlaskClient, key: str, extra: int) -> None:
    """The multipart body is read in small chunks: a boundary across two reads still ends the part."""
    data = _padded_jpeg(3 * SmallChunkFormDataParser.CHUNK_BYTES + extra)
    resp = post_image(client, key, data, batch="chunks", metadata='{"n": 1}')
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()["data"]
    assert (body["sha256"], body["byte_size"]) == (sha(data), len(data))
    image = db.session.get(Image, body["id"])
    assert image is not None and image.meta == {"n": 1}
    assert db.session.get(Batch, body["batch_id"]).name == "chunks"  # type: ignore[union-attr]


def test_a_multipart_body_without_boundary_is_refused(client: FlaskClient, key: str, data_dir: Path) -> None:
    resp = client.post(
        UPLOAD, data=b"--x\r\n", headers={"X-Device-Key": key}, content_type="multipart/form-data"
    )
    assert "file" in assert_error(resp, 400, "VALIDATION_ERROR")["fields"]
    _nothing_stored(data_dir)


# --- who may upload -------------------------------------------------------------------------------


def test_unknown_missing_and_user_credentials_are_401(
    client: FlaskClient, admin_headers: dict[str, str], data_dir: Path
) -> None:
    data = make_image()
    assert_error(post_image(client, "adk_unknownkeyvalue", data), 401, "UNAUTHORIZED")
    assert_error(post_image(client, "", data), 401, "UNAUTHORIZED")
    resp = client.post(
        UPLOAD,
        data={"file": (io.BytesIO(data), "a.jpg")},
        headers=admin_headers,
        content_type="multipart/form-data",
    )
    assert_error(resp, 401, "UNAUTHORIZED")
    _nothing_stored(data_dir)


def test_disabled_and_deleted_devices_are_401(
    client: FlaskClient, key: str, device: dict[str, Any], admin_headers: dict[str, str], data_dir: Path
) -> None:
    device_url = f"/api/devices/{device['device']['id']}"
    client.patch(device_url, json={"disabled": True}, headers=admin_headers)
    assert_error(post_image(client, key, make_image()), 401, "UNAUTHORIZED")
    client.patch(device_url, json={"disabled": False}, headers=admin_headers)
    assert post_image(client, key, make_image(seed=1)).status_code == 201
    assert client.delete(device_url, headers=admin_headers).status_code == 204
    assert_error(post_image(client, key, make_image(seed=2)), 401, "UNAUTHORIZED")
    assert image_count() == 1
    assert staged_files(data_dir) == []


# --- failures half-way ----------------------------------------------------------------------------


def test_failure_between_blob_and_commit_leaves_a_consistent_store(
    client: FlaskClient, key: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = make_image()

    def crash(*_args: Any) -> None:
        # The blob is published; the process dies before the row is written.
        raise RuntimeError("database went away")

    with monkeypatch.context() as m:
        m.setattr(ingest, "insert_image", crash)
        with pytest.raises(RuntimeError, match="went away"):
            post_image(client, key, data)
    db.session.rollback()
    # No row without a blob: the row never committed; the blob is complete under its real name.
    assert image_count() == 0
    assert [p.read_bytes() for p in blob_files(data_dir)] == [data]
    assert staged_files(data_dir) == []

    retry = post_image(client, key, data)
    assert retry.status_code == 201 and retry.get_json()["data"]["duplicate"] is False
    assert image_count() == 1 and len(blob_files(data_dir)) == 1
    assert db.session.get(Batch, retry.get_json()["data"]["batch_id"]).image_count == 1  # type: ignore[union-attr]


def test_failure_while_publishing_the_blob_leaves_nothing(
    client: FlaskClient, key: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = make_image()

    def broken_replace(*_args: Any) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as m:
        m.setattr("webapp.storage.os.replace", broken_replace)
        with pytest.raises(OSError, match="disk full"):
            post_image(client, key, data)
    db.session.rollback()
    _nothing_stored(data_dir)
    assert post_image(client, key, data).status_code == 201


# --- serving the files back -----------------------------------------------------------------------


@pytest.fixture
def uploaded(client: FlaskClient, key: str) -> dict[str, Any]:
    data = make_image("PNG", (600, 300), mode="RGBA")
    body = post_image(client, key, data, filename="wide.png").get_json()["data"]
    return {**body, "bytes": data}


def test_file_is_served_with_type_and_strong_etag(
    client: FlaskClient, admin_headers: dict[str, str], uploaded: dict[str, Any]
) -> None:
    resp = client.get(f"/api/data/images/{uploaded['id']}/file", headers=admin_headers)
    assert resp.status_code == 200
    assert resp.data == uploaded["bytes"]
    assert resp.headers["Content-Type"] == "image/png"
    assert resp.headers["ETag"] == f'"{uploaded["sha256"]}"'
    assert "private" in resp.headers["Cache-Control"] and "immutable" in resp.headers["Cache-Control"]
    again = client.get(
        f"/api/data/images/{uploaded['id']}/file",
        headers={**admin_headers, "If-None-Match": resp.headers["ETag"]},
    )
    assert again.status_code == 304 and again.data == b""
    other = client.get(
        f"/api/data/images/{uploaded['id']}/file", headers={**admin_headers, "If-None-Match": '"nope"'}
    )
    assert other.status_code == 200


def test_thumbnail_is_a_small_jpeg_made_once(
    client: FlaskClient,
    admin_headers: dict[str, str],
    uploaded: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[int] = []
    real = image_files.make_thumbnail
    monkeypatch.setattr(image_files, "make_thumbnail", lambda f: made.append(1) or real(f))
    url = f"/api/data/images/{uploaded['id']}/thumbnail"
    first = client.get(url, headers=admin_headers)
    assert first.status_code == 200 and first.headers["Content-Type"] == "image/jpeg"
    thumb = PILImage.open(io.BytesIO(first.data))
    assert thumb.format == "JPEG" and thumb.size == (256, 128)
    second = client.get(url, headers=admin_headers)
    assert second.data == first.data and made == [1]
    cached = client.get(url, headers={**admin_headers, "If-None-Match": first.headers["ETag"]})
    assert cached.status_code == 304


def test_files_are_for_the_images_org_only(
    client: FlaskClient, uploaded: dict[str, Any], make_user: Any, admin_headers: dict[str, str]
) -> None:
    outsider = bearer(make_user("admin", org="Globex"))
    for kind in ("file", "thumbnail"):
        url = f"/api/data/images/{uploaded['id']}/{kind}"
        assert_error(client.get(url, headers=outsider), 404, "NOT_FOUND")
        assert_error(client.get(url), 401, "UNAUTHORIZED")
        assert_error(client.get(f"/api/data/images/999999/{kind}", headers=admin_headers), 404, "NOT_FOUND")


@pytest.mark.parametrize("role", ["viewer", "annotator", "ml_engineer"])
def test_every_role_of_the_org_may_read_files(
    client: FlaskClient, uploaded: dict[str, Any], make_user: Any, role: str
) -> None:
    headers = bearer(make_user(role))
    assert client.get(f"/api/data/images/{uploaded['id']}/file", headers=headers).status_code == 200
    assert client.get(f"/api/data/images/{uploaded['id']}/thumbnail", headers=headers).status_code == 200


def test_connection_cut_mid_upload_leaves_nothing(client: FlaskClient, key: str, data_dir: Path) -> None:
    data = make_image("PNG", (200, 200))
    boundary = "cutcutcut"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
            f"Content-Type: image/png\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    resp = client.post(
        UPLOAD,
        input_stream=io.BytesIO(body[: len(body) // 2]),
        content_length=len(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"X-Device-Key": key},
    )
    assert_error(resp, 400, "VALIDATION_ERROR")
    _nothing_stored(data_dir)


def test_benchmark_sink_exists_only_when_enabled(
    client: FlaskClient, database_url: str, data_dir: Path, app: Flask
) -> None:
    assert_error(client.post("/api/_benchmark/sink", data=b"x" * 1000), 404, "NOT_FOUND")
    bench = create_app({"data_dir": data_dir, "database_url": database_url, "benchmark_endpoints": True})
    resp = bench.test_client().post("/api/_benchmark/sink?fsync=1", data=b"x" * 1000)
    assert resp.status_code == 201 and resp.get_json()["data"] == {"bytes": 1000}
    assert list((data_dir / "tmp").iterdir()) == []
    with bench.app_context():
        db.engine.dispose()
