"""Batch uploads (POST /api/device/images/batch): each file stored, found or refused on its own, as a
single upload would be; whole-request problems refuse everything and store nothing."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import bearer, png_bytes
from tests.helpers import assert_error, blob_files, make_image, post_image, staged_files
from webapp.api.device import routes
from webapp.extensions import db
from webapp.models import Annotation, Batch, Image, Organization, Project, User
from webapp.services import batch_ingest, fsck, quotas
from webapp.storage import LocalBlobStore, blob_key, get_store

BATCH = "/api/device/images/batch"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def post_batch(
    client: FlaskClient,
    key: str | None,
    images: list[bytes],
    manifest: Any = None,
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> Any:
    data: dict[str, Any] = {"files": [(io.BytesIO(b), f"frame{i}.png") for i, b in enumerate(images)]}
    if manifest is not None:
        data["manifest"] = manifest if isinstance(manifest, str) else json.dumps(manifest)
    data.update(fields)
    sent = dict(headers or {})
    if key is not None:
        sent["X-Device-Key"] = key
    return client.post(BATCH, data=data, headers=sent, content_type="multipart/form-data")


def ok(resp: Any) -> dict[str, Any]:
    body = resp.get_json()
    assert resp.status_code == 200, body
    assert body["success"] is True
    return dict(body["data"])


def statuses(data: dict[str, Any]) -> list[str]:
    assert [r["index"] for r in data["results"]] == list(range(len(data["results"])))
    return [r["status"] for r in data["results"]]


def image_count() -> int:
    db.session.rollback()
    return int(db.session.scalar(select(func.count()).select_from(Image)) or 0)


def assert_consistent(admin: User) -> None:
    """Rows, blobs and batch counters agree (what a crash or a refused file must never break)."""
    db.session.rollback()
    org = admin.organization_id
    counted = dict(
        db.session.execute(
            select(Image.batch_id, func.count()).where(Image.organization_id == org).group_by(Image.batch_id)
        ).all()
    )
    batches = db.session.scalars(select(Batch).where(Batch.organization_id == org)).all()
    assert {b.id: b.image_count for b in batches} == {b.id: counted.get(b.id, 0) for b in batches}
    report = fsck.check(db.session, db.engine, get_store(), backend="test")
    assert report.missing_images.count == 0, report.lines()


@pytest.fixture
def project(admin: User) -> Project:
    project = Project(organization_id=admin.organization_id, name="gate", labels=[])
    db.session.add(project)
    db.session.commit()
    return project


@pytest.fixture
def key(admin_headers: dict[str, str], provision: Any, project: Project) -> str:
    return str(provision(admin_headers, "CAM-B", project_id=project.id)["api_key"])


# --- the happy path, and the shape another team's device agent reads -------------------------------


def test_created_duplicate_and_error_in_one_request_in_order(
    client: FlaskClient, key: str, admin: User, project: Project, data_dir: Path
) -> None:
    before = make_image("JPEG", seed=1)
    assert post_image(client, key, before).status_code == 201
    new = [make_image("JPEG", (64, 48), seed=2), make_image("PNG", (32, 16), seed=3)]
    images = [new[0], before, b"not an image at all", new[1], new[0]]
    manifest = [
        {"captured_at": "2026-11-05T10:20:30+02:00", "metadata": {"lux": 310}, "sha256": sha(new[0])},
        None,
        {},
        {"metadata": {"note": "second"}},
        None,
    ]
    data = ok(post_batch(client, key, images, manifest))
    assert statuses(data) == ["created", "duplicate", "error", "created", "duplicate"]
    assert (data["created"], data["duplicates"], data["errors"]) == (2, 2, 1)
    first, dup, bad, second, repeat = data["results"]
    assert set(first) == {"index", "status", "image"} and set(bad) == {"index", "status", "error"}
    assert first["image"]["sha256"] == sha(new[0]) and first["image"]["duplicate"] is False
    assert (first["image"]["width"], first["image"]["height"], first["image"]["format"]) == (64, 48, "jpeg")
    assert first["image"]["captured_at"].startswith("2026-11-05T08:20:30")
    assert first["image"]["project_id"] == project.id and first["image"]["batch_id"]
    assert dup["image"]["duplicate"] is True and dup["image"]["sha256"] == sha(before)
    assert bad["error"]["code"] == "VALIDATION_ERROR" and bad["error"]["message"]
    assert second["image"]["format"] == "png"
    # The same bytes twice in one request: one image, the second file its duplicate.
    assert repeat["image"]["id"] == first["image"]["id"] and repeat["image"]["duplicate"] is True
    # The single upload's answer, key for key.
    single = post_image(client, key, make_image("JPEG", seed=9)).get_json()["data"]
    assert set(first["image"]) == set(single)

    assert image_count() == 4
    stored = db.session.get(Image, first["image"]["id"])
    assert stored is not None and stored.meta == {"lux": 310} and stored.filename == "frame0.png"
    assert db.session.get(Image, second["image"]["id"]).meta == {"note": "second"}  # type: ignore[union-attr]
    for data_bytes in (*new, before):
        assert (data_dir / "blobs" / blob_key(sha(data_bytes))).read_bytes() == data_bytes
    assert len(blob_files(data_dir)) == 4 and staged_files(data_dir) == []
    assert_consistent(admin)


def test_the_request_batch_name_groups_every_file_and_counts_them(
    client: FlaskClient, key: str, admin: User
) -> None:
    images = [png_bytes(i) for i in range(5)]
    data = ok(post_batch(client, key, images, batch="dock 4"))
    assert statuses(data) == ["created"] * 5
    [batch_id] = {r["image"]["batch_id"] for r in data["results"]}
    batch = db.session.get(Batch, batch_id)
    assert batch is not None and batch.name == "dock 4" and batch.image_count == 5
    # Resent whole (a device retrying a batch it got no answer for): nothing new, nothing counted twice.
    again = ok(post_batch(client, key, images, batch="dock 4"))
    assert statuses(again) == ["duplicate"] * 5
    assert [r["image"]["id"] for r in again["results"]] == [r["image"]["id"] for r in data["results"]]
    db.session.refresh(batch)
    assert batch.image_count == 5
    assert_consistent(admin)


# --- one file's problem is that file's alone ----------------------------------------------------------


def test_a_sha256_mismatch_refuses_that_file_only(client: FlaskClient, key: str, admin: User) -> None:
    images = [png_bytes(1), png_bytes(2), png_bytes(3)]
    manifest = [{"sha256": sha(images[0])}, {"sha256": "0" * 64}, {"sha256": sha(images[2]).upper()}]
    data = ok(post_batch(client, key, images, manifest))
    assert statuses(data) == ["created", "error", "created"]
    error = data["results"][1]["error"]
    assert error["code"] == "VALIDATION_ERROR" and "sha256" in error["message"]
    assert sha(images[1]) in error["details"]
    assert not get_store().exists(blob_key(sha(images[1])))
    assert image_count() == 2
    assert_consistent(admin)


def test_corrupt_and_non_image_files_among_good_ones(client: FlaskClient, key: str, admin: User) -> None:
    good = make_image("JPEG", seed=5)
    truncated = good[: len(good) // 2]
    images = [b"%PDF-1.4 not an image", png_bytes(7), truncated, b"", good]
    data = ok(post_batch(client, key, images))
    assert statuses(data) == ["error", "created", "error", "error", "created"]
    for index in (0, 2, 3):
        assert data["results"][index]["error"]["code"] == "VALIDATION_ERROR"
    assert image_count() == 2
    for bad in (images[0], truncated):
        assert not get_store().exists(blob_key(sha(bad)))
    assert_consistent(admin)


def test_manifest_entries_with_unknown_keys_or_bad_values_refuse_their_file(
    client: FlaskClient, key: str, admin: User
) -> None:
    images = [png_bytes(i) for i in range(6)]
    manifest = [
        {"sha256": sha(images[0]), "colour": "red"},
        {"captured_at": "yesterday"},
        {"metadata": "lux=3"},
        {"batch": "elsewhere"},  # the batch is the request's
        [1, 2],
        {"sampling_reason": "whim"},
    ]
    data = ok(post_batch(client, key, images, manifest))
    assert statuses(data) == ["error"] * 6
    details = [r["error"]["details"] for r in data["results"]]
    assert "colour" in details[0] and "captured_at" in details[1] and "metadata" in details[2]
    assert "batch" in details[3] and "object" in details[4] and "sampling_reason" in details[5]
    assert {r["error"]["code"] for r in data["results"]} == {"VALIDATION_ERROR"}
    assert image_count() == 0 and blob_files(get_store_root()) == []


def get_store_root() -> Path:
    store = get_store()
    assert isinstance(store, LocalBlobStore)
    return store.root.parent


@pytest.mark.parametrize(
    ("manifest", "says"),
    [
        ("{not json", "not valid JSON"),
        ('{"sha256": null}', "JSON list"),
        ("[{}]", "1 entries for 2 files"),
        ("[{}, {}, {}]", "3 entries for 2 files"),
    ],
)
def test_a_bad_manifest_refuses_the_whole_request(
    client: FlaskClient, key: str, data_dir: Path, manifest: str, says: str
) -> None:
    error = assert_error(
        post_batch(client, key, [png_bytes(1), png_bytes(2)], manifest), 400, "VALIDATION_ERROR"
    )
    assert "manifest" in error["message"].lower() and says in error["details"]
    assert image_count() == 0 and blob_files(data_dir) == [] and staged_files(data_dir) == []


def test_no_files_too_many_files_and_misnamed_parts_are_refused_whole(
    client: FlaskClient, key: str, data_dir: Path
) -> None:
    error = assert_error(post_batch(client, key, []), 400, "VALIDATION_ERROR")
    assert "files" in error["details"]
    too_many = [png_bytes(i) for i in range(batch_ingest.MAX_FILES + 1)]
    error = assert_error(post_batch(client, key, too_many), 400, "VALIDATION_ERROR")
    assert str(batch_ingest.MAX_FILES) in error["message"]
    misnamed = client.post(
        BATCH,
        data={"file": (io.BytesIO(png_bytes(1)), "a.png"), "files": (io.BytesIO(png_bytes(2)), "b.png")},
        headers={"X-Device-Key": key},
        content_type="multipart/form-data",
    )
    assert "named files" in assert_error(misnamed, 400, "VALIDATION_ERROR")["message"]
    error = assert_error(post_batch(client, key, [png_bytes(3)], batch=""), 400, "VALIDATION_ERROR")
    assert "batch" in error["details"]
    assert image_count() == 0 and blob_files(data_dir) == [] and staged_files(data_dir) == []
    # The maximum itself is fine.
    assert statuses(ok(post_batch(client, key, too_many[:-1]))) == ["created"] * batch_ingest.MAX_FILES


def test_a_body_past_the_limit_is_413_and_stores_nothing(
    app: Flask, client: FlaskClient, key: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    images = [png_bytes(i, size=64) for i in range(4)]
    limit = sum(len(b) for b in images) // 2
    monkeypatch.setattr(routes, "MAX_BATCH_BODY_BYTES", limit)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", limit)
    assert_error(post_batch(client, key, images), 413, "PAYLOAD_TOO_LARGE")
    assert image_count() == 0 and blob_files(data_dir) == [] and staged_files(data_dir) == []


# --- who may call it ------------------------------------------------------------------------------------


def test_auth_a_device_key_only_and_each_device_its_own_organization(
    client: FlaskClient, key: str, admin: User, admin_headers: dict[str, str], make_user: Any, provision: Any
) -> None:
    images = [png_bytes(1), png_bytes(2)]
    assert_error(post_batch(client, None, images), 401, "UNAUTHORIZED")
    assert_error(post_batch(client, "adk_not-a-key", images), 401, "UNAUTHORIZED")
    # A person's token is refused like the single route refuses it.
    assert_error(post_batch(client, None, images, headers=admin_headers), 401, "UNAUTHORIZED")
    assert image_count() == 0

    mine = ok(post_batch(client, key, images))
    other = make_user("admin", org="Globex", email="b@globex.example")
    other_key = provision(bearer(other), "CAM-G")["api_key"]
    theirs = ok(post_batch(client, other_key, [images[0], png_bytes(3)]))
    # The same bytes in another organization are a separate image; nothing of ours is touched.
    assert statuses(theirs) == ["created", "created"]
    assert theirs["results"][0]["image"]["id"] != mine["results"][0]["image"]["id"]
    db.session.rollback()
    ours = db.session.scalars(select(Image).where(Image.organization_id == admin.organization_id)).all()
    assert sorted(i.id for i in ours) == sorted(r["image"]["id"] for r in mine["results"])
    assert {i.organization_id for i in db.session.scalars(select(Image)).all()} == {
        admin.organization_id,
        other.organization_id,
    }


# --- quotas and batch counters ------------------------------------------------------------------------


def set_org(user: User, **columns: Any) -> None:
    org = db.session.get(Organization, user.organization_id)
    assert org is not None
    for name, value in columns.items():
        setattr(org, name, value)
    db.session.commit()


def test_files_past_the_quota_are_507_each_and_duplicates_still_answered(
    client: FlaskClient, key: str, admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quotas, "NEAR_TTL_S", 0.0)
    set_org(admin, image_quota=3)
    kept = png_bytes(100)
    assert post_image(client, key, kept).status_code == 201
    images = [png_bytes(101), kept, png_bytes(102), png_bytes(103), png_bytes(104)]
    data = ok(post_batch(client, key, images))
    # One stored before, two fit; the stored one is a duplicate and takes no room.
    assert statuses(data) == ["created", "duplicate", "created", "error", "error"]
    for index in (3, 4):
        error = data["results"][index]["error"]
        assert error["code"] == "INSUFFICIENT_STORAGE" and "quota" in error["message"]
        assert not get_store().exists(blob_key(sha(images[index])))
    assert image_count() == 3
    batch_ids = {r["image"]["batch_id"] for r in data["results"] if r["status"] != "error"}
    assert sum(db.session.get(Batch, b).image_count for b in batch_ids) == 3  # type: ignore[union-attr]
    set_org(admin, image_quota=None)
    again = ok(post_batch(client, key, images[3:]))
    assert statuses(again) == ["created", "created"]
    assert_consistent(admin)


# --- active learning: frames sent with their prediction ------------------------------------------------


def test_predictions_in_the_manifest_prelabel_their_frames(
    client: FlaskClient, admin_headers: dict[str, str], fleet: dict[str, Any], admin: User
) -> None:
    key = fleet["key"]["X-Device-Key"]
    export_id = fleet["export"]["id"]
    guess = {"export_id": export_id, "label": "cat", "score": 0.51}
    images = [png_bytes(901), png_bytes(902), png_bytes(903), png_bytes(904)]
    manifest = [
        {"prediction": guess, "sampling_reason": "uncertain"},
        None,
        {"prediction": {"export_id": export_id, "label": "wolf"}},
        {"prediction": {"export_id": 10_000, "label": "cat"}},
    ]
    data = ok(post_batch(client, key, images, manifest, batch="plain"))
    assert statuses(data) == ["created", "created", "error", "error"]
    assert data["results"][2]["error"]["code"] == "VALIDATION_ERROR"
    assert data["results"][3]["error"]["code"] == "NOT_FOUND"
    sampled, plain = (data["results"][i]["image"] for i in (0, 1))
    day = datetime.now(UTC).date().isoformat()
    assert db.session.get(Batch, sampled["batch_id"]).name == f"active learning {day}"  # type: ignore[union-attr]
    assert db.session.get(Batch, plain["batch_id"]).name == "plain"  # type: ignore[union-attr]
    stored = db.session.get(Image, sampled["id"])
    assert stored is not None and stored.meta == {"sampling": {"reason": "uncertain", "prediction": guess}}
    notes = db.session.scalars(select(Annotation).where(Annotation.image_id == sampled["id"])).all()
    assert [(n.label, n.source) for n in notes] == [("cat", "model")]
    assert not db.session.scalars(select(Annotation).where(Annotation.image_id == plain["id"])).all()
    assert_consistent(admin)


# --- crash safety: a failure mid-request ----------------------------------------------------------------


def test_a_failure_mid_request_keeps_the_other_files_stored_and_consistent(
    client: FlaskClient, key: str, admin: User, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    images = [png_bytes(i) for i in range(200, 205)]
    doomed = sha(images[2])
    put_file = LocalBlobStore.put_file

    def failing_put(self: LocalBlobStore, blob: str, path: Path) -> None:
        if blob == blob_key(doomed):
            raise OSError(28, "No space left on device")
        put_file(self, blob, path)

    monkeypatch.setattr(LocalBlobStore, "put_file", failing_put)
    data = ok(post_batch(client, key, images))
    assert statuses(data) == ["created", "created", "error", "created", "created"]
    error = data["results"][2]["error"]
    assert error["code"] == "INTERNAL_ERROR" and "not stored" in error["message"]
    assert image_count() == 4
    for index in (0, 1, 3, 4):
        image = data["results"][index]["image"]
        assert (data_dir / "blobs" / blob_key(image["sha256"])).read_bytes() == images[index]
    assert not get_store().exists(blob_key(doomed))
    assert_consistent(admin)
    # The device sends the refused file again, once the disk has room: it goes in.
    monkeypatch.setattr(LocalBlobStore, "put_file", put_file)
    assert (
        statuses(ok(post_batch(client, key, images))) == ["duplicate"] * 2 + ["created"] + ["duplicate"] * 2
    )
    assert_consistent(admin)


def test_when_the_shared_write_fails_each_file_is_written_on_its_own(
    client: FlaskClient, key: str, admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows of a request go in together; should that statement fail (not a duplicate: anything
    else), each file is written as a single upload writes it, and only a file whose own write fails is
    answered with an error."""
    insert_new = batch_ingest._insert_new

    def broken(conn: Any, rows: list[dict[str, Any]], batch_id: int) -> dict[str, int]:
        # byte_size is NOT NULL: the database refuses the whole statement.
        return insert_new(conn, [{**row, "byte_size": None} for row in rows], batch_id)

    monkeypatch.setattr(batch_ingest, "_insert_new", broken)
    before = png_bytes(300)
    assert post_image(client, key, before).status_code == 201
    images = [png_bytes(301), before, png_bytes(302)]
    data = ok(post_batch(client, key, images))
    assert statuses(data) == ["created", "duplicate", "created"]
    assert image_count() == 3
    assert_consistent(admin)


def test_a_crash_after_the_blobs_before_the_commit_loses_nothing_acknowledged(
    client: FlaskClient, key: str, admin: User, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process dies (here: the commit raises) with every blob of the request in place and no row
    committed: nothing was acknowledged, no row lacks its blob, and the device's resend stores all."""
    images = [png_bytes(i) for i in range(400, 404)]
    real_count = batch_ingest.ingest.count_into_batch

    def crash(*args: Any, **kwargs: Any) -> int:
        raise SystemExit("killed")  # not an Exception: nothing in the request may catch it

    monkeypatch.setattr(batch_ingest.ingest, "count_into_batch", crash)
    with pytest.raises(SystemExit):
        post_batch(client, key, images)
    assert image_count() == 0
    assert len(blob_files(data_dir)) == 4  # unreferenced: a retry reuses them, fsck removes them
    monkeypatch.setattr(batch_ingest.ingest, "count_into_batch", real_count)
    assert statuses(ok(post_batch(client, key, images))) == ["created"] * 4
    assert_consistent(admin)
