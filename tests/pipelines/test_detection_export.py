"""Detection export: one ONNX graph with NMS inside, its contract, parity with torch, fp16/int8."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from onnx import TensorProto, helper

from pipelines.dataset import write_dataset
from pipelines.detection.export import DetectorWithNMS, run_onnx
from pipelines.detection.model import Detector, DetectorConfig, save_detector
from pipelines.detection.nms_onnx import append_postprocess, postprocess
from pipelines.detection.scenes import make_scenes, scene_records
from pipelines.device_contract import detection_options
from pipelines.export import ParityError, export_onnx
from pipelines.model import ModelConfig, ResNet, normalize, save_checkpoint
from pipelines.predict import Predictor

SIZE = 32
LETTERBOX = {"mode": "letterbox", "placement": "center", "pad_value": [114, 114, 114], "filter": "bilinear"}
CONFIG = DetectorConfig(num_classes=3, width=8, fpn_channels=16, head_convs=1)


def random_detector(seed: int = 0) -> Detector:
    """An untrained detector whose scores spread over (0, 1): many overlapping candidates for NMS."""
    torch.manual_seed(seed)
    model = Detector(CONFIG).eval()
    with torch.no_grad():
        model.cls_out.bias.zero_()
        model.cls_out.weight.mul_(30)
    return model


@pytest.fixture(scope="module")
def det_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scenes = make_scenes(24, image_size=SIZE, seed=3, classes=3, max_objects=3)
    out = tmp_path_factory.mktemp("det") / "dataset"
    records = scene_records(scenes, ["train"] * 12 + ["test"] * 12)
    write_dataset(out, task_type="detection", labels=scenes.label_names, image_size=SIZE, records=records)
    return out


@pytest.fixture(scope="module")
def det_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("det_model") / "model.pt"
    labels = ["0", "1", "2"]
    save_detector(
        path, random_detector(), CONFIG, labels=labels, image_size=SIZE, extra={"resize": LETTERBOX}
    )
    return path


@pytest.fixture(scope="module")
def det_onnx(
    det_checkpoint: Path, det_dataset: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("det_onnx") / "model.onnx"
    report = export_onnx(det_checkpoint, det_dataset, out, latency_runs=2, detection={"max_detections": 20})
    return out, report


def test_fp32_export_contract(det_onnx: tuple[Path, dict[str, Any]], det_dataset: Path) -> None:
    path, report = det_onnx
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    assert [i.name for i in model.graph.input] == ["input"]
    assert [o.name for o in model.graph.output] == ["boxes", "scores", "labels"]
    assert "NonMaxSuppression" in {n.op_type for n in model.graph.node}
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    outputs = {o.name: (o.type, o.shape) for o in session.get_outputs()}
    assert outputs == {
        "boxes": ("tensor(float)", ["batch", 20, 4]),
        "scores": ("tensor(float)", ["batch", 20]),
        "labels": ("tensor(int64)", ["batch", 20]),
    }
    x = normalize(torch.from_numpy(make_scenes(5, image_size=SIZE, seed=9, classes=3).images)).contiguous()
    boxes, scores, labels = run_onnx(session, x.numpy())
    assert boxes.dtype == np.float32 and scores.dtype == np.float32 and labels.dtype == np.int64
    assert boxes.shape == (5, 20, 4) and scores.shape == labels.shape == (5, 20)
    valid = scores > 0
    assert valid.any() and (scores[valid] > 0.25).all()  # the default score threshold
    assert (np.diff(scores, axis=1) <= 0).all()  # best first, padding last
    assert ((boxes >= 0) & (boxes <= 1)).all() and ((labels >= 0) & (labels < 3)).all()
    assert (boxes[~valid] == 0).all() and (labels[~valid] == 0).all()  # padding rows are all zeros

    # Report: parity with the eager wrapper on held-out frames, mAP, latency, the contract.
    assert report["task"] == "detection" and report["precision"] == "fp32"
    assert report["parity"]["detections_agreement"] == 1.0 and report["parity"]["num_images"] == 12
    assert report["parity"]["max_box_diff"] <= 1e-3 and report["parity"]["num_detections"]["onnx"] > 0
    assert set(report["accuracy"]) >= {"metric", "torch", "onnx", "drop"}
    assert report["latency_ms"]["cpu"]["b1"] > 0
    assert report["input"]["resize"] == LETTERBOX and report["input"]["shape"] == ["batch", 3, SIZE, SIZE]
    assert report["output"]["max_detections"] == 20 and report["output"]["score_threshold"] == 0.25

    meta = {p.key: p.value for p in model.metadata_props}
    assert meta["acusight.task"] == "detection" and json.loads(meta["acusight.labels"]) == ["0", "1", "2"]
    spec = json.loads(meta["acusight.input"])
    assert spec == {
        "name": "input",
        "width": SIZE,
        "height": SIZE,
        "resize": LETTERBOX,
        "color": "RGB",
        "layout": "NCHW",
        "dtype": "float32",
        "scale": 255.0,
        "mean": pytest.approx([0.485, 0.456, 0.406]),
        "std": pytest.approx([0.229, 0.224, 0.225]),
    }
    assert json.loads(meta["acusight.resize"]) == LETTERBOX and meta["acusight.color"] == "RGB"
    outs = json.loads(meta["acusight.outputs"])
    assert [t["name"] for t in outs["tensors"]] == ["boxes", "scores", "labels"]
    assert outs["iou_threshold"] == 0.5 and outs["nms"] == "class-wise"
    assert meta["acusight.precision"] == "fp32" and meta["acusight.image_size"] == str(SIZE)
    with pytest.raises(ValueError, match="a detection model, not a classifier"):
        Predictor(path)


def test_onnx_matches_eager_wrapper_exactly(
    det_onnx: tuple[Path, dict[str, Any]], det_checkpoint: Path
) -> None:
    from pipelines.detection.model import load_detector

    detector, _ = load_detector(det_checkpoint)
    wrapper = DetectorWithNMS(detector, max_detections=20)
    x = normalize(torch.from_numpy(make_scenes(6, image_size=SIZE, seed=11, classes=3).images)).contiguous()
    session = ort.InferenceSession(str(det_onnx[0]), providers=["CPUExecutionProvider"])
    ob, os_, ol = run_onnx(session, x.numpy())
    tb, ts, tl = (t.numpy() for t in wrapper(x))
    np.testing.assert_array_equal(ol, tl)
    np.testing.assert_allclose(ob, tb, atol=1e-3)
    np.testing.assert_allclose(os_, ts, atol=1e-4)


def nms_only_graph(n: int, c: int, **options: Any) -> ort.InferenceSession:
    """The appended subgraph alone: raw boxes and scores are graph inputs (no export needed)."""
    graph = helper.make_graph(
        [
            helper.make_node("Identity", ["input"], ["raw_boxes"]),
            helper.make_node("Identity", ["scores_in"], ["raw_scores"]),
        ],
        "nms",
        [
            helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", n, 4]),
            helper.make_tensor_value_info("scores_in", TensorProto.FLOAT, ["batch", n, c]),
        ],
        [
            helper.make_tensor_value_info("raw_boxes", TensorProto.FLOAT, ["batch", n, 4]),
            helper.make_tensor_value_info("raw_scores", TensorProto.FLOAT, ["batch", n, c]),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 10
    append_postprocess(
        model, raw_boxes="raw_boxes", raw_scores="raw_scores", num_anchors=n, num_classes=c, **options
    )
    onnx.checker.check_model(model, full_check=True)
    return ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])


def run_both(
    boxes: np.ndarray, scores: np.ndarray, **options: Any
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    session = nms_only_graph(boxes.shape[1], scores.shape[2], **options)
    onnx_out = session.run(["boxes", "scores", "labels"], {"input": boxes, "scores_in": scores})
    torch_out = postprocess(torch.from_numpy(boxes), torch.from_numpy(scores), **options)
    return onnx_out, [t.numpy() for t in torch_out]


@pytest.mark.parametrize(
    ("k", "score_threshold", "iou_threshold"), [(100, 0.25, 0.5), (5, 0.5, 0.3), (300, 0.0, 0.7)]
)
def test_nms_subgraph_matches_eager_semantics(k: int, score_threshold: float, iou_threshold: float) -> None:
    rng = np.random.default_rng(k)
    n, c = 60, 4  # 240 (point, class) pairs: K=300 exercises the zero padding past C*N
    centres = rng.uniform(0, 1, (3, n, 2))
    sides = rng.uniform(0.05, 0.4, (3, n, 2))
    boxes = np.concatenate([centres - sides / 2, centres + sides / 2], axis=2).astype(np.float32)
    scores = rng.uniform(0, 1, (3, n, c)).astype(np.float32)
    options = {"max_detections": k, "score_threshold": score_threshold, "iou_threshold": iou_threshold}
    (ob, os_, ol), (tb, ts, tl) = run_both(boxes, scores, **options)
    assert ob.shape == (3, k, 4) and os_.shape == ol.shape == (3, k)
    np.testing.assert_array_equal(ol, tl)
    np.testing.assert_allclose(os_, ts, atol=1e-6)
    np.testing.assert_allclose(ob, tb, atol=1e-6)
    valid = os_ > 0
    assert (os_[valid] > score_threshold).all() and (valid.sum(axis=1) <= k).all()
    assert (ob[~valid] == 0).all() and (ol[~valid] == 0).all()
    # Boxes kept for one class overlap by at most the IoU threshold.
    for i in range(3):
        for cls in range(c):
            kept = ob[i][valid[i] & (ol[i] == cls)]
            for a in range(len(kept)):
                for b in range(a + 1, len(kept)):
                    assert _iou(kept[a], kept[b]) <= iou_threshold + 1e-6


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    return float(inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter))


def test_nms_is_class_wise() -> None:
    # Boxes 0 and 1 overlap almost entirely: as class 0 and class 1 both stay; box 2 (class 0, same
    # place as box 0, lower score) is suppressed; box 3 scores below the threshold everywhere.
    boxes = np.array(
        [[[0.1, 0.1, 0.5, 0.5], [0.11, 0.1, 0.5, 0.5], [0.1, 0.1, 0.5, 0.52], [0.6, 0.6, 0.9, 0.9]]]
    )
    scores = np.array([[[0.9, 0.0], [0.0, 0.8], [0.7, 0.0], [0.2, 0.1]]], np.float32)
    (ob, os_, ol), (_, ts, tl) = run_both(
        boxes.astype(np.float32), scores, **detection_options({"max_detections": 4})
    )
    np.testing.assert_allclose(os_[0], [0.9, 0.8, 0.0, 0.0])
    np.testing.assert_array_equal(ol[0], [0, 1, 0, 0])
    np.testing.assert_allclose(ob[0, :2], boxes[0, :2])
    np.testing.assert_array_equal(ol, tl)
    np.testing.assert_allclose(os_, ts)
    # K caps the rows: with K=1 only the best survives.
    (ob, os_, ol), _ = run_both(boxes.astype(np.float32), scores, **detection_options({"max_detections": 1}))
    assert os_.shape == (1, 1) and float(os_[0, 0]) == pytest.approx(0.9)


def test_fp16_export(det_checkpoint: Path, det_dataset: Path, tmp_path: Path) -> None:
    path = tmp_path / "fp16.onnx"
    report = export_onnx(det_checkpoint, det_dataset, path, precision="fp16", latency_runs=1)
    model = onnx.load(path)
    weights = max(model.graph.initializer, key=lambda t: np.prod(t.dims))
    assert weights.data_type == TensorProto.FLOAT16
    assert {p.key: p.value for p in model.metadata_props}["acusight.precision"] == "fp16"
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [(o.name, o.type) for o in session.get_outputs()] == [
        ("boxes", "tensor(float)"),
        ("scores", "tensor(float)"),
        ("labels", "tensor(int64)"),
    ]
    # Judged by mAP, like classifiers by accuracy: fp16 scores move, so near-ties may reorder.
    assert report["accuracy"]["drop"] <= 0.01 and report["parity"]["num_detections"]["onnx"] > 0


def test_int8_refused_with_figures(det_checkpoint: Path, det_dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "int8.onnx"
    with pytest.raises(ParityError, match="int8 ONNX loses more than") as info:
        export_onnx(
            det_checkpoint, det_dataset, out, precision="int8", max_accuracy_drop=-0.5, latency_runs=1
        )
    assert set(info.value.report["accuracy"]) >= {"torch", "onnx", "drop"}
    assert "detections_agreement" in info.value.report["parity"]
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_bad_options_are_refused(det_checkpoint: Path, det_dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.onnx"
    for bad, message in [
        ({"max_detections": 0}, "max_detections"),
        ({"score_threshold": 1.5}, "score_threshold"),
        ({"iou_threshold": "half"}, "iou_threshold"),
        ({"top_k": 5}, "unknown detection export options"),
    ]:
        with pytest.raises(ValueError, match=message):
            export_onnx(det_checkpoint, det_dataset, out, detection=bad)
    # Detection options on a classifier checkpoint: refused before anything is exported.
    classifier = tmp_path / "classifier.pt"
    save_checkpoint(
        classifier,
        ResNet(ModelConfig(num_classes=3, width=4)),
        ModelConfig(3, 4),
        labels=["a", "b", "c"],
        image_size=16,
    )
    with pytest.raises(ValueError, match="is a classifier: detection export options"):
        export_onnx(classifier, det_dataset, out, detection={"max_detections": 10})
    assert not out.exists()


def test_classifier_export_carries_the_contract(tiny_onnx: tuple[Path, dict[str, Any]]) -> None:
    path, report = tiny_onnx
    meta = {p.key: p.value for p in onnx.load(path).metadata_props}
    assert meta["acusight.task"] == "classification"
    assert json.loads(meta["acusight.resize"]) == {"mode": "center_crop", "filter": "lanczos"}
    spec = json.loads(meta["acusight.input"])
    assert spec["width"] == spec["height"] == 16 and spec["color"] == "RGB" and spec["layout"] == "NCHW"
    assert json.loads(meta["acusight.outputs"])["tensors"][0]["name"] == "logits"
    assert report["task"] == "classification" and report["input"]["resize"]["mode"] == "center_crop"
    assert report["output"]["name"] == "logits"  # the fields the API already recorded stay
