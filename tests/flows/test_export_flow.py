"""ONNX exports for real (dataset, training and export flows in a worker) and a device that runs the model."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
import torch
from acusight_sdk.device import DeviceClient
from flask.testing import FlaskClient

from pipelines.dataset import assign_split
from pipelines.frames import decode_resize
from pipelines.model import load_checkpoint, predict_logits
from pipelines.predict import META_PRECISION
from tests.flows.prefect_runs import read_flow_run, run_artifacts
from tests.helpers import service_headers, wait_final, wait_job, wait_until, worker_log
from tests.pipelines.helpers import TINY_LABELS, png_bytes, tiny_image
from webapp import orchestration

FINAL = {"succeeded", "failed"}
# Held-out images: what parity is judged on, and what the device is scored on here.
SPLITS = {"train": 0.7, "val": 0.1, "test": 0.2}


def learnable_project(
    client: FlaskClient, headers: dict[str, str], provision: Any, n: int
) -> tuple[int, list[tuple[bytes, str]]]:
    """A project whose classes a tiny CNN learns in a few epochs (dark, striped, bright), uploaded by a
    device and annotated: (project id, [(png, label)])."""
    project = client.post(
        "/api/data/projects", json={"name": "lights", "labels": TINY_LABELS}, headers=headers
    ).get_json()["data"]
    key = {"X-Device-Key": provision(headers, "uploader", project_id=project["id"])["api_key"]}
    rng = np.random.default_rng(7)
    images = []
    for i in range(n):
        label = i % len(TINY_LABELS)
        data = png_bytes(tiny_image(label, rng))
        up = client.post(
            "/api/device/images/upload",
            data={"file": (io.BytesIO(data), f"{i}.png")},
            headers=key,
            content_type="multipart/form-data",
        )
        assert up.status_code == 201, up.get_json()
        ann = client.post(
            "/api/data/annotations",
            json={"image_id": up.get_json()["data"]["id"], "label": TINY_LABELS[label]},
            headers=headers,
        )
        assert ann.status_code == 201, ann.get_json()
        images.append((data, TINY_LABELS[label]))
    return project["id"], images


def wait_export(client: FlaskClient, headers: dict[str, str], job_id: int, worker_dir: Path) -> Any:
    def final() -> dict[str, Any] | None:
        job = client.get(f"/api/ml/export-jobs/{job_id}", headers=headers).get_json()["data"]
        return job if job["status"] in FINAL else None

    try:
        return wait_until(final, 300, f"export job {job_id} to finish", interval=0.5)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nworker log:\n{worker_log(worker_dir)}") from exc


def export(client: FlaskClient, headers: dict[str, str], model_id: int, **body: Any) -> int:
    resp = client.post("/api/ml/export-jobs", json={"model_id": model_id, **body}, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    return int(resp.get_json()["data"]["id"])


def outlier_checkpoint(checkpoint: bytes) -> bytes:
    """The same network with one dead channel carrying a huge constant into the last activation.

    In float nothing changes (the head ignores the channel), but int8's per-tensor activation scale
    is set by the outlier and rounds every real feature to zero: a known way int8 breaks a model.
    """
    ckpt = torch.load(io.BytesIO(checkpoint), map_location="cpu", weights_only=True)
    state = ckpt["state_dict"]
    last = max(int(k.split(".")[1]) for k in state if k.startswith("blocks."))
    state[f"blocks.{last}.bn2.bias"][0] = 1e4
    state["head.weight"][:, 0] = 0
    buf = io.BytesIO()
    torch.save(ckpt, buf)
    return buf.getvalue()


def register_by_hand(
    client: FlaskClient, headers: dict[str, str], service: dict[str, str], dataset_id: int, checkpoint: bytes
) -> dict[str, Any]:
    """A model version registered the way the training flow does, with the flow not running."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(orchestration, "start", lambda kind, parameters: "not-started")
        job = client.post("/api/ml/training-jobs", json={"dataset_id": dataset_id}, headers=headers)
    path = f"/api/ml/training-jobs/{job.get_json()['data']['id']}"
    assert client.patch(path, json={"status": "running"}, headers=service).status_code == 200
    model = client.post(
        f"{path}/model",
        data={"file": (io.BytesIO(checkpoint), "model.pt"), "metrics": "{}"},
        headers=service,
        content_type="multipart/form-data",
    )
    assert model.status_code == 201, model.get_json()
    assert client.patch(path, json={"status": "succeeded"}, headers=service).status_code == 200
    return dict(model.get_json()["data"])


