"""Helpers the test modules share: waiting on flow runs, checking the error envelope, playing a device
or a flow's side against the API. Fixtures stay in the conftest.py files."""

from __future__ import annotations

import hashlib
import io
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from flask.testing import FlaskClient
from PIL import Image as PILImage
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Image

# --- Flow runs, seen through the API --------------------------------------------------------------------


def wait_until(check: Any, timeout: float, what: str, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def worker_log(worker_dir: Path) -> str:
    path = worker_dir / "worker.log"
    return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def wait_final(
    client: FlaskClient, headers: dict[str, str], dataset_id: int, worker_dir: Path
) -> dict[str, Any]:
    def final() -> dict[str, Any] | None:
        data = client.get(f"/api/data/datasets/{dataset_id}", headers=headers).get_json()["data"]
        return data if data["status"] in ("ready", "failed") else None

    try:
        return wait_until(final, 180, f"dataset {dataset_id} to finish", interval=0.5)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nworker log:\n{worker_log(worker_dir)}") from exc


def wait_job(
    client: FlaskClient, headers: dict[str, str], job_id: int, worker_dir: Path, statuses: set[str]
) -> Any:
    def reached() -> dict[str, Any] | None:
        job = client.get(f"/api/ml/training-jobs/{job_id}", headers=headers).get_json()["data"]
        return job if job["status"] in statuses else None

    try:
        return wait_until(reached, 240, f"training job {job_id} to reach {statuses}", interval=0.5)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nworker log:\n{worker_log(worker_dir)}") from exc


# --- The API's error envelope (webapp/api/envelope/) and its callers -------------------------------------


def assert_error(resp: Any, status: int, code: str) -> dict[str, Any]:
    body = resp.get_json()
    assert resp.status_code == status, body
    assert body["success"] is False
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def service_headers(key: str, org_id: int | str | None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {key}"}
    if org_id is not None:
        headers["X-Acusight-Organization"] = str(org_id)
    return headers


# --- A device uploading images ---------------------------------------------------------------------------

UPLOAD = "/api/device/images/upload"


def make_image(
    fmt: str = "JPEG", size: tuple[int, int] = (64, 48), seed: int = 0, mode: str = "RGB"
) -> bytes:
    """A small image of noise, so that every seed gives different bytes."""
    rng = np.random.default_rng(seed)
    channels = {"RGB": 3, "RGBA": 4, "L": 1}[mode]
    pixels = rng.integers(0, 256, (size[1], size[0], channels), dtype=np.uint8)
    im = PILImage.fromarray(pixels.squeeze(), mode)
    out = io.BytesIO()
    im.save(out, fmt)
    return out.getvalue()


def post_image(client: FlaskClient, key: str, data: bytes, filename: str = "cam.jpg", **fields: Any) -> Any:
    return client.post(
        UPLOAD,
        data={"file": (io.BytesIO(data), filename), **fields},
        headers={"X-Device-Key": key},
        content_type="multipart/form-data",
    )


def blob_files(data_dir: Path) -> list[Path]:
    root = data_dir / "blobs"
    return [
        p for p in root.rglob("*") if p.is_file() and ".staging" not in p.parts and "derived" not in p.parts
    ]


def staged_files(data_dir: Path) -> list[Path]:
    return list((data_dir / "blobs" / ".staging").glob("*"))


def image_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Image)) or 0


# --- The training and export flows' side, played by hand -------------------------------------------------

PREPROCESSING = {
    "image_size": 64,
    "resize": "center-crop to a square, then resize (Lanczos)",
    "color": "RGB",
    "layout": "NCHW",
    "scale": 255.0,
    "mean": [0.485, 0.456, 0.406],
    "std": [0.229, 0.224, 0.225],
}


FIGURES = {
    "parity": {"max_abs_diff": 2e-6, "max_rel_diff": 3e-5, "argmax_agreement": 1.0, "num_images": 3},
    "accuracy": {"torch": 1.0, "onnx": 1.0, "drop": 0.0},
    "latency_ms": {"cpu": {"b1": 0.21, "b32": 2.5}},
    "signature": {
        "input": {
            "name": "input",
            "shape": ["batch", 3, 64, 64],
            "dtype": "float32",
            "layout": "NCHW",
            "scale": 255.0,
            "mean": [0.485, 0.456, 0.406],
            "std": [0.229, 0.224, 0.225],
            "image_size": 64,
            "labels": ["cat", "dog"],
        },
        "output": {"name": "logits", "shape": ["batch", 2]},
    },
}


EXPORTS = "/api/ml/export-jobs"


def make_model(
    client: FlaskClient,
    headers: dict[str, str],
    service: dict[str, str],
    dataset_id: int,
    final: str = "succeeded",
) -> dict[str, Any]:
    """A model version registered by a training job that then ends ``final`` (the flow played by hand)."""
    job = client.post("/api/ml/training-jobs", json={"dataset_id": dataset_id}, headers=headers).get_json()
    path = f"/api/ml/training-jobs/{job['data']['id']}"
    assert client.patch(path, json={"status": "running"}, headers=service).status_code == 200
    resp = client.post(
        f"{path}/model",
        data={
            "file": (io.BytesIO(f"weights of job {path}".encode()), "model.pt"),
            "metrics": "{}",
            "preprocessing": json.dumps(PREPROCESSING),
        },
        headers=service,
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.get_json()
    if final == "cancelled":
        assert client.post(f"{path}/cancel", headers=headers).status_code == 200
    elif final != "running":
        assert client.patch(path, json={"status": final}, headers=service).status_code == 200
    return dict(resp.get_json()["data"])


def make_export(
    client: FlaskClient,
    headers: dict[str, str],
    service: dict[str, str],
    model_id: int,
    artifact: bytes | None = b"onnx bytes",
    **body: Any,
) -> dict[str, Any]:
    """An export job, run to success by hand with ``artifact`` (None: left queued)."""
    resp = client.post(EXPORTS, json={"model_id": model_id, **body}, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    job = resp.get_json()["data"]
    if artifact is None:
        return dict(job)
    path = f"{EXPORTS}/{job['id']}"
    assert client.patch(path, json={"status": "running"}, headers=service).status_code == 200
    up = client.post(
        f"{path}/artifact",
        data={"file": (io.BytesIO(artifact), "model.onnx"), "sha256": hashlib.sha256(artifact).hexdigest()},
        headers=service,
        content_type="multipart/form-data",
    )
    assert up.status_code == 201, up.get_json()
    done = client.patch(path, json={"status": "succeeded", **FIGURES}, headers=service)
    assert done.status_code == 200, done.get_json()
    return dict(done.get_json()["data"])


# The flow tests share one database and run many jobs in one organization; the per-organization job
# limit (tested in tests/webapp/test_quotas.py) would turn their setup into 429s.
FLOW_TEST_SETTINGS: dict[str, Any] = {"org_max_jobs": 0}
