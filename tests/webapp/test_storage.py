"""The blob store's contract, on the local folder and on a real S3-compatible server (moto, started here)."""

from __future__ import annotations

import hashlib
import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image as PILImage

from tests.helpers import make_image, post_image
from webapp.errors import PayloadTooLarge
from webapp.settings import Settings, get_settings
from webapp.storage import (
    BlobNotFound,
    BlobStore,
    LocalBlobStore,
    S3BlobStore,
    blob_key,
    derived_key,
    make_store,
    open_image,
)

# The blob store, no database: the PostgreSQL pass of scripts/test.sh skips it.
pytestmark = pytest.mark.database_independent


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "local":
        return LocalBlobStore(tmp_path / "blobs")
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = request.getfixturevalue("bucket")
    return S3BlobStore(bucket, tmp_path / "staging", prefix="acusight/", endpoint_url=endpoint)


def _staged(store: BlobStore, data: bytes) -> Any:
    staged = store.stage()
    for i in range(0, len(data), 1000):
        staged.write(data[i : i + 1000])
    staged.flush()
    return staged


# --- the contract, on both backends ---------------------------------------------------------------


def test_staged_bytes_are_hashed_and_published_whole(store: BlobStore) -> None:
    data = os.urandom(50_000)
    digest = hashlib.sha256(data).hexdigest()
    with _staged(store, data) as staged:
        assert staged.sha256 == digest and staged.size == len(data)
        assert not store.exists(blob_key(digest))
        store.put_file(blob_key(digest), staged.path)
    assert list(store.staging_dir.iterdir()) == []
    assert store.exists(blob_key(digest))
    with store.open(blob_key(digest)) as f:
        assert f.read() == data
        f.seek(10)
        assert f.read(5) == data[10:15]
    with open_image(digest, store) as f:
        assert f.read() == data


def test_put_bytes_open_delete(store: BlobStore) -> None:
    key = derived_key("ab" * 32, "thumb-256.jpg")
    store.put_bytes(key, b"hello")
    with store.open(key) as f:
        assert f.read() == b"hello"
    store.delete(key)
    assert not store.exists(key)
    store.delete(key)  # missing is fine
    with pytest.raises(BlobNotFound):
        store.open(key)


def test_same_key_twice_keeps_one_blob(store: BlobStore) -> None:
    data = b"same bytes"
    key = blob_key(hashlib.sha256(data).hexdigest())
    for _ in range(2):
        with _staged(store, data) as staged:
            store.put_file(key, staged.path)
    with store.open(key) as f:
        assert f.read() == data
    assert list(store.staging_dir.iterdir()) == []


def test_staging_refuses_past_the_limit_and_cleans_up(store: BlobStore) -> None:
    staged = store.stage(max_bytes=10)
    staged.write(b"0123456789")
    with pytest.raises(PayloadTooLarge):
        staged.write(b"x")
    staged.close()
    assert list(store.staging_dir.iterdir()) == []


def test_sweep_removes_only_stale_staged_files(store: BlobStore) -> None:
    old = store.stage()
    fresh = store.stage()
    os.utime(old.path, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    assert store.sweep_staging() == 1
    assert not old.path.exists() and fresh.path.exists()
    old.close()
    fresh.close()


def test_local_path_only_on_the_local_backend(store: BlobStore) -> None:
    store.put_bytes("derived/aa/bb/x", b"1")
    path = store.local_path("derived/aa/bb/x")
    if isinstance(store, LocalBlobStore):
        assert path is not None and path.read_bytes() == b"1"
    else:
        assert path is None


# --- backend specifics ----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["../escape", ".staging/upload-x.part", "/etc/passwd", "a/../../b"])
def test_local_keys_stay_inside_the_root(tmp_path: Path, key: str) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    with pytest.raises(ValueError):
        store.put_bytes(key, b"x")


def test_s3_objects_live_under_the_prefix(s3_endpoint: str, bucket: str, tmp_path: Path) -> None:
    import boto3

    store = S3BlobStore(bucket, tmp_path / "staging", prefix="team-a/", endpoint_url=s3_endpoint)
    store.put_bytes("k/1", b"v")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == ["team-a/k/1"]


def test_store_from_settings(tmp_path: Path) -> None:
    local = make_store(Settings(data_dir=tmp_path, blob_backend="local"))
    assert isinstance(local, LocalBlobStore) and local.root == tmp_path.resolve() / "blobs"
    with pytest.raises(ValueError, match="ACUSIGHT_S3_BUCKET"):
        make_store(Settings(data_dir=tmp_path, blob_backend="s3"))
    with pytest.raises(ValueError, match="local or s3"):
        make_store(Settings(data_dir=tmp_path, blob_backend="ftp"))


# --- the whole path through the API, on both backends ---------------------------------------------


def test_upload_serve_and_thumbnail_on_each_backend(
    backend_app: Flask, admin_headers: dict[str, str], provision: Any, data_dir: Path
) -> None:
    client = backend_app.test_client()
    key = provision(admin_headers, "CAM-S3")["api_key"]
    data = make_image("JPEG", (320, 240))
    first = post_image(client, key, data)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()["data"]
    assert post_image(client, key, data).get_json()["data"]["duplicate"] is True

    served = client.get(f"/api/data/images/{body['id']}/file", headers=admin_headers)
    assert served.status_code == 200 and served.data == data
    assert served.headers["Content-Type"] == "image/jpeg"
    assert (
        client.get(
            f"/api/data/images/{body['id']}/file",
            headers={**admin_headers, "If-None-Match": served.headers["ETag"]},
        ).status_code
        == 304
    )
    thumb = client.get(f"/api/data/images/{body['id']}/thumbnail", headers=admin_headers)
    assert PILImage.open(io.BytesIO(thumb.data)).size == (256, 192)

    with backend_app.app_context(), open_image(body["sha256"]) as f:
        assert f.read() == data
    local_blobs = [p for p in (data_dir / "blobs").rglob("*") if p.is_file()]
    if get_settings(backend_app).blob_backend == "s3":
        assert local_blobs == []
    else:
        assert len(local_blobs) == 2  # the original and its thumbnail