@pytest.mark.usefixtures("worker", "service_key")
def test_exports_reach_a_device_and_a_model_int8_breaks_is_rejected(
    client: FlaskClient,
    admin: Any,
    admin_headers: dict[str, str],
    provision: Any,
    service_key: str,
    worker_dir: Path,
    live_api: str,
    tmp_path: Path,
) -> None:
    project_id, images = learnable_project(client, admin_headers, provision, n=90)
    body = {"project_id": project_id, "image_size": 16, "splits": SPLITS, "seed": 0}
    dataset = client.post("/api/data/datasets", json=body, headers=admin_headers).get_json()["data"]
    dataset = wait_final(client, admin_headers, dataset["id"], worker_dir)
    assert dataset["status"] == "ready", dataset["error"]
    params = {"epochs": 8, "width": 8, "batch_size": 16}
    training = client.post(
        "/api/ml/training-jobs",
        json={"dataset_id": dataset["id"], "params": params, "device": "cpu"},
        headers=admin_headers,
    ).get_json()["data"]
    trained = wait_job(
        client, admin_headers, training["id"], worker_dir, {"succeeded", "failed", "cancelled"}
    )
    assert trained["status"] == "succeeded", trained["error"]
    model_id = trained["model_id"]

    # Every precision, at once; fp16 with a fixed batch of 1.
    ids = {
        "fp32": export(client, admin_headers, model_id),
        "fp16": export(client, admin_headers, model_id, precision="fp16", dynamic_batch=False),
        "int8": export(client, admin_headers, model_id, precision="int8"),
    }
    jobs = {p: wait_export(client, admin_headers, i, worker_dir) for p, i in ids.items()}
    for precision, job in jobs.items():
        assert job["status"] == "succeeded", job["error"]
        assert job["parity"]["num_images"] == dataset["counts"]["splits"]["test"]
        assert job["accuracy"]["drop"] <= job["max_accuracy_drop"] == 0.01
        assert job["latency_ms"]["cpu"]["b1"] > 0
        blob = client.get(f"/api/ml/export-jobs/{job['id']}/download", headers=admin_headers).data
        assert (
            hashlib.sha256(blob).hexdigest() == job["artifact_sha256"] and len(blob) == job["artifact_size"]
        )
        artifact = onnx.load_from_string(blob)
        onnx.checker.check_model(artifact, full_check=True)
        assert {p.key: p.value for p in artifact.metadata_props}[META_PRECISION] == precision
    fp32 = jobs["fp32"]
    assert fp32["parity"]["argmax_agreement"] == 1.0 and fp32["parity"]["max_abs_diff"] < 1e-3
    assert fp32["signature"]["input"]["shape"] == ["batch", 3, 16, 16]
    assert jobs["fp16"]["signature"]["input"]["shape"] == [1, 3, 16, 16]
    assert jobs["fp16"]["latency_ms"]["cpu"]["b32"] is None and fp32["latency_ms"]["cpu"]["b32"] > 0
    # Each run says in the Prefect UI what it served, with its figures as an artifact.
    run = read_flow_run(fp32["flow_run_id"])
    assert run.name == f"export · project {project_id} · job {fp32['id']}"
    expected_tags = {"acusight", "kind:export", f"project:{project_id}", f"job:{fp32['id']}"}
    assert expected_tags | {f"org:{admin.organization_id}"} <= set(run.tags)
    figures = run_artifacts(fp32["flow_run_id"])[f"export-job-{fp32['id']}"]
    assert figures["type"] == "markdown" and "Parity and accuracy checks passed" in figures["data"]
    assert "| argmax_agreement | 1.0 |" in figures["data"] and "| cpu.b1 |" in figures["data"]
    assert fp32["flow_run_url"].endswith(f"/runs/flow-run/{fp32['flow_run_id']}")
    listed = client.get(f"/api/ml/models/{model_id}", headers=admin_headers).get_json()["data"]["exports"]
    assert sorted(e["id"] for e in listed) == sorted(ids.values())

    # The device (the client `acusight demo` runs, over HTTP): nothing assigned, then the project's fp32
    # export, then its own int8 one. Downloads are counted by status: a model held is not fetched again.
    provisioned = provision(admin_headers, "CAM-EDGE", project_id=project_id)
    device = DeviceClient(api_url=live_api, key=provisioned["api_key"], model_dir=tmp_path / "models")
    downloads: list[int] = []
    device.http.client.event_hooks["response"].append(
        lambda r: downloads.append(r.status_code) if r.url.path.endswith("/model/download") else None
    )
    assert device.checkin()["model"] is None and device.fetch_model() is None and downloads == []
    client.patch(
        f"/api/data/projects/{project_id}", json={"deployed_export_id": fp32["id"]}, headers=admin_headers
    )
    seen = device.checkin(battery_pct=90)["model"]
    assert (seen["export_id"], seen["source"], seen["labels"]) == (fp32["id"], "project", TINY_LABELS)
    assert seen["input"]["image_size"] == 16 and seen["input"]["mean"] == fp32["signature"]["input"]["mean"]
    path = device.fetch_model()
    assert path is not None and device.model_info == seen
    assert hashlib.sha256(path.read_bytes()).hexdigest() == seen["sha256"] == fp32["artifact_sha256"]
    assert device.fetch_model() == path
    assert downloads == [200, 304]

    # The field: the export's reference is its own predictions on the held-out split; the device says
    # it runs it, reports what it predicts, and a world of only dark frames is drift the flow records.
    reference = fp32["reference"]
    assert reference["predictions"] == dataset["counts"]["splits"]["test"]
    assert sum(reference["class_counts"].values()) == sum(reference["confidence_histogram"])
    device.checkin()
    listed = client.get(f"/api/devices/{provisioned['device']['id']}", headers=admin_headers).get_json()
    assert listed["data"]["running_export_id"] == fp32["id"]
    rng_field = np.random.default_rng(99)
    dark = [png_bytes(tiny_image(0, rng_field)) for _ in range(240)]
    observed = device.observe(dark)
    assert observed.reported == 240 and observed.uploaded == []  # no sampling policy yet
    field = client.get(f"/api/ml/export-jobs/{fp32['id']}/field-metrics", headers=admin_headers).get_json()
    assert field["data"]["total_predictions"] == 240 and field["data"]["reference"]["predictions"] > 0
    resp = client.post("/api/ml/drift-checks", json={"export_id": fp32["id"]}, headers=admin_headers)
    assert resp.status_code == 202, resp.get_json()

    def checked() -> dict[str, Any] | None:
        job = client.get(f"/api/ml/export-jobs/{fp32['id']}", headers=admin_headers).get_json()["data"]
        return job["drift_check"]

    check = wait_until(checked, 120, "the drift check", interval=0.5)
    assert check["verdict"] == "drift" and check["class_psi"] > check["threshold"], check
    [event] = client.get(
        "/api/ml/drift-events", query_string={"export_id": fp32["id"]}, headers=admin_headers
    ).get_json()["data"]
    assert event["class_psi"] == pytest.approx(check["class_psi"]) and event["sampling_boost"]
    # The raised sampling reaches the device, though the project set no policy: it now uploads some of
    # what it sees, each frame pre-labelled with its prediction.
    assert device.checkin()["sampling"]["random_rate"] == event["sampling_boost"]["random_rate"]
    sampled = device.observe([png_bytes(tiny_image(1, np.random.default_rng(7 + i))) for i in range(40)])
    assert sampled.uploaded and set(sampled.reasons) == {"random"}
    image = client.get(f"/api/data/images/{sampled.uploaded[0]['id']}", headers=admin_headers).get_json()
    assert image["data"]["annotation"]["source"] == "model"

    # Images the model never saw: the device's classes equal the PyTorch model's argmax.
    rng = np.random.default_rng(12345)
    fresh = [png_bytes(tiny_image(i % 3, rng, size=32)) for i in range(12)]
    checkpoint = client.get(f"/api/ml/models/{model_id}/download", headers=admin_headers).data
    torch_model, _ = load_checkpoint(io.BytesIO(checkpoint))
    arrays = np.stack([decode_resize(png, 16) for png in fresh])
    expected = [TINY_LABELS[i] for i in predict_logits(torch_model, arrays).argmax(1).tolist()]
    assert device.predict(fresh) == expected

    # The held-out images: the device scores exactly what the export flow measured on the server.
    held_out = [(png, label) for png, label in images if split_of(png) == "test"]
    for precision in ("fp32", "int8"):
        if precision == "int8":
            url = f"/api/devices/{provisioned['device']['id']}"
            client.patch(url, json={"deployed_export_id": jobs["int8"]["id"]}, headers=admin_headers)
            device.fetch_model()
            assert device.model_info is not None and device.model_info["source"] == "device"
            assert downloads == [200, 304, 200]
        predicted = device.predict([png for png, _ in held_out])
        accuracy = float(np.mean([p == label for p, (_, label) in zip(predicted, held_out, strict=True)]))
        assert accuracy == pytest.approx(jobs[precision]["accuracy"]["onnx"])

    # A model that works in float but not in int8: its int8 export fails the accuracy check, with figures.
    service = service_headers(service_key, admin.organization_id)
    broken = register_by_hand(client, admin_headers, service, dataset["id"], outlier_checkpoint(checkpoint))
    float_job = export(client, admin_headers, broken["id"])
    int8_job = export(client, admin_headers, broken["id"], precision="int8")
    assert wait_export(client, admin_headers, float_job, worker_dir)["status"] == "succeeded"
    failed = wait_export(client, admin_headers, int8_job, worker_dir)
    assert failed["status"] == "failed"
    assert "ParityError" in failed["error"] and "int8 ONNX loses more than 0.0100 accuracy" in failed["error"]
    assert failed["accuracy"]["drop"] > 0.01 and f'"drop": {failed["accuracy"]["drop"]}' in failed["error"]
    assert failed["parity"]["argmax_agreement"] < 1.0 and failed["artifact_sha256"] is None
    refused = run_artifacts(failed["flow_run_id"])[f"export-job-{int8_job}"]
    assert "Refused" in refused["data"] and "| drop |" in refused["data"]
    resp = client.patch(
        f"/api/devices/{provisioned['device']['id']}",
        json={"deployed_export_id": int8_job},
        headers=admin_headers,
    )
    assert resp.status_code == 409


