"""The detector's quality, judged where it counts: on a device that knows only the ONNX file.

Camera-shaped frames (4:3 JPEGs of the project's digit scenes) are brought to a letterboxed
dataset version exactly as the platform does (pipelines.frames), a short CPU training runs, the
export builds one graph with NMS inside, and the device client (clients/device_model.py, which
reads the file's metadata and shares no code with the server) detects on held-out frames made of
digits never seen in training. mAP@0.5 is computed by faster-coco-eval in frame coordinates.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
import pytest
from acusight_sdk.model import DeviceModel
from PIL import Image

from pipelines.dataset import write_dataset
from pipelines.detection.evaluate import coco_evaluate
from pipelines.detection.scenes import Scenes, make_scenes, manifest_boxes
from pipelines.export import export_onnx
from pipelines.frames import LETTERBOX, decode_frame, frame_boxes
from pipelines.train import train
from tests.pipelines.test_detection_train import PARAMS as QUICK_DETECTOR

WIDTH, HEIGHT = 128, 96  # frames as a camera sends them: 4:3, larger than the model's input
SIZE = 64  # the dataset version's (and model's) input: letterboxed
CLASSES = 3
# test_detection_train's quick detector, trained longer (~25 s on one busy core here; the time is
# not asserted).
PARAMS = {**QUICK_DETECTOR, "epochs": 16}
BAR = 0.6


def jpegs(scenes: Scenes) -> list[bytes]:
    out = []
    for image in scenes.images:
        buf = io.BytesIO()
        Image.fromarray(image).save(buf, format="JPEG", quality=90)
        out.append(buf.getvalue())
    return out


def version_records(scenes: Scenes, split: str) -> list[tuple[str, object, str, np.ndarray]]:
    """The records the platform's dataset flow makes of uploaded frames and their annotated boxes."""
    records = []
    for data, boxes, labels in zip(jpegs(scenes), scenes.boxes, scenes.labels, strict=True):
        stored, source = decode_frame(data, SIZE, LETTERBOX)
        mapped, _ = frame_boxes(manifest_boxes(boxes, labels, scenes.label_names), source, SIZE, LETTERBOX)
        records.append((hashlib.sha256(data).hexdigest(), mapped, split, stored))
    return records


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("quality")
    kw = {"image_size": WIDTH, "height": HEIGHT, "classes": CLASSES}
    train_scenes = make_scenes(400, seed=1, pool="train", **kw)
    val_scenes = make_scenes(40, seed=3, pool="test", **kw)
    write_dataset(
        root / "dataset",
        task_type="detection",
        labels=train_scenes.label_names,
        image_size=SIZE,
        records=version_records(train_scenes, "train") + version_records(val_scenes, "val"),
        resize=LETTERBOX,
    )
    train({"detect": PARAMS}, root / "dataset", root / "train")
    # mAP ranks every detection, so the export keeps low scores too (as COCO evaluation does); a
    # deployment would raise score_threshold instead.
    export_onnx(
        root / "train" / "model.pt",
        root / "dataset",
        root / "model.onnx",
        latency_runs=1,
        detection={"score_threshold": 0.05},
    )
    return root / "model.onnx"


def test_device_map_on_frames_it_never_saw(exported: Path) -> None:
    device = DeviceModel(exported)
    assert device.task == "detection" and device.input["resize"]["mode"] == "letterbox"
    held_out = make_scenes(100, image_size=WIDTH, height=HEIGHT, seed=2, classes=CLASSES, pool="test")
    found = device.detect(jpegs(held_out))
    scale = np.array([WIDTH, HEIGHT, WIDTH, HEIGHT], np.float64)
    detections = [
        (
            np.array([d.box for d in frame], np.float64).reshape(-1, 4) / scale,
            np.array([d.score for d in frame], np.float64),
            np.array([d.label_index for d in frame], np.int64),
        )
        for frame in found
    ]
    # Fractions of each side: IoU is the same as in pixels (both axes scale every area alike).
    scores = coco_evaluate(held_out.boxes, held_out.labels, detections, held_out.label_names, SIZE)
    print(f"device mAP@0.5 {scores['map50']:.3f}, mAP {scores['map']:.3f} on {len(found)} frames")
    assert scores["map50"] >= BAR
