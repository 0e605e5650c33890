"""Detection through the whole chain, for real: a device uploads camera-shaped frames, boxes are
annotated, the dataset, training and export flows run in a worker, and the device runs the export
from its metadata alone, reproducing the server's detections.

How good the detector gets is tests/clients/test_device_detection_quality.py's job; this one holds the
contract between the parts (what each step records, and what a device is told).
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from acusight_sdk.device import DeviceClient
from flask.testing import FlaskClient
from PIL import Image

from pipelines.dataset import assign_split
from pipelines.detection.export import DetectorWithNMS, match_detections
from pipelines.detection.model import load_detector
from pipelines.detection.scenes import make_scenes, manifest_boxes
from pipelines.frames import decode_frame, source_boxes
from pipelines.model import normalize
from tests.flows.test_export_flow import wait_export
from tests.helpers import wait_final, wait_job

pytestmark = pytest.mark.usefixtures("worker", "service_key")

WIDTH, HEIGHT = 96, 72  # 4:3 frames, letterboxed into the model's square input
SIZE = 48
SPLITS = {"train": 0.6, "val": 0.2, "test": 0.2}
PARAMS = {"epochs": 3, "width": 8, "fpn_channels": 16, "batch_size": 16, "threads": 1}


def jpeg(image: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="JPEG", quality=90)
    return buf.getvalue()


def boxed_project(
    client: FlaskClient, headers: dict[str, str], provision: Any, n: int
) -> tuple[int, list[bytes]]:
    """A detection project whose frames a device uploaded and an annotator boxed: (id, JPEGs)."""
    scenes = make_scenes(n, image_size=WIDTH, height=HEIGHT, seed=5, classes=3, pool="train")
    body = {"name": "digits on the line", "task_type": "detection", "labels": scenes.label_names}
    project = client.post("/api/data/projects", json=body, headers=headers).get_json()["data"]
    key = {"X-Device-Key": provision(headers, "line-cam", project_id=project["id"])["api_key"]}
    frames = []
    for i, (image, boxes, labels) in enumerate(zip(scenes.images, scenes.boxes, scenes.labels, strict=True)):
        data = jpeg(image)
        up = client.post(
            "/api/device/images/upload",
            data={"file": (io.BytesIO(data), f"{i}.jpg")},
            headers=key,
            content_type="multipart/form-data",
        )
        assert up.status_code == 201, up.get_json()
        body = {"image_id": up.get_json()["data"]["id"], "boxes": manifest_boxes(boxes, labels, LABELS)}
        ann = client.post("/api/data/annotations", json=body, headers=headers)
        assert ann.status_code == 201, ann.get_json()
        frames.append(data)
    return project["id"], frames


LABELS = ["0", "1", "2"]


def test_a_detector_from_boxes_to_the_device(
    client: FlaskClient,
    admin_headers: dict[str, str],
    provision: Any,
    worker_dir: Path,
    live_api: str,
    tmp_path: Path,
) -> None:
    project_id, frames = boxed_project(client, admin_headers, provision, n=40)
    body = {"project_id": project_id, "image_size": SIZE, "splits": SPLITS, "seed": 0}
    dataset = client.post("/api/data/datasets", json=body, headers=admin_headers).get_json()["data"]
    dataset = wait_final(client, admin_headers, dataset["id"], worker_dir)
    assert dataset["status"] == "ready", dataset["error"]
    assert dataset["params"]["resize"]["mode"] == "letterbox"

    # A classifier's parameter on a detection version: refused, nothing queued.
    wrong = {"dataset_id": dataset["id"], "params": {"label_smoothing": 0.1}}
    resp = client.post("/api/ml/training-jobs", json=wrong, headers=admin_headers)
    assert resp.status_code == 400 and "label_smoothing is a classification parameter" in str(resp.get_json())
    assert client.get("/api/ml/training-jobs", headers=admin_headers).get_json()["meta"]["total"] == 0

    body = {"dataset_id": dataset["id"], "params": PARAMS, "device": "cpu"}
    job = client.post("/api/ml/training-jobs", json=body, headers=admin_headers).get_json()["data"]
    # 40 frames at 20% held out: each held-out split has under 20 frames, and the job says so.
    assert any("val split holds only" in w for w in job["warnings"]), job["warnings"]
    done = wait_job(client, admin_headers, job["id"], worker_dir, {"succeeded", "failed", "cancelled"})
    assert done["status"] == "succeeded", done["error"]
    history = done["progress"]["history"]
    assert [h["epoch"] for h in history] == [1, 2, 3] and all(h["train_loss"] > 0 for h in history)
    test = done["metrics"]["test"]
    assert 0 <= test["map"] <= test["map50"] <= 1 and set(test["per_class"]) == set(LABELS)
    # The precision-recall curve at IoU 0.5, for the console's chart: COCO's 101 recall points.
    curve = test["pr_curve"]
    assert len(curve["recall"]) == len(curve["precision"]) == 101
    assert all(0 <= p <= 1 for p in curve["precision"])
    model = client.get(f"/api/ml/models/{done['model_id']}", headers=admin_headers).get_json()["data"]
    assert model["task_type"] == "detection" and model["metrics"]["test"]["map50"] == test["map50"]
    assert model["params"]["epochs"] == 3 and model["params"]["fpn_channels"] == 16
    assert model["preprocessing"]["resize"] == dataset["params"]["resize"]

    # The export: the job's NMS options, recorded with the defaults filled in, and its steps.
    resp = client.post(
        "/api/ml/export-jobs",
        json={"model_id": model["id"], "max_detections": 20, "score_threshold": 0.1},
        headers=admin_headers,
    )
    assert resp.status_code == 201, resp.get_json()
    export = wait_export(client, admin_headers, resp.get_json()["data"]["id"], worker_dir)
    assert export["status"] == "succeeded", export["error"]
    assert export["options"] == {"max_detections": 20, "score_threshold": 0.1, "iou_threshold": 0.5}
    assert export["progress"]["stage"] == "uploading" and export["progress"]["step"] == 6
    assert export["parity"]["detections_agreement"] == 1.0 and export["parity"]["max_box_diff"] <= 1e-3
    assert export["accuracy"]["metric"] == "mAP@[.5:.95]" and export["latency_ms"]["cpu"]["b1"] > 0
    tensors = {t["name"]: t["shape"] for t in export["signature"]["output"]["tensors"]}
    assert tensors == {"boxes": ["batch", 20, 4], "scores": ["batch", 20], "labels": ["batch", 20]}

    # The device: told the task, the input's letterbox and the outputs; it runs the file by itself.
    client.patch(
        f"/api/data/projects/{project_id}", json={"deployed_export_id": export["id"]}, headers=admin_headers
    )
    provisioned = provision(admin_headers, "CAM-DETECT", project_id=project_id)
    device = DeviceClient(api_url=live_api, key=provisioned["api_key"], model_dir=tmp_path / "models")
    told = device.checkin()["model"]
    assert told["task"] == "detection" and told["input"]["resize"] == dataset["params"]["resize"]
    assert (told["input"]["width"], told["input"]["height"]) == (SIZE, SIZE)
    assert told["output"]["max_detections"] == 20 and told["labels"] == LABELS
    path = device.fetch_model()
    assert path is not None and hashlib.sha256(path.read_bytes()).hexdigest() == export["artifact_sha256"]

    # Held-out frames: the device's detections, in frame pixels, are the server's own.
    held_out = [f for f in frames if assign_split(hashlib.sha256(f).hexdigest(), 0, SPLITS) == "test"]
    checkpoint = client.get(f"/api/ml/models/{model['id']}/download", headers=admin_headers).data
    detector, _ = load_detector(io.BytesIO(checkpoint))
    wrapper = DetectorWithNMS(detector, **export["options"])
    resize = dataset["params"]["resize"]
    found = device.detect(held_out)
    for data, detections in zip(held_out, found, strict=True):
        stored, source = decode_frame(data, SIZE, resize)
        with torch.no_grad():
            x = normalize(torch.from_numpy(np.array(stored[None])))
            boxes, scores, labels = (t[0].numpy() for t in wrapper(x))
        keep = scores > 0
        expected = (source_boxes(boxes[keep], source, SIZE, resize), scores[keep], labels[keep])
        frame = np.array([WIDTH, HEIGHT] * 2)
        ours = (
            np.array([d.box for d in detections], np.float64).reshape(-1, 4) / frame,
            np.array([d.score for d in detections], np.float32),
            np.array([d.label_index for d in detections], np.int64),
        )
        matched = match_detections(ours, expected)
        # Within 1e-3 of the model input, which the letterbox stretches by up to SIZE / 36 in the frame.
        assert matched is not None and matched[0] <= 2e-3, (ours, expected)

    # The field: the export's reference counts the detections it kept on the held-out split, and the
    # camera's reports of the same frames count each detection, its boxes in fractions of the frame.
    reference = export["reference"]
    assert reference["predictions"] == export["parity"]["num_images"]
    assert sum(reference["class_counts"].values()) == export["parity"]["num_detections"]["onnx"]
    device.checkin()
    observed = device.observe(held_out)
    assert observed.reported == len(held_out)
    field = client.get(f"/api/ml/export-jobs/{export['id']}/field-metrics", headers=admin_headers).get_json()[
        "data"
    ]
    assert field["task"] == "detection" and field["total_predictions"] == len(held_out)
    assert field["summary"]["scores"] == sum(len(d) for d in found)
    assert set(field["summary"]["class_counts"]) <= set(LABELS)