def split_of(png: bytes) -> str:
    return assign_split(hashlib.sha256(png).hexdigest(), 0, SPLITS)


class _Download:
    """What PlatformClient.stream returns, for fetch_checkpoint alone."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __enter__(self) -> _Download:
        return self

    def __exit__(self, *_exc: object) -> None:
        pass

    def iter_bytes(self, size: int) -> Any:
        return iter([self.data[i : i + size] for i in range(0, len(self.data), size)])


class _Api:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, method: str, path: str) -> _Download:
        assert (method, path) == ("GET", "/ml/models/7/download")
        return _Download(self.data)


def test_a_checkpoint_that_does_not_match_its_sha256_is_refused(tmp_path: Path) -> None:
    # Imported here: importing Prefect at collection time would pin this process's Prefect settings
    # before the session's server is up.
    from flows.export import fetch_checkpoint

    data = b"checkpoint bytes" * 100_000
    model = {"id": 7, "artifact_sha256": hashlib.sha256(data).hexdigest()}
    out = fetch_checkpoint.fn(_Api(data), model, tmp_path / "ok.pt")
    assert out.read_bytes() == data
    with pytest.raises(RuntimeError, match="checkpoint of model 7 is corrupt"):
        fetch_checkpoint.fn(_Api(data[:-1] + b"!"), model, tmp_path / "bad.pt")
