"""Camera frames brought to a dataset version's size: decoded once (JPEG at reduced scale when that
still covers the output, EXIF orientation applied), resized as the version's resize spec says
(center_crop, stretch or letterbox: the device vocabulary of pipelines.device_contract), and their
boxes mapped into the stored frame alike."""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from pipelines.device_contract import CLASSIFIER_RESIZE, DEFAULT_PAD_VALUE, letterbox_geometry
from pipelines.device_contract import resize_spec as device_resize_spec

# A box narrower or lower than this, in stored-frame pixels after the resize and clipping, is dropped.
MIN_BOX_PIXELS = 1.0
# Pillow filters of the device vocabulary's names (pipelines.device_contract.FILTERS).
FILTERS: dict[str, Image.Resampling] = {
    "nearest": Image.Resampling.NEAREST,
    "bilinear": Image.Resampling.BILINEAR,
    "bicubic": Image.Resampling.BICUBIC,
    "lanczos": Image.Resampling.LANCZOS,
}
CENTER_CROP: dict[str, Any] = dict(CLASSIFIER_RESIZE)
LETTERBOX: dict[str, Any] = device_resize_spec({"mode": "letterbox"})


def resize_spec(value: Mapping[str, Any] | None, task_type: str = "classification") -> dict[str, Any]:
    """A validated resize spec of the device vocabulary (pipelines.device_contract), every field filled in.

    None gives the task's default: center_crop for classification (what classifiers have always
    been trained on), a centred letterbox padded with 114 grey for detection (no object is cut off).
    Raises ValueError naming what is wrong.
    """
    if value is None:
        return dict(LETTERBOX if task_type == "detection" else CENTER_CROP)
    if not isinstance(value, Mapping):
        raise ValueError(f"resize must be an object with a 'mode', got {value!r}")
    return device_resize_spec(value)


def frame_layout(
    width: int, height: int, size: int, spec: Mapping[str, Any]
) -> tuple[tuple[float, float, float, float], tuple[int, int, int, int]]:
    """Where a width x height frame goes in the size x size stored frame.

    Returns (crop, paste): ``crop`` the part of the frame used, (left, top, right, bottom) as
    fractions of it; ``paste`` (left, top, w, h) the pixels of the stored frame it is resized into
    (the rest is pad_value). A point at fraction (fx, fy) of the frame lands at stored pixel
    (left + (fx - crop_left) / (crop_right - crop_left) * w, likewise for y).
    """
    mode = spec["mode"]
    if mode == "stretch":
        return (0.0, 0.0, 1.0, 1.0), (0, 0, size, size)
    if mode == "center_crop":
        # As ImageOps.fit with centering 0.5: the largest centred square, in fractions of the frame.
        if width >= height:
            side = height / width
            return ((1 - side) / 2, 0.0, (1 + side) / 2, 1.0), (0, 0, size, size)
        side = width / height
        return (0.0, (1 - side) / 2, 1.0, (1 + side) / 2), (0, 0, size, size)
    return (0.0, 0.0, 1.0, 1.0), letterbox_geometry(size, size, width, height, spec["placement"])


def _oriented_size(img: Image.Image) -> tuple[int, int]:
    """The frame's size as the annotator saw it: EXIF orientations 5-8 swap width and height."""
    orientation = img.getexif().get(0x0112, 1)
    return (img.height, img.width) if orientation in (5, 6, 7, 8) else img.size


def decode_frame(data: bytes, size: int, resize: Mapping[str, Any]) -> tuple[np.ndarray, tuple[int, int]]:
    """Decode image bytes to RGB uint8 [size, size, 3] as ``resize`` says; also the oriented source size.

    EXIF orientation is applied first, so the frame (and the boxes mapped with :func:`frame_boxes`)
    is as the annotator saw it. JPEGs are decoded at 1/2, 1/4 or 1/8 scale (libjpeg's DCT scaling,
    Pillow's draft mode) when that still leaves at least one source pixel per stored pixel: a
    640x480 frame for a 128 letterbox decodes at 160x120, never in full.
    """
    spec = resize_spec(resize)
    if spec["mode"] == "center_crop" and spec["filter"] == "lanczos":
        with Image.open(io.BytesIO(data)) as img:
            source = _oriented_size(img)
        return decode_resize(data, size), source
    with Image.open(io.BytesIO(data)) as img:
        width, height = source = _oriented_size(img)
        (cl, ct, cr, cb), (left, top, w, h) = frame_layout(width, height, size, spec)
        # Decoded pixels needed to cover the paste area at >= 1:1, in the stored (unrotated) orientation.
        need = (math.ceil(w / (cr - cl)), math.ceil(h / (cb - ct)))
        img.draft("RGB", need if img.size == source else need[::-1])
        rgb = ImageOps.exif_transpose(img).convert("RGB")
    dw, dh = rgb.size
    content = rgb.resize((w, h), FILTERS[spec["filter"]], box=(cl * dw, ct * dh, cr * dw, cb * dh))
    if (w, h) == (size, size):
        return np.asarray(content, dtype=np.uint8), source
    canvas = Image.new("RGB", (size, size), tuple(spec.get("pad_value", DEFAULT_PAD_VALUE)))
    canvas.paste(content, (left, top))
    return np.asarray(canvas, dtype=np.uint8), source


