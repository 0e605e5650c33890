"""Export a detector to ONE ONNX graph, preprocessed input to final detections (NMS inside).

Outputs (see nms_onnx.py for the subgraph and docs/device-model.md for the device's side):

    boxes   float32 [batch, K, 4]  x1, y1, x2, y2 as fractions (0-1) of the input's width and height
    scores  float32 [batch, K]     best first; 0 marks a padding row (its box and label are 0 too)
    labels  int64   [batch, K]     index into the model's labels

K (`max_detections`), `score_threshold` and `iou_threshold` are export parameters. fp16 and int8
convert the detector's graph only (pipelines.export._convert, as for classifiers); NMS is appended
afterwards and always runs in float32. Parity: the eager wrapper (the detector plus
nms_onnx.postprocess) and onnxruntime must give the same detections on held-out frames (fp32:
same count and labels, boxes and scores within 1e-3); fp16/int8 may lose at most
`max_accuracy_drop` of COCO mAP@[.5:.95] (faster-coco-eval), else ParityError with the figures.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn

from pipelines import field_stats
from pipelines.dataset import load_detection_split, load_split, read_meta
from pipelines.detection.nms_onnx import (
    OUTPUT_BOXES,
    OUTPUT_LABELS,
    OUTPUT_SCORES,
    append_postprocess,
    postprocess,
)
from pipelines.device_contract import (
    DETECTION_EXPORT_DEFAULTS,
    META_COLOR,
    META_INPUT,
    META_OUTPUTS,
    META_RESIZE,
    META_TASK,
    detection_options,
    input_spec,
    resize_spec,
)
from pipelines.export import (
    CALIBRATION_IMAGES,
    INPUT_NAME,
    PRECISIONS,
    ParityError,
    StageCallback,
    _convert,
    _fixed_batch,
    _inputs,
    measure_latencies,
    skip_stage,
    torch_to_onnx,
)
from pipelines.model import normalize
from pipelines.predict import (
    META_IMAGE_SIZE,
    META_LABELS,
    META_LAYOUT,
    META_MEAN,
    META_PRECISION,
    META_SCALE,
    META_STD,
)

RAW_OUTPUTS = ("raw_boxes", "raw_scores")
BOX_ATOL = 1e-3
SCORE_ATOL = 1e-3
# The resize a detection dataset version used when it does not record one.
DEFAULT_RESIZE: dict[str, Any] = {"mode": "stretch", "filter": "bilinear"}


class DetectorWithNMS(nn.Module):
    """The eager reference of the exported graph: detector, then nms_onnx.postprocess."""

    def __init__(self, detector: nn.Module, **options: Any) -> None:
        super().__init__()
        self.detector = detector.float().eval()
        self.options = detection_options(options)

    @torch.no_grad()
    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        raw_boxes, raw_scores = self.detector(x)
        return postprocess(raw_boxes, raw_scores, **self.options)


def build_onnx(
    detector: nn.Module,
    image_size: int,
    *,
    precision: str = "fp32",
    calibration: np.ndarray | None = None,
    opset: int = 18,
    dynamic_batch: bool = True,
    **options: Any,
) -> onnx.ModelProto:
    """Detector graph (dynamo exporter), converted to `precision`, with NMS appended."""
    opts = detection_options(options)
    graph = torch_to_onnx(
        detector, image_size, opset=opset, dynamic_batch=dynamic_batch, output_names=RAW_OUTPUTS
    )
    if precision == "int8" and (calibration is None or len(calibration) == 0):
        raise ValueError("int8 calibration needs train images")
    empty = np.zeros((0, image_size, image_size, 3), np.uint8)
    converted = _convert(
        graph, precision, calibration if calibration is not None else empty, None if dynamic_batch else 1
    )
    by_name = {o.name: o for o in converted.graph.output}
    boxes_dims = by_name[RAW_OUTPUTS[0]].type.tensor_type.shape.dim
    scores_dims = by_name[RAW_OUTPUTS[1]].type.tensor_type.shape.dim
    num_anchors, num_classes = boxes_dims[1].dim_value, scores_dims[2].dim_value
    if not num_anchors or not num_classes:
        raise ValueError("the detector's outputs must have static N and C dimensions")
    append_postprocess(
        converted,
        raw_boxes=RAW_OUTPUTS[0],
        raw_scores=RAW_OUTPUTS[1],
        num_anchors=num_anchors,
        num_classes=num_classes,
        **opts,
    )
    return converted


def output_spec(batch_dim: int | str, options: Mapping[str, Any]) -> dict[str, Any]:
    """The acusight.outputs metadata (and the report's "output") of a detection export."""
    k = options["max_detections"]
    return {
        "task": "detection",
        "tensors": [
            {
                "name": OUTPUT_BOXES,
                "dtype": "float32",
                "shape": [batch_dim, k, 4],
                "meaning": "x1, y1, x2, y2 as fractions (0-1) of the model input's width and height",
            },
            {
                "name": OUTPUT_SCORES,
                "dtype": "float32",
                "shape": [batch_dim, k],
                "meaning": "detection score, best first; 0 marks a padding row (box and label 0)",
            },
            {
                "name": OUTPUT_LABELS,
                "dtype": "int64",
                "shape": [batch_dim, k],
                "meaning": "index into labels",
            },
        ],
        "nms": "class-wise",
        **{name: options[name] for name in DETECTION_EXPORT_DEFAULTS},
    }


def annotate(
    model: onnx.ModelProto,
    *,
    labels: list[str],
    spec: dict[str, Any],
    outputs: dict[str, Any],
    precision: str,
) -> None:
    """Write the device contract into metadata_props (replacing what was there)."""
    props = {
        META_TASK: "detection",
        META_LABELS: json.dumps(list(labels)),
        META_INPUT: json.dumps(spec),
        META_OUTPUTS: json.dumps(outputs),
        META_RESIZE: json.dumps(spec["resize"]),
        META_COLOR: spec["color"],
        META_MEAN: json.dumps(spec["mean"]),
        META_STD: json.dumps(spec["std"]),
        META_SCALE: str(spec["scale"]),
        META_IMAGE_SIZE: str(spec["width"]),
        META_LAYOUT: spec["layout"],
        META_PRECISION: precision,
    }
    del model.metadata_props[:]
    for key, value in props.items():
        model.metadata_props.add(key=key, value=value)
    model.doc_string = (
        "Acusight detector: input as acusight.input says; outputs boxes, scores, labels after NMS"
    )


def dataset_resize(dataset_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """The resize spec of a detection dataset version (dataset.json), DEFAULT_RESIZE when it has none."""
    meta = read_meta(dataset_dir)
    value = meta.get("resize")
    if value is None:
        return resize_spec(DEFAULT_RESIZE)
    if isinstance(value, str):
        # Tolerate the flat form: "resize": "letterbox" beside "placement" and "pad_value".
        value = {"mode": value, **{k: meta[k] for k in ("placement", "pad_value", "filter") if k in meta}}
    return resize_spec(value)


def _map(
    detections: list[tuple[np.ndarray, ...]],
    gt_boxes: list[np.ndarray],
    gt_labels: list[np.ndarray],
    labels: list[str],
    image_size: int,
) -> dict[str, float]:
    """COCO mAP@[.5:.95] and mAP@.5 (pipelines.detection.evaluate, faster-coco-eval)."""
    from pipelines.detection.evaluate import coco_evaluate

    metrics = coco_evaluate(gt_boxes, gt_labels, detections, labels, image_size)  # type: ignore[arg-type]
    return {"map": float(metrics["map"]), "map50": float(metrics["map50"])}


def _valid(boxes: np.ndarray, scores: np.ndarray, labels: np.ndarray) -> list[tuple[np.ndarray, ...]]:
    """Per image, the non-padding rows."""
    return [(b[s > 0], s[s > 0], lab[s > 0]) for b, s, lab in zip(boxes, scores, labels, strict=True)]


def run_onnx(
    session: ort.InferenceSession, x: np.ndarray, batch: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(boxes, scores, labels) for a normalised float32 batch, run `batch` (or 64) at a time."""
    step = batch or 64
    names = [OUTPUT_BOXES, OUTPUT_SCORES, OUTPUT_LABELS]
    parts = [session.run(names, {INPUT_NAME: x[i : i + step]}) for i in range(0, len(x), step)]
    if not parts:
        raise ValueError("no images")
    boxes, scores, labels = (np.concatenate([p[j] for p in parts]) for j in range(3))
    return boxes, scores, labels


def run_torch(wrapper: DetectorWithNMS, images: np.ndarray, batch: int = 64) -> tuple[np.ndarray, ...]:
    """(boxes, scores, labels) of the eager wrapper for uint8 NHWC images."""
    parts = []
    for i in range(0, len(images), batch):
        x = normalize(torch.from_numpy(np.array(images[i : i + batch]))).contiguous()
        parts.append([t.numpy() for t in wrapper(x)])
    return tuple(np.concatenate([p[j] for p in parts]) for j in range(3))


def match_detections(
    ours: tuple[np.ndarray, ...], theirs: tuple[np.ndarray, ...]
) -> tuple[float, float] | None:
    """Pair one image's detections with another run's: (max box diff, max score diff), or None when
    they cannot all be paired (other count, or a label without its counterpart).

    Pairs are made greedily by label, score within SCORE_ATOL, then the nearest box, rather than by
    rank: detections whose scores agree to float rounding may come out in either order.
    """
    (ob, os_, ol), (tb, ts, tl) = ours, theirs
    if len(ol) != len(tl):
        return None
    free = np.ones(len(tl), bool)
    box_diff = score_diff = 0.0
    for box, score, label in zip(ob, os_, ol, strict=True):
        candidates = np.flatnonzero(free & (tl == label) & (np.abs(ts - score) <= SCORE_ATOL))
        if len(candidates) == 0:
            return None
        diffs = np.abs(tb[candidates] - box).max(axis=1)
        best = candidates[int(diffs.argmin())]
        free[best] = False
        box_diff = max(box_diff, float(diffs.min()))
        score_diff = max(score_diff, float(abs(ts[best] - score)))
    return box_diff, score_diff


def check_parity(
    onnx_path: str | os.PathLike[str],
    wrapper: DetectorWithNMS,
    images: np.ndarray,
    gt_boxes: list[np.ndarray],
    gt_labels: list[np.ndarray],
    *,
    precision: str,
    labels: list[str],
    image_size: int,
    max_accuracy_drop: float = 0.01,
    providers: list[str] | None = None,
) -> dict[str, Any]:
    """Detections of onnxruntime vs the eager wrapper on held-out frames, and both mAPs."""
    session = ort.InferenceSession(os.fspath(onnx_path), providers=providers or ["CPUExecutionProvider"])
    ours = _valid(*run_onnx(session, _inputs(images), _fixed_batch(session)))
    theirs = _valid(*run_torch(wrapper, images))
    matching, box_diff, score_diff = 0, 0.0, 0.0
    for mine, reference in zip(ours, theirs, strict=True):
        matched = match_detections(mine, reference)
        if matched is not None:
            matching += 1
            box_diff, score_diff = max(box_diff, matched[0]), max(score_diff, matched[1])
    torch_map = _map(theirs, gt_boxes, gt_labels, labels, image_size)
    onnx_map = _map(ours, gt_boxes, gt_labels, labels, image_size)
    report = {
        "parity": {
            "max_box_diff": box_diff,
            "max_score_diff": score_diff,
            # Images whose detections pair up one to one (match_detections).
            "detections_agreement": matching / max(1, len(images)),
            "num_detections": {"torch": sum(len(t[1]) for t in theirs), "onnx": sum(len(o[1]) for o in ours)},
            "num_images": len(images),
        },
        "accuracy": {
            "metric": "mAP@[.5:.95]",
            "torch": torch_map["map"],
            "onnx": onnx_map["map"],
            "drop": torch_map["map"] - onnx_map["map"],
            "map50": {"torch": torch_map["map50"], "onnx": onnx_map["map50"]},
        },
        # What the field is compared with: the detections the exported graph keeps (its own threshold).
        "reference": field_stats.reference(
            ([(labels[int(k)], float(s)) for k, s in zip(found[2], found[1], strict=True)] for found in ours),
            split="held-out",
        ),
    }
    if precision == "fp32":
        parity = report["parity"]
        if parity["detections_agreement"] < 1.0 or box_diff > BOX_ATOL or score_diff > SCORE_ATOL:
            raise ParityError(
                f"fp32 ONNX detections differ from PyTorch (labels, or boxes/scores beyond {BOX_ATOL})",
                report,
            )
    elif report["accuracy"]["drop"] > max_accuracy_drop:
        raise ParityError(f"{precision} ONNX loses more than {max_accuracy_drop:.4f} mAP", report)
    return report


def _held_out(dataset_dir: str | os.PathLike[str], max_images: int | None) -> tuple[Any, list, list]:
    for split in ("test", "val"):
        images, boxes, labels = load_detection_split(dataset_dir, split)
        if len(images):
            return images[:max_images], boxes[:max_images], labels[:max_images]
    raise ValueError(f"{dataset_dir}: test and val splits are empty; parity needs held-out images")


def export_detector(
    checkpoint_path: str | os.PathLike[str],
    dataset_dir: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    *,
    opset: int = 18,
    precision: str = "fp32",
    dynamic_batch: bool = True,
    max_accuracy_drop: float = 0.01,
    providers: list[str] | None = None,
    max_images: int | None = None,
    latency_runs: int = 30,
    detection: Mapping[str, Any] | None = None,
    on_stage: StageCallback | None = None,
) -> dict[str, Any]:
    """export_onnx for a detection checkpoint: the file appears only if every check passed."""
    from pipelines.detection.model import load_detector

    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    options = detection_options(detection)
    detector, ckpt = load_detector(checkpoint_path, "cpu")
    image_size = int(ckpt["image_size"])
    labels = list(ckpt["labels"])
    norm = ckpt["normalization"]
    resize = resize_spec(ckpt["resize"]) if ckpt.get("resize") else dataset_resize(dataset_dir)
    spec = input_spec(
        width=image_size,
        height=image_size,
        resize=resize,
        mean=norm["mean"],
        std=norm["std"],
        scale=norm["scale"],
    )
    images, gt_boxes, gt_labels = _held_out(dataset_dir, max_images)
    calibration = np.array(load_split(dataset_dir, "train")[0][:CALIBRATION_IMAGES])
    if precision == "int8" and len(calibration) == 0:
        raise ValueError(f"{dataset_dir}: int8 calibration needs train images; the split is empty")
    batch_dim: int | str = "batch" if dynamic_batch else 1
    outputs = output_spec(batch_dim, options)

    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    stage = on_stage or skip_stage
    try:
        stage("converting")
        model = build_onnx(
            detector,
            image_size,
            precision=precision,
            calibration=calibration,
            opset=opset,
            dynamic_batch=dynamic_batch,
            **options,
        )
        annotate(model, labels=labels, spec=spec, outputs=outputs, precision=precision)
        onnx.checker.check_model(model, full_check=True)
        onnx.save(model, tmp)
        stage("checking parity")
        report = check_parity(
            tmp,
            DetectorWithNMS(detector, **options),
            images,
            gt_boxes,
            gt_labels,
            precision=precision,
            labels=labels,
            image_size=image_size,
            max_accuracy_drop=max_accuracy_drop,
            providers=providers,
        )
        stage("measuring latency")
        latency = measure_latencies(tmp, image_size, runs=latency_runs)
        report["reference"]["latency_ms"] = {"p50": latency["cpu"]["b1"]}
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)

    data = out.read_bytes()
    return {
        "path": os.fspath(out),
        "sha256": hashlib.sha256(data).hexdigest(),
        "size_bytes": len(data),
        "opset": opset,
        "precision": precision,
        "task": "detection",
        **report,
        "latency_ms": latency,
        "input": {
            **spec,
            "shape": [batch_dim, 3, image_size, image_size],
            "image_size": image_size,
            "labels": labels,
        },
        "output": outputs,
    }
