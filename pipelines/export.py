"""Export a checkpoint to ONNX (fp32, fp16 or int8), prove parity with PyTorch, time it.

Classifiers here; detection checkpoints (task_type "detection") go to pipelines.detection.export.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn

from pipelines import field_stats
from pipelines.dataset import load_split
from pipelines.device_contract import (
    CLASSIFIER_RESIZE,
    META_COLOR,
    META_INPUT,
    META_OUTPUTS,
    META_RESIZE,
    META_TASK,
    input_spec,
)
from pipelines.model import load_checkpoint, normalize, predict_logits
from pipelines.predict import (
    META_IMAGE_SIZE,
    META_LABELS,
    META_LAYOUT,
    META_MEAN,
    META_PRECISION,
    META_SCALE,
    META_STD,
    softmax,
)

PRECISIONS = ("fp32", "fp16", "int8")
INPUT_NAME = "input"
OUTPUT_NAME = "logits"
# fp32 must match PyTorch to float rounding (the tolerances below); fp16/int8 are judged by the
# accuracy they lose instead, since their logits legitimately move.
FP32_RTOL = 1e-3
FP32_ATOL = 1e-5
CALIBRATION_IMAGES = 256


class ParityError(AssertionError):
    """The ONNX artifact does not reproduce the PyTorch model; `report` holds the figures."""

    def __init__(self, message: str, report: dict[str, Any]) -> None:
        super().__init__(f"{message}: {json.dumps(report, sort_keys=True)}")
        self.report = report


def torch_to_onnx(
    model: nn.Module,
    image_size: int,
    *,
    opset: int = 18,
    dynamic_batch: bool = True,
    output_names: tuple[str, ...] = (OUTPUT_NAME,),
) -> onnx.ModelProto:
    """Export with the dynamo exporter (torch.export + onnxscript).

    Chosen over the TorchScript exporter (dynamo=False) because that one is deprecated in torch
    2.9+, and torch.export traces the graph with checked dynamic shapes instead of recording one
    run; its onnx optimizer also folds BatchNorm into the convs. `model` is switched to eval mode,
    float32 and the CPU in place.
    """
    model = model.float().eval().to("cpu")
    # Batch 2, not 1: torch.export specialises size-1 dims, which would pin the batch axis.
    example = torch.zeros(2 if dynamic_batch else 1, 3, image_size, image_size)
    dynamic_shapes = ({0: torch.export.Dim("batch", min=1)},) if dynamic_batch else None
    # torchvision is deliberately not a dependency (pyproject.toml); the exporter logs a warning per
    # missing op.
    logging.getLogger("torch.onnx._internal.exporter._registration").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        # The exporter warns about opset down-conversion and the like; failures still raise.
        warnings.simplefilter("ignore")
        program = torch.onnx.export(
            model,
            (example,),
            dynamo=True,
            input_names=[INPUT_NAME],
            output_names=list(output_names),
            opset_version=opset,
            dynamic_shapes=dynamic_shapes,
            verbose=False,
        )
        if program is None:
            raise RuntimeError("torch.onnx.export returned no program")
        path = Path(tmp) / "model.onnx"
        program.save(path)
        return onnx.load(path)


class _Calibration:
    """onnxruntime CalibrationDataReader over normalised train images."""

    def __init__(self, batches: list[np.ndarray]) -> None:
        self._batches = iter(batches)

    def get_next(self) -> dict[str, np.ndarray] | None:
        batch = next(self._batches, None)
        return None if batch is None else {INPUT_NAME: batch}


def _inputs(images: np.ndarray) -> np.ndarray:
    """uint8 NHWC -> the float32 NCHW both PyTorch and onnxruntime get in the parity check."""
    return normalize(torch.from_numpy(np.array(images))).contiguous().numpy()


def _convert(
    fp32: onnx.ModelProto, precision: str, calibration: np.ndarray, batch: int | None
) -> onnx.ModelProto:
    """fp32 ModelProto -> the requested precision (inputs and outputs stay float32)."""
    if precision == "fp32":
        return fp32
    if precision == "fp16":
        # onnxconverter-common is not a dependency; onnxruntime ships the same converter.
        from onnxruntime.transformers.float16 import convert_float_to_float16

        half = convert_float_to_float16(fp32, keep_io_types=True)
        # The converter appends its input Casts at the end of the node list; onnxruntime copes,
        # onnx.checker (rightly) does not.
        _toposort(half.graph)
        return half
    if precision == "int8":
        from onnxruntime.quantization import QuantFormat, QuantType, quantize_static
        from onnxruntime.quantization.shape_inference import quant_pre_process

        step = batch or 32
        batches = [_inputs(calibration[i : i + step]) for i in range(0, len(calibration), step)]
        with tempfile.TemporaryDirectory() as tmp:
            raw, src, dst = (Path(tmp) / f"{n}.onnx" for n in ("raw", "fp32", "int8"))
            onnx.save(fp32, raw)
            # Shape inference + graph optimisation first, as onnxruntime's quantizer asks: it can
            # then place Q/DQ pairs around fused ops only.
            quant_pre_process(raw, src)
            # QDQ + per-channel weights: the format every onnxruntime EP (and TensorRT) reads,
            # and per-channel scales keep small conv filters accurate.
            quantize_static(
                src,
                dst,
                _Calibration(batches),
                quant_format=QuantFormat.QDQ,
                per_channel=True,
                activation_type=QuantType.QUInt8,
                weight_type=QuantType.QInt8,
            )
            return onnx.load(dst)
    raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")


def _toposort(graph: onnx.GraphProto) -> None:
    """Reorder graph.node in place so every node follows the producers of its inputs."""
    available = {i.name for i in graph.input} | {t.name for t in graph.initializer} | {""}
    pending = list(graph.node)
    ordered: list[onnx.NodeProto] = []
    while pending:
        ready = [n for n in pending if all(i in available for i in n.input)]
        if not ready:
            raise ValueError(f"graph has a cycle or dangling inputs at {pending[0].name!r}")
        for node in ready:
            available.update(node.output)
        ordered.extend(ready)
        pending = [n for n in pending if not any(n is r for r in ready)]
    del graph.node[:]
    graph.node.extend(ordered)


def _input_spec(ckpt: dict[str, Any]) -> dict[str, Any]:
    """The device contract's input of a classifier: decode_resize's center crop, then normalisation."""
    norm, size = ckpt["normalization"], int(ckpt["image_size"])
    return input_spec(
        width=size,
        height=size,
        resize=CLASSIFIER_RESIZE,
        mean=norm["mean"],
        std=norm["std"],
        scale=norm["scale"],
    )


def _output_spec(ckpt: dict[str, Any], batch_dim: int | str) -> dict[str, Any]:
    shape = [batch_dim, len(ckpt["labels"])]
    return {
        "name": OUTPUT_NAME,
        "shape": shape,
        "task": "classification",
        "tensors": [
            {
                "name": OUTPUT_NAME,
                "dtype": "float32",
                "shape": shape,
                "meaning": "class logits, by label index",
            }
        ],
    }


def _annotate(
    model: onnx.ModelProto, ckpt: dict[str, Any], precision: str, batch_dim: int | str = "batch"
) -> None:
    """Record the preprocessing and labels in the artifact, for devices and predict.py."""
    norm = ckpt["normalization"]
    spec = _input_spec(ckpt)
    props = {
        META_TASK: "classification",
        META_INPUT: json.dumps(spec),
        META_OUTPUTS: json.dumps(_output_spec(ckpt, batch_dim)),
        META_RESIZE: json.dumps(spec["resize"]),
        META_COLOR: spec["color"],
        META_LABELS: json.dumps(ckpt["labels"]),
        META_MEAN: json.dumps(norm["mean"]),
        META_STD: json.dumps(norm["std"]),
        META_SCALE: str(norm["scale"]),
        META_IMAGE_SIZE: str(ckpt["image_size"]),
        META_LAYOUT: "NCHW",
        META_PRECISION: precision,
    }
    del model.metadata_props[:]
    for key, value in props.items():
        model.metadata_props.add(key=key, value=value)
    model.doc_string = "Acusight classifier: input uint8 RGB / scale, minus mean, over std, NCHW"


def _held_out(dataset_dir: str | os.PathLike[str], max_images: int | None) -> tuple[Any, Any]:
    """Test split, or val when test is empty: images the model never trained on."""
    for split in ("test", "val"):
        images, labels = load_split(dataset_dir, split)
        if len(images):
            return images[:max_images], labels[:max_images]
    raise ValueError(f"{dataset_dir}: test and val splits are empty; parity needs held-out images")


def _session(path: str | os.PathLike[str], providers: list[str]) -> ort.InferenceSession:
    return ort.InferenceSession(os.fspath(path), providers=providers)


def _run(session: ort.InferenceSession, x: np.ndarray, batch: int | None) -> np.ndarray:
    step = batch or 256
    outs = [session.run(None, {INPUT_NAME: x[i : i + step]})[0] for i in range(0, len(x), step)]
    return np.concatenate(outs).astype(np.float32)


def _fixed_batch(session: ort.InferenceSession) -> int | None:
    dim = session.get_inputs()[0].shape[0]
    return dim if isinstance(dim, int) else None


def check_parity(
    onnx_path: str | os.PathLike[str],
    model: nn.Module,
    images: np.ndarray,
    labels: np.ndarray,
    *,
    precision: str,
    max_accuracy_drop: float = 0.01,
    providers: list[str] | None = None,
    class_names: list[str] | None = None,
) -> dict[str, Any]:
    """Compare the ONNX artifact with the PyTorch model on held-out images.

    The report's ``reference`` is the field figures of the ONNX predictions (pipelines.field_stats),
    classes named by ``class_names`` (else by index).

    fp32: logits within rtol 1e-3 / atol 1e-5 and identical argmax. fp16/int8: accuracy may drop
    by at most `max_accuracy_drop`. Raises ParityError with the figures; returns them otherwise.
    max_rel_diff is elementwise |onnx - torch| / max(|torch|, 1e-6).
    """
    x = _inputs(images)
    torch_logits = predict_logits(model, images).numpy()
    session = _session(onnx_path, providers or ["CPUExecutionProvider"])
    onnx_logits = _run(session, x, _fixed_batch(session))
    diff = np.abs(onnx_logits - torch_logits)
    torch_pred, onnx_pred = torch_logits.argmax(1), onnx_logits.argmax(1)
    torch_acc = float((torch_pred == labels).mean())
    onnx_acc = float((onnx_pred == labels).mean())
    report = {
        "parity": {
            "max_abs_diff": float(diff.max()),
            "max_rel_diff": float((diff / np.maximum(np.abs(torch_logits), 1e-6)).max()),
            "argmax_agreement": float((torch_pred == onnx_pred).mean()),
            "num_images": len(images),
        },
        "accuracy": {"torch": torch_acc, "onnx": onnx_acc, "drop": torch_acc - onnx_acc},
        "reference": _reference(onnx_logits, class_names),
    }
    if precision == "fp32":
        close = np.all(diff <= FP32_ATOL + FP32_RTOL * np.abs(torch_logits))
        if not close or report["parity"]["argmax_agreement"] < 1.0:
            raise ParityError(
                f"fp32 ONNX differs from PyTorch beyond rtol={FP32_RTOL}, atol={FP32_ATOL} or in argmax",
                report,
            )
    elif report["accuracy"]["drop"] > max_accuracy_drop:
        raise ParityError(f"{precision} ONNX loses more than {max_accuracy_drop:.4f} accuracy", report)
    return report


def _reference(logits: np.ndarray, class_names: list[str] | None) -> dict[str, Any]:
    """The top-1 label and softmax score of each held-out image, as field_stats.reference counts them."""
    probs = softmax(logits)
    top = probs.argmax(axis=1)
    names = class_names or [str(i) for i in range(logits.shape[1])]
    return field_stats.reference(
        ([(names[int(i)], float(probs[n, i]))] for n, i in enumerate(top)), split="held-out"
    )


def verify_onnx(
    onnx_path: str | os.PathLike[str],
    checkpoint_path: str | os.PathLike[str],
    dataset_dir: str | os.PathLike[str],
    *,
    precision: str = "fp32",
    max_accuracy_drop: float = 0.01,
    providers: list[str] | None = None,
    max_images: int | None = None,
) -> dict[str, Any]:
    """Re-check an existing artifact against its checkpoint (e.g. before serving it)."""
    onnx.checker.check_model(os.fspath(onnx_path))
    model, ckpt = load_checkpoint(checkpoint_path, "cpu")
    images, labels = _held_out(dataset_dir, max_images)
    return check_parity(
        onnx_path,
        model,
        images,
        labels,
        precision=precision,
        max_accuracy_drop=max_accuracy_drop,
        providers=providers,
        class_names=list(ckpt["labels"]),
    )


def measure_latency(
    onnx_path: str | os.PathLike[str],
    providers: list[str],
    image_size: int,
    *,
    batch_sizes: tuple[int, ...] = (1, 32),
    runs: int = 30,
    threads: int = 0,
) -> dict[str, float | None]:
    """Median onnxruntime wall time in ms per batch size (None where the batch is fixed).

    threads: intra-op threads, 0 = onnxruntime's default (one per physical core).
    """
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(os.fspath(onnx_path), options, providers=providers)
    fixed = _fixed_batch(session)
    rng = np.random.default_rng(0)
    result: dict[str, float | None] = {}
    for b in batch_sizes:
        if fixed is not None and b != fixed:
            result[f"b{b}"] = None
            continue
        x = rng.standard_normal((b, 3, image_size, image_size), dtype=np.float32)
        for _ in range(3):  # warm-up: first runs allocate and pick kernels
            session.run(None, {INPUT_NAME: x})
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            session.run(None, {INPUT_NAME: x})
            times.append(time.perf_counter() - t0)
        result[f"b{b}"] = statistics.median(times) * 1000
    return result


def _cuda_usable() -> bool:
    # onnxruntime-gpu lists CUDA even where its libraries are missing (it then falls back to the
    # CPU silently), so both torch and onnxruntime must agree there is a GPU.
    return "CUDAExecutionProvider" in ort.get_available_providers() and torch.cuda.is_available()


def measure_latencies(onnx_path: str | os.PathLike[str], image_size: int, *, runs: int) -> dict[str, Any]:
    """Latency on the CPU, and on CUDA when onnxruntime can use it here."""
    latency: dict[str, Any] = {
        "cpu": measure_latency(onnx_path, ["CPUExecutionProvider"], image_size, runs=runs)
    }
    if _cuda_usable():
        cuda = ["CUDAExecutionProvider", "CPUExecutionProvider"]
        latency["cuda"] = measure_latency(onnx_path, cuda, image_size, runs=runs)
    return latency


# The steps of an export, in order, as export_onnx reports them to its on_stage callback.
EXPORT_STAGES: tuple[str, ...] = ("converting", "checking parity", "measuring latency")
StageCallback = Callable[[str], None]


def skip_stage(name: str) -> None:
    """The on_stage of a caller that does not follow the stages."""


def export_onnx(
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
    detection: dict[str, Any] | None = None,
    on_stage: StageCallback | None = None,
) -> dict[str, Any]:
    """Export, check, prove parity, time; the file appears at out_path only if every check passed.

    `on_stage(name)` is called as each of EXPORT_STAGES begins (the export flow reports them).

    Parity runs on `providers` (default CPU) over the test split (val if test is empty, at most
    `max_images`); int8 calibrates on up to 256 train images. Raises ParityError on a failed check.
    A detection checkpoint goes to pipelines.detection.export.export_detector, with `detection`
    (max_detections, score_threshold, iou_threshold); a classifier refuses those options.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    if checkpoint_task(checkpoint_path) == "detection":
        from pipelines.detection.export import export_detector

        return export_detector(
            checkpoint_path,
            dataset_dir,
            out_path,
            opset=opset,
            precision=precision,
            dynamic_batch=dynamic_batch,
            max_accuracy_drop=max_accuracy_drop,
            providers=providers,
            max_images=max_images,
            latency_runs=latency_runs,
            detection=detection,
            on_stage=on_stage,
        )
    if detection:
        raise ValueError(
            f"{checkpoint_path} is a classifier: detection export options {sorted(detection)} do not apply"
        )
    model, ckpt = load_checkpoint(checkpoint_path, "cpu")
    image_size = int(ckpt["image_size"])
    images, labels = _held_out(dataset_dir, max_images)
    calibration = np.array(load_split(dataset_dir, "train")[0][:CALIBRATION_IMAGES])
    if precision == "int8" and len(calibration) == 0:
        raise ValueError(f"{dataset_dir}: int8 calibration needs train images; the split is empty")

    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    stage = on_stage or skip_stage
    try:
        stage("converting")
        fp32 = torch_to_onnx(model, image_size, opset=opset, dynamic_batch=dynamic_batch)
        converted = _convert(fp32, precision, calibration, None if dynamic_batch else 1)
        _annotate(converted, ckpt, precision, "batch" if dynamic_batch else 1)
        onnx.checker.check_model(converted, full_check=True)
        onnx.save(converted, tmp)
        stage("checking parity")
        report = check_parity(
            tmp,
            model,
            images,
            labels,
            precision=precision,
            max_accuracy_drop=max_accuracy_drop,
            providers=providers,
            class_names=list(ckpt["labels"]),
        )
        stage("measuring latency")
        latency = measure_latencies(tmp, image_size, runs=latency_runs)
        report["reference"]["latency_ms"] = {"p50": latency["cpu"]["b1"]}
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)

    data = out.read_bytes()
    batch_dim: int | str = "batch" if dynamic_batch else 1
    return {
        "path": os.fspath(out),
        "sha256": hashlib.sha256(data).hexdigest(),
        "size_bytes": len(data),
        "opset": opset,
        "precision": precision,
        "task": "classification",
        **report,
        "latency_ms": latency,
        "input": {
            **_input_spec(ckpt),
            "name": INPUT_NAME,
            "shape": [batch_dim, 3, image_size, image_size],
            "dtype": "float32",
            "layout": "NCHW",
            "scale": ckpt["normalization"]["scale"],
            "mean": list(ckpt["normalization"]["mean"]),
            "std": list(ckpt["normalization"]["std"]),
            "image_size": image_size,
            "labels": list(ckpt["labels"]),
        },
        "output": _output_spec(ckpt, batch_dim),
    }


