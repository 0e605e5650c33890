"""The demo's detection phase: cameras on a line send 4:3 frames of handwritten digits scattered over
textured backgrounds (pipelines.detection.scenes: scikit-learn's digits, no download). Each frame's
boxes are annotated through the API, a letterboxed dataset version is cut, a detector trained and
exported to ONNX with NMS inside, and the export deployed to the project. A camera downloads it and
detects, from the model file's metadata alone, on frames made of digits it never uploaded; the
demo scores those detections (COCO mAP, faster-coco-eval) against the frames' true boxes.
"""

from __future__ import annotations

import io
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from acusight_sdk.device import DeviceClient
from PIL import Image as PILImage

from clients.demo.api import DemoError
from clients.demo.base import Phase
from pipelines.detection.evaluate import coco_evaluate
from pipelines.detection.scenes import Scenes, make_scenes, manifest_boxes

PROJECT = "Digits on the line (demo detection)"
FRAME_WIDTH, FRAME_HEIGHT = 160, 120
CAMERAS = 2
# A detector small enough to train on a CPU in a minute or two (params.yaml's detect: section
# holds the rest); what tests/clients/test_device_detection_quality.py holds to mAP@0.5 >= 0.6.
TRAIN_PARAMS = {"width": 8, "fpn_channels": 32, "head_convs": 1, "batch_size": 32, "lr": 0.005}
# mAP ranks every detection, so the demo's export keeps scores down to 0.05 (as COCO evaluation
# does); a deployment would raise score_threshold to what the line can act on.
EXPORT_OPTIONS = {"max_detections": 100, "score_threshold": 0.05, "iou_threshold": 0.5}


def frame_jpegs(scenes: Scenes) -> list[bytes]:
    out = []
    for image in scenes.images:
        buf = io.BytesIO()
        PILImage.fromarray(image).save(buf, "JPEG", quality=90)
        out.append(buf.getvalue())
    return out


