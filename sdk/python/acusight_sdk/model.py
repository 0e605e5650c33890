"""A device running its exported model from the model's own metadata: Pillow, numpy and onnxruntime
(the ``[agent]`` extra; nothing else in the SDK imports them).

Nothing here imports the platform's or the pipelines' preprocessing: the resize vocabulary of
docs/device-model.md is implemented from its description, as a device in another language would.
"""

from __future__ import annotations

import io
import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import onnxruntime as ort
from PIL import Image, ImageOps

# Pillow 9.1 moved the filters into Image.Resampling; older releases have them on Image itself.
_RESAMPLING: Any = getattr(Image, "Resampling", Image)
FILTERS = {
    "nearest": _RESAMPLING.NEAREST,
    "bilinear": _RESAMPLING.BILINEAR,
    "bicubic": _RESAMPLING.BICUBIC,
    "lanczos": _RESAMPLING.LANCZOS,
}


@dataclass(frozen=True)
class Placement:
    """Where the frame landed in the model input: input pixel = frame fraction * (sx, sy) + (dx, dy)."""

    sx: float
    sy: float
    dx: float
    dy: float

    def to_frame(self, boxes: np.ndarray, width: int, height: int, frame_w: int, frame_h: int) -> np.ndarray:
        """Boxes [n, 4] as fractions of the model input -> pixels of the original frame, clipped to it."""
        px = boxes.astype(np.float64) * np.array([width, height, width, height])
        fx = (px[:, [0, 2]] - self.dx) / self.sx
        fy = (px[:, [1, 3]] - self.dy) / self.sy
        out = np.stack(
            [fx[:, 0] * frame_w, fy[:, 0] * frame_h, fx[:, 1] * frame_w, fy[:, 1] * frame_h], axis=1
        )
        return np.clip(out, 0, [frame_w, frame_h, frame_w, frame_h])


@dataclass(frozen=True)
class Detection:
    label: str
    label_index: int
    score: float
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in pixels of the original frame


def _needed(width: int, height: int, frame_w: int, frame_h: int, spec: dict[str, Any]) -> tuple[int, int]:
    """Source pixels the resize needs to keep at least 1:1 (what a JPEG may be DCT-scaled down to)."""
    mode = spec["mode"]
    if mode == "stretch" or (mode == "center_crop" and spec.get("filter") == "lanczos"):
        return width, height
    if mode == "center_crop":
        # Only the centred crop is used: it must still cover width x height.
        ratio = width / height
        used_w, used_h = (
            (frame_h * ratio / frame_w, 1.0)
            if frame_w / frame_h >= ratio
            else (1.0, frame_w / ratio / frame_h)
        )
        return math.ceil(width / used_w), math.ceil(height / used_h)
    r = min(width / frame_w, height / frame_h)
    return min(width, max(1, round(frame_w * r))), min(height, max(1, round(frame_h * r)))


def decode(
    frame: bytes | np.ndarray | Image.Image,
    width: int = 0,
    height: int = 0,
    spec: dict[str, Any] | None = None,
) -> Image.Image:
    """Encoded bytes (EXIF orientation applied), an RGB uint8 array or an image -> an RGB image.

    With a target (width, height, spec), a JPEG is decoded at 1/2, 1/4 or 1/8 scale (libjpeg DCT
    scaling) when that still leaves at least one source pixel per input pixel, as the platform does
    when it builds dataset versions: the same pixels, so the same detections.
    """
    if isinstance(frame, bytes):
        with Image.open(io.BytesIO(frame)) as img:
            if spec is not None and width and height:
                swapped = img.getexif().get(0x0112, 1) in (5, 6, 7, 8)
                oriented = (img.height, img.width) if swapped else img.size
                need = _needed(width, height, *oriented, spec)
                img.draft("RGB", need[::-1] if swapped else need)
            return ImageOps.exif_transpose(img).convert("RGB")
    if isinstance(frame, np.ndarray):
        return Image.fromarray(np.asarray(frame, np.uint8)).convert("RGB")
    return frame.convert("RGB")


def resize(
    image: Image.Image, width: int, height: int, spec: dict[str, Any], source: tuple[int, int] | None = None
) -> tuple[np.ndarray, Placement]:
    """Apply a resize spec: uint8 [height, width, 3] and where the frame landed in it.

    `source`: the frame's size before a reduced-scale JPEG decode; the geometry is the source's
    (as the platform computes it), the pixels come from `image`.
    """
    dw, dh = image.size
    method = FILTERS[spec.get("filter", "bilinear")]
    mode = spec["mode"]
    if mode == "stretch":
        out = image.resize((width, height), method)
        return np.asarray(out, np.uint8), Placement(width, height, 0.0, 0.0)
    if mode == "center_crop":
        # The largest centred box of the input's aspect ratio (its corners may fall between pixels),
        # resampled to width x height. Lanczos is the classifiers' ImageOps.fit on the decoded frame.
        w, h = (dw, dh) if source is None or spec.get("filter") == "lanczos" else source
        ratio = width / height
        fw, fh = (h * ratio / w, 1.0) if w / h >= ratio else (1.0, w / ratio / h)
        fl, ft = (1 - fw) / 2, (1 - fh) / 2
        out = image.resize((width, height), method, box=(fl * dw, ft * dh, (fl + fw) * dw, (ft + fh) * dh))
        return np.asarray(out, np.uint8), Placement(
            width / fw, height / fh, -fl * width / fw, -ft * height / fh
        )
    if mode == "letterbox":
        w, h = source or (dw, dh)
        r = min(width / w, height / h)
        nw, nh = min(width, max(1, round(w * r))), min(height, max(1, round(h * r)))
        centre = spec.get("placement", "center") == "center"
        left, top = ((width - nw) // 2, (height - nh) // 2) if centre else (0, 0)
        canvas = Image.new("RGB", (width, height), tuple(spec.get("pad_value", (114, 114, 114))))
        canvas.paste(image.resize((nw, nh), method), (left, top))
        return np.asarray(canvas, np.uint8), Placement(nw, nh, float(left), float(top))
    raise ValueError(f"unknown resize mode {mode!r}")


def original_size(frame: bytes | np.ndarray | Image.Image) -> tuple[int, int]:
    """(width, height) of the frame as seen upright (EXIF orientations 5-8 swap them)."""
    if isinstance(frame, bytes):
        with Image.open(io.BytesIO(frame)) as img:
            swapped = img.getexif().get(0x0112, 1) in (5, 6, 7, 8)
            return (img.height, img.width) if swapped else img.size
    if isinstance(frame, np.ndarray):
        return frame.shape[1], frame.shape[0]
    return frame.size


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
            image = decode(frame, self.width, self.height, self.input["resize"])
            source = original_size(frame)
            arr, placement = resize(image, self.width, self.height, self.input["resize"], source)
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
        x, placements = self.preprocess(frames)
        names = [o.name for o in self.session.get_outputs()]
        out = dict(zip(names, self._run(x)))
        results = []
        for i, (frame, placement) in enumerate(zip(frames, placements)):
            keep = out["scores"][i] > 0
            boxes = placement.to_frame(out["boxes"][i][keep], self.width, self.height, *original_size(frame))
            results.append(
                [
                    Detection(self.labels[int(label)], int(label), float(score), tuple(map(float, box)))
                    for box, score, label in zip(boxes, out["scores"][i][keep], out["labels"][i][keep])
                ]
            )
        return results