def frame_boxes(
    boxes: Iterable[Mapping[str, Any]],
    source_size: tuple[int, int] | list[int],
    size: int,
    resize: Mapping[str, Any],
) -> tuple[list[dict[str, Any]], int]:
    """Map boxes given as fractions of the source frame into the stored frame; (boxes, number dropped).

    Input boxes are the API's {"label", "x", "y", "width", "height"} (or x1..y2) fractions of the
    frame the annotator saw; output boxes are {"label", "x1", "y1", "x2", "y2"} fractions of the
    size x size stored frame, clipped to the part of it the frame fills. A box that ends up under
    MIN_BOX_PIXELS wide or high (cropped away, or squeezed) is dropped and counted.
    """
    spec = resize_spec(resize)
    width, height = int(source_size[0]), int(source_size[1])
    (cl, ct, cr, cb), (left, top, w, h) = frame_layout(width, height, size, spec)
    sx, sy = w / (cr - cl), h / (cb - ct)
    out: list[dict[str, Any]] = []
    dropped = 0
    for box in boxes:
        x1, y1, x2, y2 = box_xyxy(box)
        px1, px2 = (min(max(left + (x - cl) * sx, left), left + w) for x in (x1, x2))
        py1, py2 = (min(max(top + (y - ct) * sy, top), top + h) for y in (y1, y2))
        if px2 - px1 < MIN_BOX_PIXELS or py2 - py1 < MIN_BOX_PIXELS:
            dropped += 1
            continue
        coords = (round(v / size, 6) for v in (px1, py1, px2, py2))
        out.append({"label": box["label"], **dict(zip(("x1", "y1", "x2", "y2"), coords, strict=True))})
    return out, dropped


def source_boxes(
    boxes: np.ndarray, source_size: tuple[int, int] | list[int], size: int, resize: Mapping[str, Any]
) -> np.ndarray:
    """The inverse of :func:`frame_boxes` for a model's output: boxes [n, 4] (x1, y1, x2, y2 fractions
    of the size x size input) as fractions of the source frame, clipped to it. A box over a
    letterbox's padding shrinks to the frame's edge."""
    spec = resize_spec(resize)
    width, height = int(source_size[0]), int(source_size[1])
    (cl, ct, cr, cb), (left, top, w, h) = frame_layout(width, height, size, spec)
    pixels = np.asarray(boxes, dtype=np.float64).reshape(-1, 4) * size
    fx = cl + (pixels[:, [0, 2]] - left) / w * (cr - cl)
    fy = ct + (pixels[:, [1, 3]] - top) / h * (cb - ct)
    out = np.stack([fx[:, 0], fy[:, 0], fx[:, 1], fy[:, 1]], axis=1)
    return out.clip(0.0, 1.0)


def decode_resize(data: bytes, size: int) -> np.ndarray:
    """Decode image bytes to an RGB uint8 array [size, size, 3], center-cropped to a square.

    Center-crop (not letterbox): the model sees full-resolution content with no padding bars whose
    colour it could learn; the cost is losing the edges of non-square images, which for camera
    frames of a fixed aspect ratio is the same band every time. EXIF orientation is applied so a
    rotated phone photo looks as the annotator saw it.
    """
    with Image.open(io.BytesIO(data)) as img:
        # JPEG only: let libjpeg decode at 1/2, 1/4 or 1/8 scale when the target is much smaller,
        # several times faster than a full decode. draft() keeps both sides >= the request.
        img.draft("RGB", (size, size))
        rgb = ImageOps.exif_transpose(img).convert("RGB")
    fitted = ImageOps.fit(rgb, (size, size), method=Image.Resampling.LANCZOS)
    return np.asarray(fitted, dtype=np.uint8)


def box_xyxy(box: Mapping[str, Any]) -> tuple[float, float, float, float]:
    """A manifest box as x1, y1, x2, y2: ``xyxy-fraction`` keys, or the older x/y/width/height."""
    if "x1" in box:
        return float(box["x1"]), float(box["y1"]), float(box["x2"]), float(box["y2"])
    x, y = float(box["x"]), float(box["y"])
    return x, y, x + float(box["width"]), y + float(box["height"])
