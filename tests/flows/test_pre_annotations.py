"""A detector's pre-annotations land where the model saw its objects: a suggested rectangle, read
back as Label Studio's pull reads an annotation, maps onto the model's own box in its input."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from PIL import Image

from flows.pre_annotations import (
    BOX_IOU_THRESHOLD,
    BOX_SCORE_THRESHOLD,
    MAX_SUGGESTED_BOXES,
    PreAnnotator,
    device_suggestions,
)
from pipelines.detection.boxes import predict
from pipelines.detection.model import Detector, DetectorConfig, save_detector
from pipelines.frames import LETTERBOX, decode_frame, frame_boxes, frame_layout
from pipelines.label_config import FROM_NAME, IMAGE_KEY
from webapp.integrations.label_studio.sync import _box as pulled_box

SIZE = 32
LABELS = ["car", "person", "bike"]
FRAMES = [(96, 72), (50, 90), (64, 64)]


def jpeg(width: int, height: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8)).save(buf, format="JPEG")
    return buf.getvalue()


@pytest.fixture
def checkpoint(tmp_path: Path) -> Path:
    """An untrained detector whose scores spread over (0, 1): plenty of boxes to suggest."""
    torch.manual_seed(0)
    config = DetectorConfig(num_classes=len(LABELS), width=8, fpn_channels=16, head_convs=1)
    detector = Detector(config).eval()
    with torch.no_grad():
        detector.cls_out.bias.zero_()
        detector.cls_out.weight.mul_(30)
    path = tmp_path / "model.pt"
    save_detector(path, detector, config, labels=LABELS, image_size=SIZE)
    return path


def test_suggested_rectangles_map_back_onto_the_model_boxes(checkpoint: Path) -> None:
    model = {"name": "street model v1", "preprocessing": {"task": "detection", "resize": LETTERBOX}}
    annotator = PreAnnotator.load(checkpoint, model, "detection", allowed=LABELS)
    images = [(i + 1, jpeg(w, h, i)) for i, (w, h) in enumerate(FRAMES)]
    suggested = annotator.predictions(images)
    assert suggested, "the rigged detector suggests boxes"
    for (image_id, data), (width, height) in zip(images, FRAMES, strict=True):
        stored, source = decode_frame(data, SIZE, LETTERBOX)
        [(boxes, _, labels)] = predict(
            annotator.model,
            stored[None],
            score_threshold=BOX_SCORE_THRESHOLD,
            iou_threshold=BOX_IOU_THRESHOLD,
            max_detections=MAX_SUGGESTED_BOXES,
        )
        # The model's boxes, clipped to the part of its input the frame fills (the rest is padding).
        _, (left, top, w, h) = frame_layout(width, height, SIZE, LETTERBOX)
        low, high = np.array([left, top] * 2) / SIZE, np.array([left + w, top + h] * 2) / SIZE
        clipped = boxes.clip(low, high)
        inside = (clipped[:, 2] > clipped[:, 0]) & (clipped[:, 3] > clipped[:, 1])
        prediction = suggested.get(image_id, {"result": []})
        results = prediction["result"]
        assert len(results) == int(inside.sum())
        for result, box, label in zip(results, clipped[inside], labels[inside], strict=True):
            assert (result["from_name"], result["to_name"], result["type"]) == (
                FROM_NAME,
                IMAGE_KEY,
                "rectanglelabels",
            )
            assert (result["original_width"], result["original_height"]) == (width, height)
            assert result["value"]["rectanglelabels"] == [LABELS[label]]
            # What the pull would store, mapped into the model's input as a dataset version would.
            back = pulled_box(result["value"], SimpleNamespace(width=width, height=height))
            assert back is not None
            [mapped], dropped = frame_boxes([back], source, SIZE, LETTERBOX)
            assert dropped == 0
            got = [mapped[k] for k in ("x1", "y1", "x2", "y2")]
            np.testing.assert_allclose(got, box, atol=1e-4)
        if results:
            assert prediction["model_version"] == "street model v1" and 0 < prediction["score"] <= 1


def test_labels_the_project_dropped_are_not_suggested(checkpoint: Path) -> None:
    model = {"name": "m", "preprocessing": {"task": "detection", "resize": LETTERBOX}}
    annotator = PreAnnotator.load(checkpoint, model, "detection", allowed=["car"])
    suggested = annotator.predictions([(1, jpeg(96, 72, 0)), (2, jpeg(50, 90, 1))])
    labels = {r["value"]["rectanglelabels"][0] for p in suggested.values() for r in p["result"]}
    assert labels <= {"car"}


def test_frames_a_camera_sampled_suggest_the_cameras_own_prediction() -> None:
    images = [
        {
            "image_id": 1,
            "width": 200,
            "height": 100,
            "device_prediction": {"export_id": 4, "label": "car", "score": 0.41},
        },
        {"image_id": 2, "width": 200, "height": 100, "device_prediction": None},
        {
            "image_id": 3,
            "width": 200,
            "height": 100,
            "device_prediction": {"export_id": 4, "label": "tram", "score": 0.5},
        },
        {
            "image_id": 4,
            "width": 200,
            "height": 100,
            "device_prediction": {
                "export_id": 5,
                "detections": [
                    {"label": "person", "score": 0.6, "x": 0.1, "y": 0.2, "width": 0.25, "height": 0.5},
                    {"label": "tram", "score": 0.9, "x": 0.5, "y": 0.5, "width": 0.1, "height": 0.1},
                ],
            },
        },
    ]
    found = device_suggestions(images, LABELS)
    assert set(found) == {1, 4}  # none for a frame not sampled, none for a label the project dropped
    assert found[1]["model_version"] == "device: export 4" and found[1]["score"] == 0.41
    assert found[1]["result"][0]["value"] == {"choices": ["car"]}
    [box] = found[4]["result"]
    assert box["value"] == {
        "x": 10.0,
        "y": 20.0,
        "width": 25.0,
        "height": 50.0,
        "rotation": 0,
        "rectanglelabels": ["person"],
    }
    assert (box["original_width"], box["original_height"], found[4]["score"]) == (200, 100, 0.6)
