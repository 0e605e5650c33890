"""The dataset flow for real: Prefect server, a worker process, the API over HTTP, DVC in git."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import requests
from flask.testing import FlaskClient

from flows.dvc_repo import DvcRepo
from pipelines.dataset import load_split, read_meta
from tests.helpers import wait_final, wait_until

pytestmark = pytest.mark.usefixtures("worker", "service_key")


def files_digest(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_versions_end_to_end(
    client: FlaskClient,
    admin_headers: dict[str, str],
    labeled_project: Any,
    worker_dir: Path,
    tmp_path: Path,
) -> None:
    made = labeled_project(admin_headers, n=24, labels=("cat", "dog", "bird"))
    pid = made["project_id"]
    body = {"project_id": pid, "seed": 3, "image_size": 16, "splits": {"train": 0.6, "val": 0.2, "test": 0.2}}
    first = client.post("/api/data/datasets", json=body, headers=admin_headers).get_json()["data"]
    v1 = wait_final(client, admin_headers, first["id"], worker_dir)
    assert v1["status"] == "ready", v1["error"]
    assert sum(v1["counts"]["splits"].values()) == 24 and v1["counts"]["images"] == 24
    assert sum(sum(c.values()) for c in v1["counts"]["classes"].values()) == 24
    assert v1["git_tag"].endswith("/v1") and v1["dvc_hash"].endswith(".dir") and v1["bytes_stored"] > 0
    assert v1["git_tag"] in v1["checkout"]["commands"][0]

    repo = DvcRepo(worker_dir / "dvc" / "repo", str(worker_dir / "dvc" / "remote"))
    workspace = repo.root / v1["dvc_path"]
    meta = read_meta(workspace)
    assert meta["labels"] == ["cat", "dog", "bird"] and meta["image_size"] == 16
    images, labels = load_split(workspace, "train")
    assert images.shape[1:] == (16, 16, 3) and images.dtype == np.uint8 and len(images) == len(labels)
    v1_files = files_digest(workspace)
    v1_splits = {
        row["sha256"]: row["split"]
        for row in map(json.loads, (workspace / "manifest.jsonl").read_text().splitlines())
    }

    # More images, a second version: old images keep their split, and v1 can still be checked out.
    labeled_project(admin_headers, n=0, name="unused")  # a second project must not leak in
    extra = _upload_more(client, admin_headers, made, 6)
    second = client.post("/api/data/datasets", json=body, headers=admin_headers).get_json()["data"]
    v2 = wait_final(client, admin_headers, second["id"], worker_dir)
    assert v2["status"] == "ready", v2["error"]
    assert v2["counts"]["images"] == 30 and v2["git_tag"].endswith("/v2") and v2["dvc_hash"] != v1["dvc_hash"]
    v2_rows = list(map(json.loads, (workspace / "manifest.jsonl").read_text().splitlines()))
    assert {r["sha256"] for r in v2_rows} == set(v1_splits) | set(extra)
    assert all(v1_splits[r["sha256"]] == r["split"] for r in v2_rows if r["sha256"] in v1_splits)
    # Append-only: v2 keeps v1's shard as it is and adds one shard holding only the 6 new images.
    assert v2["counts"]["shards"] == 2 and read_meta(workspace)["shards"][0] == meta["shards"][0]
    assert files_digest(workspace)[meta["shards"][0]] == v1_files[meta["shards"][0]]
    assert np.load(workspace / read_meta(workspace)["shards"][1], mmap_mode="r").shape[0] == 6

    restored = repo.checkout(v1["git_tag"], v1["dvc_path"], tmp_path / "clone")
    assert files_digest(restored) == v1_files
    tags = subprocess.run(["git", "tag"], cwd=repo.root, capture_output=True, text=True, check=True).stdout
    assert v1["git_tag"] in tags and v2["git_tag"] in tags


def _upload_more(client: FlaskClient, headers: dict[str, str], made: dict[str, Any], n: int) -> list[str]:
    import io

    from tests.conftest import png_bytes

    hashes = []
    for i in range(n):
        up = client.post(
            "/api/device/images/upload",
            data={"file": (io.BytesIO(png_bytes(900_000 + i)), f"more{i}.png")},
            headers={"X-Device-Key": made["device_key"]},
            content_type="multipart/form-data",
        ).get_json()["data"]
        ann = client.post(
            "/api/data/annotations", json={"image_id": up["id"], "label": "cat"}, headers=headers
        )
        assert ann.status_code == 201
        hashes.append(up["sha256"])
    return hashes


def _task_states(prefect_server: str, flow_run_id: str) -> list[str]:
    body = {"flow_runs": {"id": {"any_": [flow_run_id]}}}
    runs = requests.post(f"{prefect_server}/task_runs/filter", json=body, timeout=5).json()
    return [run["state_name"] for run in runs]


def _blob_path(shared_data_dir: Path, sha256: str) -> Path:
    from webapp.storage import blob_key

    return shared_data_dir / "blobs" / blob_key(sha256)


def test_transient_io_is_retried(
    client: FlaskClient,
    admin_headers: dict[str, str],
    labeled_project: Any,
    worker_dir: Path,
    shared_data_dir: Path,
    prefect_server: str,
) -> None:
    """An image blob missing on the first download attempt: the task retries and the version succeeds."""
    made = labeled_project(admin_headers, n=4, name="retry", seed=2)
    blob = _blob_path(shared_data_dir, made["images"][0]["sha256"])
    aside = blob.with_suffix(".aside")
    blob.rename(aside)
    try:
        body = {"project_id": made["project_id"], "image_size": 16}
        dataset = client.post("/api/data/datasets", json=body, headers=admin_headers).get_json()["data"]
        wait_until(
            lambda: "AwaitingRetry" in _task_states(prefect_server, dataset["flow_run_id"]),
            120,
            "the download task to fail once and wait for its retry",
        )
    finally:
        aside.rename(blob)
    final = wait_final(client, admin_headers, dataset["id"], worker_dir)
    assert final["status"] == "ready", final["error"]
    assert final["counts"]["images"] == 4


def test_failing_flow_marks_the_version_failed(
    client: FlaskClient,
    admin_headers: dict[str, str],
    labeled_project: Any,
    worker_dir: Path,
    shared_data_dir: Path,
) -> None:
    made = labeled_project(admin_headers, n=3, name="broken", seed=3)
    _blob_path(shared_data_dir, made["images"][1]["sha256"]).unlink()
    body = {"project_id": made["project_id"], "image_size": 16}
    dataset = client.post("/api/data/datasets", json=body, headers=admin_headers).get_json()["data"]
    final = wait_final(client, admin_headers, dataset["id"], worker_dir)
    assert final["status"] == "failed" and final["error"] and final["git_tag"] is None
    assert final["finished_at"] is not None
