"""A device running its exported model from the model's own metadata: Pillow, numpy and onnxruntime.

Nothing here imports the platform's or the pipelines' preprocessing: the resize vocabulary of
docs/device-model.md is implemented from its description, as a device in another language would.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import onnxruntime as ort
from PIL import Image, ImageOps

FILTERS = {
    "nearest": Image.Resampling.NEAREST,
    "bilinear": Image.Resampling.BILINEAR,
    "bicubic": Image.Resampling.BICUBIC,
    "lanczos": Image.Resampling.LANCZOS,
}


@dataclass(frozen=True)
class Placement:
    """Where the frame's content landed in the model input: input = frame * (sx, sy) + (dx, dy), in pixels."""

    sx: float
    sy: float
    dx: float
    dy: float

    def to_frame(self, boxes: np.ndarray, width: int, height: int, frame_w: int, frame_h: int) -> np.ndarray:
        """Boxes [n, 4] as fractions of the model input -> pixels of the original frame, clipped to it."""
        px = boxes * np.array([width, height, width, height], np.float64)
        x = (px[:, [0, 2]] - self.dx) / self.sx
        y = (px[:, [1, 3]] - self.dy) / self.sy
        out = np.stack([x[:, 0], y[:, 0], x[:, 1], y[:, 1]], axis=1)
        return np.clip(out, 0, [frame_w, frame_h, frame_w, frame_h])


@dataclass(frozen=True)
class Detection:
    label: str
    label_index: int
    score: float
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in pixels of the original frame


def decode(frame: bytes | np.ndarray | Image.Image) -> Image.Image:
    """Encoded bytes (EXIF orientation applied), an RGB uint8 array or an image -> an RGB image."""
    if isinstance(frame, bytes):
        with Image.open(io.BytesIO(frame)) as img:
            return ImageOps.exif_transpose(img).convert("RGB")
    if isinstance(frame, np.ndarray):
        return Image.fromarray(np.asarray(frame, np.uint8)).convert("RGB")
    return frame.convert("RGB")


