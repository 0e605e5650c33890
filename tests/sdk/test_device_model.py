"""A device running its model from the model's metadata alone reproduces the platform's results.

The device code (clients/device_model.py) implements the resize vocabulary itself; these tests hold
it to the platform's own preprocessing (pipelines.dataset) and to the torch model.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
import torch
from acusight_sdk.model import DeviceModel, decode, resize
from PIL import Image

from pipelines.detection.export import DetectorWithNMS, annotate, build_onnx, output_spec
from pipelines.detection.model import Detector, DetectorConfig
from pipelines.device_contract import input_spec
from pipelines.export import _annotate, torch_to_onnx
from pipelines.frames import decode_frame, decode_resize, frame_layout
from pipelines.model import MEAN, STD, ModelConfig, ResNet, normalize
from pipelines.predict import Predictor

SIZE = 32
SPECS = [
    {"mode": "center_crop", "filter": "lanczos"},
    {"mode": "center_crop", "filter": "bilinear"},
    {"mode": "stretch", "filter": "bilinear"},
    {"mode": "letterbox", "placement": "center", "pad_value": [114, 114, 114], "filter": "bilinear"},
    {"mode": "letterbox", "placement": "top_left", "pad_value": [0, 10, 20], "filter": "bicubic"},
]
# Odd sizes on purpose: fractional crops, rounding of the letterboxed side.
FRAME_SIZES = [(53, 31), (31, 70), (32, 32), (150, 97)]


def encode(array: np.ndarray, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format=fmt, quality=90)
    return buf.getvalue()


def frame(width: int, height: int, seed: int) -> np.ndarray:
    """A frame with structure (gradients and blocks) so that resampling differences would show."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    img = np.stack([x * 255 // max(1, width - 1), y * 255 // max(1, height - 1), (x ^ y) & 255], -1)
    for _ in range(4):
        x0, y0 = rng.integers(0, width - 4), rng.integers(0, height - 4)
        img[y0 : y0 + rng.integers(3, height // 2 + 4), x0 : x0 + rng.integers(3, width // 2 + 4)] = (
            rng.integers(0, 256, 3)
        )
    return img.astype(np.uint8)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s['mode']}-{s.get('placement', s['filter'])}")
@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_device_resize_gives_the_platform_pixels(spec: dict[str, Any], fmt: str) -> None:
    for i, (w, h) in enumerate(FRAME_SIZES):
        data = encode(frame(w, h, i), fmt)
        ours, _ = resize(decode(data, SIZE, SIZE, spec), SIZE, SIZE, spec, (w, h))
        platform, source = decode_frame(data, SIZE, spec)
        assert source == (w, h)
        np.testing.assert_array_equal(ours, platform, err_msg=f"{fmt} {w}x{h} {spec}")
        if spec["mode"] == "center_crop" and spec["filter"] == "lanczos":
            np.testing.assert_array_equal(ours, decode_resize(data, SIZE))  # what classifiers train on


@pytest.fixture(scope="module")
def detector_onnx(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DetectorWithNMS]:
    torch.manual_seed(0)
    config = DetectorConfig(num_classes=3, width=8, fpn_channels=16, head_convs=1)
    detector = Detector(config).eval()
    with torch.no_grad():  # untrained, but with scores spread over (0, 1): plenty of detections
        detector.cls_out.bias.zero_()
        detector.cls_out.weight.mul_(30)
    options = {"max_detections": 30, "score_threshold": 0.3, "iou_threshold": 0.5}
    model = build_onnx(detector, SIZE, **options)
    spec = input_spec(width=SIZE, height=SIZE, resize=SPECS[3], mean=list(MEAN), std=list(STD), scale=255.0)
    annotate(
        model, labels=["a", "b", "c"], spec=spec, outputs=output_spec("batch", options), precision="fp32"
    )
    path = tmp_path_factory.mktemp("device") / "detector.onnx"
    onnx.save(model, path)
    return path, DetectorWithNMS(detector, **options)