def checkpoint_task(checkpoint_path: str | os.PathLike[str]) -> str:
    """ "detection" for a detector's checkpoint, "classification" otherwise (classifiers carry no task)."""
    ckpt = torch.load(checkpoint_path, map_location="cpu", weights_only=True)
    return str(ckpt.get("task_type") or "classification")


def main(argv: list[str] | None = None) -> None:
    """CLI: `python -m pipelines.export --checkpoint C --data D --out O [--precision P]`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--checkpoint", required=True, help="model.pt from the train stage")
    parser.add_argument("--data", required=True, help="packed dataset directory")
    parser.add_argument("--out", required=True, help="output .onnx path")
    parser.add_argument("--precision", choices=PRECISIONS, default="fp32")
    parser.add_argument("--opset", type=int, default=18)
    parser.add_argument("--static-batch", action="store_true", help="fix the batch axis at 1")
    parser.add_argument("--max-accuracy-drop", type=float, default=0.01)
    parser.add_argument("--report", help="also write the report JSON here")
    parser.add_argument("--max-detections", type=int, help="detectors: K, rows per image (default 100)")
    parser.add_argument("--score-threshold", type=float, help="detectors: keep scores above (default 0.25)")
    parser.add_argument("--iou-threshold", type=float, help="detectors: NMS IoU (default 0.5)")
    args = parser.parse_args(argv)
    detection = {
        name: getattr(args, name)
        for name in ("max_detections", "score_threshold", "iou_threshold")
        if getattr(args, name) is not None
    }
    report = export_onnx(
        args.checkpoint,
        args.data,
        args.out,
        opset=args.opset,
        precision=args.precision,
        dynamic_batch=not args.static_batch,
        max_accuracy_drop=args.max_accuracy_drop,
        detection=detection or None,
    )
    text = json.dumps(report, indent=2, sort_keys=True)
    if args.report:
        Path(args.report).write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
