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


def _jpeg(seed: int, width: int = 80, height: int = 60) -> bytes:
    import io

    from PIL import Image as PILImage

    rng = np.random.default_rng(seed)
    buf = io.BytesIO()
    PILImage.fromarray(rng.integers(0, 255, (height, width, 3), dtype=np.uint8)).save(buf, "JPEG")
    return buf.getvalue()


def _boxed_images(
    client: FlaskClient, headers: dict[str, str], key: str, boxes: list[list[dict[str, Any]]], seed: int
) -> list[dict[str, Any]]:
    import io

    made = []
    for i, image_boxes in enumerate(boxes):
        up = client.post(
            "/api/device/images/upload",
            data={"file": (io.BytesIO(_jpeg(seed + i)), f"frame{seed + i}.jpg")},
            headers={"X-Device-Key": key},
            content_type="multipart/form-data",
        ).get_json()["data"]
        ann = client.post(
            "/api/data/annotations", json={"image_id": up["id"], "boxes": image_boxes}, headers=headers
        )
        assert ann.status_code == 201, ann.get_json()
        made.append(up)
    return made


def test_detection_versions_map_boxes_into_letterboxed_frames(
    client: FlaskClient, admin_headers: dict[str, str], provision: Any, worker_dir: Path, tmp_path: Path
) -> None:
    from pipelines.dataset import load_detection_split

    project = client.post(
        "/api/data/projects",
        json={"name": "street", "task_type": "detection", "labels": ["car", "bus"]},
        headers=admin_headers,
    ).get_json()["data"]
    key = provision(admin_headers, "street-cam", project_id=project["id"])["api_key"]
    car = {"label": "car", "x": 0.25, "y": 0.5, "width": 0.5, "height": 0.5}
    sliver = {"label": "bus", "x": 0.0, "y": 0.0, "width": 0.01, "height": 0.5}  # < 1 px at 16
    first = _boxed_images(client, admin_headers, key, [[car], [car, sliver], []], seed=10)
    body = {"project_id": project["id"], "image_size": 16, "splits": {"train": 1.0, "val": 0.0, "test": 0.0}}
    v1 = client.post("/api/data/datasets", json=body, headers=admin_headers).get_json()["data"]
    v1 = wait_final(client, admin_headers, v1["id"], worker_dir)
    assert v1["status"] == "ready", v1["error"]
    assert v1["counts"]["boxes"] == 2 and v1["counts"]["boxes_dropped"] == 1
    assert v1["counts"]["resize"]["mode"] == "letterbox"

    repo = DvcRepo(worker_dir / "dvc" / "repo", str(worker_dir / "dvc" / "remote"))
    workspace = repo.root / v1["dvc_path"]
    meta = read_meta(workspace)
    assert meta["box_format"] == "xyxy-fraction" and meta["resize"] == v1["params"]["resize"]
    rows = {r["sha256"]: r for r in map(json.loads, (workspace / "manifest.jsonl").read_text().splitlines())}
    # 80x60 -> 16x12 pasted 2 rows down: y 0.5..1 of the frame is stored rows 8..14 of 16.
    mapped = {"label": "car", "x1": 0.25, "y1": 0.5, "x2": 0.75, "y2": 0.875}
    assert rows[first[0]["sha256"]] == {
        "sha256": first[0]["sha256"],
        "split": "train",
        "boxes": [mapped],
        "source_size": [80, 60],
    }
    assert rows[first[1]["sha256"]]["boxes"] == [mapped] and rows[first[2]["sha256"]]["boxes"] == []
    images, boxes, labels = load_detection_split(workspace, "train")
    assert images.shape == (3, 16, 16, 3) and (images[:, :2] == 114).all()
    assert sorted(len(b) for b in boxes) == [0, 1, 1] and all(lab.tolist() in ([], [0]) for lab in labels)
    v1_files = files_digest(workspace)

    # Two new frames, and one old frame re-annotated: only the new frames are decoded, but the old
    # frame's manifest row carries its new box, mapped through the same letterbox.
    bus = {"label": "bus", "x": 0.0, "y": 0.0, "width": 0.5, "height": 0.5}
    _boxed_images(client, admin_headers, key, [[car], [bus]], seed=20)
    ann = client.post(
        "/api/data/annotations", json={"image_id": first[2]["id"], "boxes": [bus]}, headers=admin_headers
    )
    assert ann.status_code == 201
    v2 = client.post("/api/data/datasets", json=body, headers=admin_headers).get_json()["data"]
    v2 = wait_final(client, admin_headers, v2["id"], worker_dir)
    assert v2["status"] == "ready", v2["error"]
    assert v2["counts"]["images"] == 5 and v2["counts"]["shards"] == 2
    assert np.load(workspace / read_meta(workspace)["shards"][1], mmap_mode="r").shape[0] == 2
    assert files_digest(workspace)[meta["shards"][0]] == v1_files[meta["shards"][0]]
    rows = {r["sha256"]: r for r in map(json.loads, (workspace / "manifest.jsonl").read_text().splitlines())}
    assert rows[first[2]["sha256"]]["boxes"] == [
        {"label": "bus", "x1": 0.0, "y1": 0.125, "x2": 0.5, "y2": 0.5}
    ]

    # Another resize: nothing of the letterboxed frames is reused.
    v3 = client.post(
        "/api/data/datasets", json={**body, "resize": {"mode": "stretch"}}, headers=admin_headers
    )
    v3 = wait_final(client, admin_headers, v3.get_json()["data"]["id"], worker_dir)
    assert v3["status"] == "ready", v3["error"]
    assert v3["counts"]["shards"] == 1 and read_meta(workspace)["resize"]["mode"] == "stretch"
    rows = {r["sha256"]: r for r in map(json.loads, (workspace / "manifest.jsonl").read_text().splitlines())}
    assert rows[first[0]["sha256"]]["boxes"] == [
        {"label": "car", "x1": 0.25, "y1": 0.5, "x2": 0.75, "y2": 1.0}
    ]

    restored = repo.checkout(v1["git_tag"], v1["dvc_path"], tmp_path / "clone")
    assert files_digest(restored) == v1_files