def server_detections(
    data: bytes, wrapper: DetectorWithNMS, spec: dict[str, Any]
) -> list[tuple[int, np.ndarray]]:
    """The platform's side: its own decode and resize, the torch model, boxes mapped back to frame pixels."""
    stored, (w, h) = decode_frame(data, SIZE, spec)
    boxes, scores, labels = (
        t[0].numpy() for t in wrapper(normalize(torch.from_numpy(np.array(stored[None]))))
    )
    (cl, ct, cr, cb), (left, top, pw, ph) = frame_layout(w, h, SIZE, spec)
    out = []
    for box, score, label in zip(boxes * SIZE, scores, labels, strict=True):
        if score > 0:
            fx = cl + (box[[0, 2]] - left) / pw * (cr - cl)
            fy = ct + (box[[1, 3]] - top) / ph * (cb - ct)
            xyxy = np.clip(np.array([fx[0] * w, fy[0] * h, fx[1] * w, fy[1] * h]), 0, [w, h, w, h])
            out.append((int(label), xyxy))
    return out


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_device_reproduces_server_detections(detector_onnx: tuple[Path, DetectorWithNMS], fmt: str) -> None:
    path, wrapper = detector_onnx
    device = DeviceModel(path)
    assert device.task == "detection" and device.input["resize"] == SPECS[3]
    frames = [encode(frame(w, h, 10 + i), fmt) for i, (w, h) in enumerate(FRAME_SIZES)]
    found = device.detect(frames)
    total = 0
    for data, (w, h), detections in zip(frames, FRAME_SIZES, found, strict=True):
        expected = server_detections(data, wrapper, SPECS[3])
        assert [d.label_index for d in detections] == [label for label, _ in expected]
        assert all(d.label == "abc"[d.label_index] for d in detections)
        if expected:
            ours = np.array([d.box for d in detections])
            # 1e-3 of the model input, in frame pixels.
            tolerance = 1e-3 * SIZE * max(w, h) / SIZE
            np.testing.assert_allclose(ours, np.stack([b for _, b in expected]), atol=tolerance)
            assert (ours[:, 2] <= w).all() and (ours[:, 3] <= h).all()
        total += len(expected)
    assert total > 0


def test_device_classifies_as_the_predictor(tmp_path: Path) -> None:
    torch.manual_seed(1)
    model = ResNet(ModelConfig(num_classes=3, width=4, stages=2))
    ckpt = {
        "labels": ["x", "y", "z"],
        "image_size": 16,
        "normalization": {"mean": list(MEAN), "std": list(STD), "scale": 255.0},
    }
    proto = torch_to_onnx(model, 16)
    _annotate(proto, ckpt, "fp32")
    path = tmp_path / "classifier.onnx"
    onnx.save(proto, path)
    frames = [encode(frame(w, h, i), fmt) for i, (w, h) in enumerate(FRAME_SIZES) for fmt in ("PNG", "JPEG")]
    device = DeviceModel(path)
    assert device.task == "classification"
    labels, probabilities = device.classify(frames)
    indices, expected = Predictor(path).predict(frames)
    assert labels == [ckpt["labels"][i] for i in indices]
    np.testing.assert_allclose(probabilities, expected, atol=1e-6)
    # An artifact exported before the contract metadata (no acusight.input) runs the same way.
    keep = {"acusight.labels", "acusight.mean", "acusight.std", "acusight.scale", "acusight.image_size"}
    legacy = [p for p in proto.metadata_props if p.key in keep]
    del proto.metadata_props[:]
    proto.metadata_props.extend(legacy)
    onnx.save(proto, tmp_path / "legacy.onnx")
    old = DeviceModel(tmp_path / "legacy.onnx")
    assert old.classify(frames)[0] == labels and json.dumps(old.input["resize"]) == json.dumps(
        device.input["resize"]
    )
    with pytest.raises(ValueError, match="not a detector"):
        old.detect(frames)