class DetectionPhase(Phase):
    """Boxes, from the cameras' frames to the camera's detections on frames it never uploaded."""

    def run(self) -> None:
        o = self.options
        run_id = uuid.uuid4().hex[:6]
        frame = {"image_size": FRAME_WIDTH, "height": FRAME_HEIGHT, "classes": o.detection_classes}
        # The train pool's digits for uploaded frames, the test pool's for the unseen ones.
        scenes = make_scenes(o.detection_frames, seed=11, pool="train", **frame)
        unseen = make_scenes(o.detection_unseen, seed=12, pool="test", **frame)
        facts = self.summary.facts

        with self.step("detection: project and cameras"):
            project = self.project(scenes.label_names)
            token = self.api.http.request(
                "POST",
                "/provisioning-tokens",
                json={
                    "name": f"demo detection {run_id}",
                    "max_uses": CAMERAS,
                    "project_id": project["id"],
                    "expires_in_hours": 1,
                },
            )["token"]
            cameras = [
                DeviceClient.provision(
                    self.api.base_url, token, f"line-{run_id}-{i}", f"line camera {i}", model="sim"
                )
                for i in range(CAMERAS)
            ]
            for i, camera in enumerate(cameras):
                camera.model_dir = self.work_dir / f"line-camera-{i}"
                camera.checkin(battery_pct=100, firmware_version="demo-1.0")

        frames = frame_jpegs(scenes)
        with self.step("detection: cameras upload frames"), self.progress() as bar:
            task = bar.add_task("cameras upload frames", total=len(frames))

            def upload(item: tuple[int, bytes]) -> dict[str, Any]:
                i, data = item
                return cameras[i % CAMERAS].upload(data, f"frame-{i}.jpg", batch=f"demo detection {run_id}")

            uploaded = []
            with ThreadPoolExecutor(max_workers=CAMERAS) as pool:
                for image in pool.map(upload, enumerate(frames)):
                    uploaded.append(image)
                    bar.advance(task)
        facts["detection: frames uploaded"] = len(uploaded)

        with self.step("detection: boxes annotated"), self.progress() as bar:
            task = bar.add_task("annotators box the digits", total=len(uploaded))
            boxes = 0
            for image, b, k in zip(uploaded, scenes.boxes, scenes.labels, strict=True):
                drawn = manifest_boxes(b, k, scenes.label_names)
                self.api.http.request(
                    "POST", "/data/annotations", json={"image_id": image["id"], "boxes": drawn}
                )
                boxes += len(drawn)
                bar.advance(task)
        facts["detection: boxes annotated"] = boxes

        body = {"project_id": project["id"], "image_size": o.detection_image_size, "seed": 0}
        dataset = self.cut_version("detection: dataset version", body)
        resize = dataset["params"]["resize"]
        facts["detection: dataset version"] = (
            f"v{dataset['version']} {dataset['git_tag']}, {o.detection_image_size} px {resize['mode']}"
        )

        job = self.train("detection: training", dataset["id"], {**TRAIN_PARAMS, "epochs": o.detection_epochs})
        test = job["metrics"]["test"]
        facts["detection: test mAP@0.5"] = test["map50"]
        facts["detection: test mAP@[.5:.95]"] = test["map"]
        facts["detection_model_id"] = job["model_id"]

        body = {"model_id": job["model_id"], **EXPORT_OPTIONS}
        export = self.export("detection: ONNX export (NMS inside)", body)
        facts["detection: export"] = {
            "options": export["options"],
            "parity (frames whose detections match PyTorch's)": export["parity"]["detections_agreement"],
            "onnx mAP@0.5": export["accuracy"]["map50"]["onnx"],
            "latency ms (cpu, batch 1)": ((export.get("latency_ms") or {}).get("cpu") or {}).get("b1"),
        }
        facts["detection_export_id"] = export["id"]

        with self.step("detection: deploy and detect on a camera"):
            self.api.http.request(
                "PATCH", f"/data/projects/{project['id']}", json={"deployed_export_id": export["id"]}
            )
            camera = cameras[0]
            told = camera.checkin(battery_pct=95).get("model")
            if not told or told.get("task") != "detection":
                raise DemoError(f"the camera's check-in does not show the deployed detector: {told}")
            camera.fetch_model()
            found = camera.detect(frame_jpegs(unseen))
        facts["detection: unseen frames"] = len(found)
        facts["detection: camera mAP@0.5 on unseen frames"] = device_map50(found, unseen)
        facts["detection_project_id"] = project["id"]

    def project(self, labels: list[str]) -> dict[str, Any]:
        """The demo's detection project for these labels: found by name, or made now."""
        name = f"{PROJECT}, digits {labels[0]}-{labels[-1]}"
        for project in self.api.http.request("GET", "/data/projects", params={"per_page": 100}):
            if project["name"] == name:
                return dict(project)
        body = {
            "name": name,
            "task_type": "detection",
            "labels": labels,
            "description": "handwritten digits scattered over textures, framed by simulated line cameras",
        }
        return dict(self.api.http.request("POST", "/data/projects", json=body))


def device_map50(found: list[list[Any]], truth: Scenes) -> float:
    """COCO mAP@0.5 of a camera's detections (pixels of the frame) against the frames' true boxes."""
    scale = np.array([FRAME_WIDTH, FRAME_HEIGHT] * 2, np.float64)
    detections = [
        (
            np.array([d.box for d in frame], np.float64).reshape(-1, 4) / scale,
            np.array([d.score for d in frame], np.float64),
            np.array([d.label_index for d in frame], np.int64),
        )
        for frame in found
    ]
    # Boxes as fractions of each side: IoU is the same as in pixels.
    return float(
        coco_evaluate(truth.boxes, truth.labels, detections, truth.label_names, FRAME_WIDTH)["map50"]
    )
