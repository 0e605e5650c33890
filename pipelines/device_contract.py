"""What a device must know to run an exported model: the input's resize vocabulary and the metadata keys.

The vocabulary is deliberately small, so that a device in any language can implement it (see
docs/device-model.md). A resize spec is a JSON object:

    {"mode": "center_crop", "filter": "lanczos"}
        resample the largest centred box of the input's aspect ratio (for a square input: side =
        min(w, h), left = (w - side) / 2, top = (h - side) / 2, which may fall between pixels) to
        width x height.
    {"mode": "stretch", "filter": "bilinear"}
        resize the whole frame to width x height, ignoring its aspect ratio.
    {"mode": "letterbox", "placement": "center" | "top_left", "pad_value": [r, g, b], "filter": ...}
        scale by r = min(width / w, height / h) to (nw, nh) = (max(1, round(w * r)), max(1, round(h * r))),
        paste at (left, top) = ((width - nw) // 2, (height - nh) // 2) for "center" or (0, 0) for
        "top_left" on a canvas filled with pad_value.

`filter` is one of FILTERS, with Pillow's semantics: when downscaling, the kernel widens with the
scale factor (antialiased), unlike OpenCV's cv2.resize.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

TASKS: tuple[str, ...] = ("classification", "detection")
RESIZE_MODES: tuple[str, ...] = ("center_crop", "stretch", "letterbox")
PLACEMENTS: tuple[str, ...] = ("center", "top_left")
FILTERS: tuple[str, ...] = ("nearest", "bilinear", "bicubic", "lanczos")
DEFAULT_PAD_VALUE: tuple[int, int, int] = (114, 114, 114)
# What classifiers have always been trained on: pipelines.frames.decode_resize (ImageOps.fit, Lanczos).
CLASSIFIER_RESIZE: dict[str, Any] = {"mode": "center_crop", "filter": "lanczos"}
# The free text flows/training.py wrote before the vocabulary existed; it meant CLASSIFIER_RESIZE.
LEGACY_CLASSIFIER_RESIZE = "center-crop to a square, then resize (Lanczos)"

# A detector's export parameters: K, rows per image of its outputs, and the NMS inside its graph.
DETECTION_EXPORT_DEFAULTS: dict[str, Any] = {
    "max_detections": 100,
    "score_threshold": 0.25,
    "iou_threshold": 0.5,
}
MAX_DETECTIONS_LIMIT = 10_000

# metadata_props keys (besides pipelines.predict's acusight.labels, .mean, .std, .scale, .image_size,
# .layout, .precision): values are JSON except acusight.task and acusight.color.
META_TASK = "acusight.task"
META_RESIZE = "acusight.resize"
META_COLOR = "acusight.color"
META_INPUT = "acusight.input"
META_OUTPUTS = "acusight.outputs"


def resize_spec(value: Any) -> dict[str, Any]:
    """A validated resize spec with every field filled in; legacy free text maps to CLASSIFIER_RESIZE.

    Raises ValueError naming what is wrong, so a bad spec never reaches a device.
    """
    if value is None or value == LEGACY_CLASSIFIER_RESIZE:
        return dict(CLASSIFIER_RESIZE)
    if isinstance(value, str):
        value = {"mode": value} if value in RESIZE_MODES else json.loads(value)
    if not isinstance(value, Mapping):
        raise ValueError(f"resize must be an object with a 'mode', got {value!r}")
    mode = value.get("mode")
    if mode not in RESIZE_MODES:
        raise ValueError(f"resize mode must be one of {RESIZE_MODES}, got {mode!r}")
    default_filter = "lanczos" if mode == "center_crop" else "bilinear"
    spec: dict[str, Any] = {"mode": mode, "filter": value.get("filter", default_filter)}
    if spec["filter"] not in FILTERS:
        raise ValueError(f"resize filter must be one of {FILTERS}, got {spec['filter']!r}")
    if mode == "letterbox":
        spec["placement"] = value.get("placement", "center")
        if spec["placement"] not in PLACEMENTS:
            raise ValueError(f"letterbox placement must be one of {PLACEMENTS}, got {spec['placement']!r}")
        pad = value.get("pad_value", DEFAULT_PAD_VALUE)
        if isinstance(pad, int):
            pad = [pad] * 3
        pad = list(pad)
        if len(pad) != 3 or not all(isinstance(p, int) and 0 <= p <= 255 for p in pad):
            raise ValueError(f"letterbox pad_value must be three integers 0-255, got {pad!r}")
        spec["pad_value"] = pad
    unknown = set(value) - set(spec)
    if unknown:
        raise ValueError(f"resize {mode} does not take {sorted(unknown)}")
    return spec


def detection_options(options: Mapping[str, Any] | None) -> dict[str, Any]:
    """DETECTION_EXPORT_DEFAULTS overridden by `options`, validated; ValueError names the bad option."""
    options = dict(options or {})
    unknown = set(options) - set(DETECTION_EXPORT_DEFAULTS)
    if unknown:
        raise ValueError(
            f"unknown detection export options {sorted(unknown)}; known: {sorted(DETECTION_EXPORT_DEFAULTS)}"
        )
    merged = {**DETECTION_EXPORT_DEFAULTS, **options}
    k = merged["max_detections"]
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_DETECTIONS_LIMIT:
        raise ValueError(f"max_detections must be an integer in [1, {MAX_DETECTIONS_LIMIT}], got {k!r}")
    for name in ("score_threshold", "iou_threshold"):
        value = merged[name]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
        merged[name] = float(value)
    return merged


def letterbox_geometry(
    width: int, height: int, frame_w: int, frame_h: int, placement: str
) -> tuple[int, int, int, int]:
    """(left, top, nw, nh): where a frame_w x frame_h frame lands inside the width x height input."""
    r = min(width / frame_w, height / frame_h)
    nw = min(width, max(1, round(frame_w * r)))
    nh = min(height, max(1, round(frame_h * r)))
    if placement == "center":
        return (width - nw) // 2, (height - nh) // 2, nw, nh
    return 0, 0, nw, nh


def input_spec(
    *,
    width: int,
    height: int,
    resize: Any,
    mean: list[float],
    std: list[float],
    scale: float,
    name: str = "input",
) -> dict[str, Any]:
    """The acusight.input metadata: everything between a camera frame and the model's input tensor."""
    return {
        "name": name,
        "width": int(width),
        "height": int(height),
        "resize": resize_spec(resize),
        "color": "RGB",
        "layout": "NCHW",
        "dtype": "float32",
        "scale": float(scale),
        "mean": [float(m) for m in mean],
        "std": [float(s) for s in std],
    }
