"""ONNX export: fp32/fp16/int8 artifacts, parity figures, tampered artifacts rejected."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from onnx import numpy_helper

from pipelines import export
from pipelines.dataset import load_split
from pipelines.export import ParityError, export_onnx, main, verify_onnx
from pipelines.model import load_checkpoint, normalize, predict_logits
from tests.pipelines.helpers import TINY_LABELS


def _check_report(report: dict[str, Any], path: Path, precision: str) -> None:
    data = path.read_bytes()
    assert report["sha256"] == hashlib.sha256(data).hexdigest()
    assert report["size_bytes"] == len(data)
    assert report["opset"] == 18 and report["precision"] == precision
    assert set(report["parity"]) >= {"max_abs_diff", "max_rel_diff", "argmax_agreement"}
    assert set(report["accuracy"]) == {"torch", "onnx", "drop"}
    assert report["accuracy"]["drop"] <= 0.01
    assert report["latency_ms"]["cpu"]["b1"] > 0 and report["latency_ms"]["cpu"]["b32"] > 0
    assert report["input"]["name"] == "input" and report["input"]["image_size"] == 16
    assert report["input"]["shape"] == ["batch", 3, 16, 16]
    assert report["input"]["labels"] == TINY_LABELS
    assert len(report["input"]["mean"]) == 3 and len(report["input"]["std"]) == 3


def _torch_and_onnx_argmax(path: Path, model_dir: Path, dataset: Path) -> tuple[Any, Any]:
    images, _ = load_split(dataset, "test")
    model, _ = load_checkpoint(model_dir / "model.pt")
    torch_pred = predict_logits(model, images).argmax(1).numpy()
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    x = normalize(torch.from_numpy(np.array(images))).contiguous().numpy()
    onnx_pred = session.run(["logits"], {"input": x})[0].argmax(1)
    return torch_pred, onnx_pred


def test_fp32_export(tiny_onnx: tuple[Path, dict], tiny_model: Path, tiny_dataset: Path) -> None:
    path, report = tiny_onnx
    _check_report(report, path, "fp32")
    assert report["parity"]["max_abs_diff"] <= 1e-4
    assert report["parity"]["argmax_agreement"] == 1.0
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    assert [i.name for i in model.graph.input] == ["input"]
    assert [o.name for o in model.graph.output] == ["logits"]
    assert model.graph.input[0].type.tensor_type.shape.dim[0].dim_param  # dynamic batch
    torch_pred, onnx_pred = _torch_and_onnx_argmax(path, tiny_model, tiny_dataset)
    np.testing.assert_array_equal(torch_pred, onnx_pred)


@pytest.mark.parametrize("precision", ["fp16", "int8"])
def test_reduced_precision_export(
    precision: str, tiny_model: Path, tiny_dataset: Path, tmp_path: Path
) -> None:
    path = tmp_path / f"model_{precision}.onnx"
    report = export_onnx(tiny_model / "model.pt", tiny_dataset, path, precision=precision, latency_runs=3)
    _check_report(report, path, precision)
    onnx.checker.check_model(onnx.load(path), full_check=True)
    torch_pred, onnx_pred = _torch_and_onnx_argmax(path, tiny_model, tiny_dataset)
    np.testing.assert_array_equal(torch_pred, onnx_pred)
    # The weights really are narrower (conv weights are the largest initializers).
    narrow = onnx.TensorProto.FLOAT16 if precision == "fp16" else onnx.TensorProto.INT8
    weights = max(onnx.load(path).graph.initializer, key=lambda t: np.prod(t.dims))
    assert weights.data_type == narrow


def _perturb(model: onnx.ModelProto) -> None:
    """Add noise to the largest float weight, as a corrupted or miscompiled artifact would."""
    tensors = [t for t in model.graph.initializer if t.data_type == onnx.TensorProto.FLOAT]
    target = max(tensors, key=lambda t: np.prod(t.dims))
    weights = numpy_helper.to_array(target)
    noise = np.random.default_rng(0).normal(0, weights.std() + 1e-3, weights.shape)
    target.CopyFrom(numpy_helper.from_array((weights + noise).astype(np.float32), target.name))


def test_tampered_artifact_is_rejected(
    tiny_onnx: tuple[Path, dict], tiny_model: Path, tiny_dataset: Path, tmp_path: Path
) -> None:
    model = onnx.load(tiny_onnx[0])
    _perturb(model)
    onnx.save(model, tmp_path / "tampered.onnx")
    verify_onnx(tiny_onnx[0], tiny_model / "model.pt", tiny_dataset)  # the original passes
    with pytest.raises(ParityError, match="max_abs_diff") as info:
        verify_onnx(tmp_path / "tampered.onnx", tiny_model / "model.pt", tiny_dataset)
    assert info.value.report["parity"]["max_abs_diff"] > 1e-3


def test_export_that_breaks_the_model_leaves_no_artifact(
    tiny_model: Path, tiny_dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    convert = export._convert

    def broken(fp32: onnx.ModelProto, *args: Any) -> onnx.ModelProto:
        model = convert(fp32, *args)
        _perturb(model)
        return model

    monkeypatch.setattr(export, "_convert", broken)
    out = tmp_path / "model.onnx"
    with pytest.raises(ParityError):
        export_onnx(tiny_model / "model.pt", tiny_dataset, out, latency_runs=1)
    assert list(tmp_path.iterdir()) == []


def test_cli_writes_artifact_and_report(tiny_model: Path, tiny_dataset: Path, tmp_path: Path) -> None:
    out, report = tmp_path / "m.onnx", tmp_path / "report.json"
    main(
        [
            "--checkpoint",
            str(tiny_model / "model.pt"),
            "--data",
            str(tiny_dataset),
            "--out",
            str(out),
            "--static-batch",
            "--report",
            str(report),
        ]
    )
    written = json.loads(report.read_text())
    assert written["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert written["input"]["shape"] == [1, 3, 16, 16]
    assert written["latency_ms"]["cpu"]["b32"] is None  # a batch-1 model cannot run batch 32


def test_accuracy_drop_limit_is_enforced(tiny_model: Path, tiny_dataset: Path, tmp_path: Path) -> None:
    # A negative allowance turns even a lossless int8 export into a failure: the branch works.
    with pytest.raises(ParityError, match="int8 ONNX loses more than") as info:
        export_onnx(
            tiny_model / "model.pt",
            tiny_dataset,
            tmp_path / "m.onnx",
            precision="int8",
            max_accuracy_drop=-0.5,
            latency_runs=1,
        )
    assert set(info.value.report["accuracy"]) == {"torch", "onnx", "drop"}
    assert not (tmp_path / "m.onnx").exists()