def resize(image: Image.Image, width: int, height: int, spec: dict[str, Any]) -> tuple[np.ndarray, Placement]:
    """Apply a resize spec: uint8 [height, width, 3] and where the frame landed in it."""
    w, h = image.size
    method = FILTERS[spec.get("filter", "bilinear")]
    mode = spec["mode"]
    if mode == "stretch":
        out = image.resize((width, height), method)
        return np.asarray(out, np.uint8), Placement(width / w, height / h, 0.0, 0.0)
    if mode == "center_crop":
        # The largest centred box of the input's aspect ratio (its corners may fall between pixels),
        # resampled to width x height.
        ratio = width / height
        crop_w, crop_h = (h * ratio, float(h)) if w / h >= ratio else (float(w), w / ratio)
        left, top = (w - crop_w) / 2, (h - crop_h) / 2
        out = image.resize((width, height), method, box=(left, top, left + crop_w, top + crop_h))
        sx, sy = width / crop_w, height / crop_h
        return np.asarray(out, np.uint8), Placement(sx, sy, -left * sx, -top * sy)
    if mode == "letterbox":
        r = min(width / w, height / h)
        nw, nh = min(width, max(1, round(w * r))), min(height, max(1, round(h * r)))
        left, top = (
            ((width - nw) // 2, (height - nh) // 2) if spec.get("placement", "center") == "center" else (0, 0)
        )
        canvas = Image.new("RGB", (width, height), tuple(spec.get("pad_value", (114, 114, 114))))
        canvas.paste(image.resize((nw, nh), method), (left, top))
        return np.asarray(canvas, np.uint8), Placement(nw / w, nh / h, float(left), float(top))
    raise ValueError(f"unknown resize mode {mode!r}")


def _legacy_input(meta: dict[str, str]) -> dict[str, Any]:
    """Artifacts exported before acusight.input: square, center crop, Lanczos (what they were trained on)."""
    size = int(meta["acusight.image_size"])
    return {
        "width": size,
        "height": size,
        "resize": {"mode": "center_crop", "filter": "lanczos"},
        "color": "RGB",
        "layout": meta.get("acusight.layout", "NCHW"),
        "scale": float(meta.get("acusight.scale", "255")),
        "mean": json.loads(meta["acusight.mean"]),
        "std": json.loads(meta["acusight.std"]),
    }


class DeviceModel:
    """An Acusight ONNX export and the contract in its metadata_props."""

    def __init__(self, onnx_path: str | os.PathLike[str], providers: list[str] | None = None) -> None:
        self.session = ort.InferenceSession(
            os.fspath(onnx_path), providers=providers or ["CPUExecutionProvider"]
        )
        meta = self.session.get_modelmeta().custom_metadata_map
        if "acusight.labels" not in meta:
            raise ValueError(f"{onnx_path}: not an Acusight export (no acusight.labels metadata)")
        self.labels: list[str] = json.loads(meta["acusight.labels"])
        self.task = meta.get("acusight.task", "classification")
        self.input: dict[str, Any] = (
            json.loads(meta["acusight.input"]) if "acusight.input" in meta else _legacy_input(meta)
        )
        if self.input.get("color", "RGB") != "RGB" or self.input.get("layout", "NCHW") != "NCHW":
            raise ValueError(
                f"{onnx_path}: unsupported color/layout {self.input.get('color')}/{self.input.get('layout')}"
            )
        self.width, self.height = int(self.input["width"]), int(self.input["height"])
        model_input = self.session.get_inputs()[0]
        self.input_name: str = model_input.name
        batch = model_input.shape[0]
        self.max_batch: int | None = batch if isinstance(batch, int) else None

    def preprocess(
        self, frames: Sequence[bytes | np.ndarray | Image.Image]
    ) -> tuple[np.ndarray, list[Placement]]:
        """Frames -> the float32 NCHW input and, per frame, where its content landed."""
        arrays, placements = [], []
        for frame in frames:
            arr, placement = resize(decode(frame), self.width, self.height, self.input["resize"])
            arrays.append(arr)
            placements.append(placement)
        x = np.stack(arrays).astype(np.float32) / np.float32(self.input["scale"])
        x = (x - np.asarray(self.input["mean"], np.float32)) / np.asarray(self.input["std"], np.float32)
        return np.ascontiguousarray(x.transpose(0, 3, 1, 2)), placements

    def _run(self, x: np.ndarray) -> list[np.ndarray]:
        step = self.max_batch or 32
        parts = [self.session.run(None, {self.input_name: x[i : i + step]}) for i in range(0, len(x), step)]
        return [np.concatenate([p[j] for p in parts]) for j in range(len(parts[0]))]

    def classify(self, frames: Sequence[bytes | np.ndarray | Image.Image]) -> tuple[list[str], np.ndarray]:
        """(label per frame, softmax probabilities [N, C]) of a classification export."""
        if self.task != "classification":
            raise ValueError(f"this is a {self.task} model, not a classifier")
        if not frames:
            return [], np.zeros((0, len(self.labels)), np.float32)
        logits = self._run(self.preprocess(frames)[0])[0].astype(np.float64)
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        probabilities = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
        return [self.labels[i] for i in probabilities.argmax(axis=1)], probabilities

    def detect(self, frames: Sequence[bytes | np.ndarray | Image.Image]) -> list[list[Detection]]:
        """Per frame, its detections (best first) in the ORIGINAL frame's pixel coordinates."""
        if self.task != "detection":
            raise ValueError(f"this is a {self.task} model, not a detector")
        if not frames:
            return []
        images = [decode(f) for f in frames]
        x, placements = self.preprocess(images)
        names = [o.name for o in self.session.get_outputs()]
        out = dict(zip(names, self._run(x), strict=True))
        results = []
        for i, (image, placement) in enumerate(zip(images, placements, strict=True)):
            keep = out["scores"][i] > 0
            boxes = placement.to_frame(out["boxes"][i][keep], self.width, self.height, *image.size)
            results.append(
                [
                    Detection(self.labels[int(label)], int(label), float(score), tuple(map(float, box)))
                    for box, score, label in zip(
                        boxes, out["scores"][i][keep], out["labels"][i][keep], strict=True
                    )
                ]
            )
        return results
