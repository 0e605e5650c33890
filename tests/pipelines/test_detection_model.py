"""The detector's eval contract, ONNX traceability, checkpoint, box-aware augmentation, scenes."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

from pipelines.detection.model import Detector, DetectorConfig, load_detector, save_detector
from pipelines.detection.scenes import make_scenes, manifest_boxes
from pipelines.detection.train import augment_boxes

SMALL = DetectorConfig(num_classes=3, width=8, fpn_channels=16, head_convs=1)


def test_eval_forward_is_decoded_pre_nms() -> None:
    model = Detector(SMALL).eval()
    assert SMALL.strides == (4, 8, 16)
    with torch.no_grad():
        boxes, scores = model(torch.randn(2, 3, 64, 64))
    n = 16 * 16 + 8 * 8 + 4 * 4
    assert SMALL.num_points(64) == n
    assert boxes.shape == (2, n, 4) and scores.shape == (2, n, 3)
    assert boxes.dtype == scores.dtype == torch.float32
    assert boxes.min() >= 0 and boxes.max() <= 1 and (boxes[..., 2:] >= boxes[..., :2]).all()
    assert scores.min() >= 0 and scores.max() <= 1
    # Untrained: every point starts at the prior, and its box is centred on its point.
    assert abs(scores.mean().item() - 0.01) < 0.01
    model.train()
    raw = model(torch.randn(2, 3, 64, 64))
    assert raw.logits.shape == (2, n, 3) and raw.points.shape == (n, 2)


def test_onnx_export_with_dynamic_batch_matches_torch(tmp_path: Path) -> None:
    model = Detector(SMALL).eval()
    logging.getLogger("torch.onnx._internal.exporter._registration").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = torch.onnx.export(
            model,
            (torch.zeros(2, 3, 64, 64),),
            dynamo=True,
            input_names=["input"],
            output_names=["boxes", "scores"],
            dynamic_shapes=({0: torch.export.Dim("batch", min=1)},),
            verbose=False,
        )
    assert program is not None
    program.save(tmp_path / "det.onnx")
    session = ort.InferenceSession(str(tmp_path / "det.onnx"), providers=["CPUExecutionProvider"])
    x = torch.randn(3, 3, 64, 64)
    boxes, scores = session.run(None, {"input": x.numpy()})
    with torch.no_grad():
        expected_boxes, expected_scores = model(x)
    np.testing.assert_allclose(boxes, expected_boxes.numpy(), atol=1e-5)
    np.testing.assert_allclose(scores, expected_scores.numpy(), atol=1e-5)


def test_checkpoint_round_trip(tmp_path: Path) -> None:
    model = Detector(SMALL).eval()
    save_detector(tmp_path / "model.pt", model, SMALL, labels=["a", "b", "c"], image_size=64)
    loaded, ckpt = load_detector(tmp_path / "model.pt")
    assert loaded.config == SMALL and ckpt["task_type"] == "detection" and ckpt["image_size"] == 64
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(loaded(x), model(x))


def test_augment_moves_boxes_with_the_pixels() -> None:
    """A bright square's box, after zoom/shift/mirror, still frames the bright pixels."""
    image = torch.zeros(4, 3, 32, 32)
    image[:, :, 8:16, 4:12] = 1.0  # x 4..12, y 8..16
    boxes = torch.tensor([[[4 / 32, 8 / 32, 12 / 32, 16 / 32]]]).repeat(4, 1, 1)
    labels = torch.zeros(4, 1, dtype=torch.int64)
    gen = torch.Generator().manual_seed(3)
    out, moved, kept = augment_boxes(
        image, boxes, labels, scale_jitter=0.3, translate=0.1, flip=True, generator=gen
    )
    for i in range(4):
        assert kept[i, 0] == 0
        ys, xs = (out[i, 0] > 0.5).nonzero(as_tuple=True)
        found = torch.tensor([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]) / 32
        torch.testing.assert_close(moved[i, 0], found.float(), atol=2 / 32, rtol=0)
    # A corner box shifted by up to 0.4 frames is often pushed mostly out: dropped (label -1); the
    # ones kept keep at least MIN_VISIBLE of their area.
    far = torch.tensor([[[0.0, 0.0, 0.05, 0.05]]]).repeat(16, 1, 1)
    _, moved, kept = augment_boxes(
        torch.zeros(16, 3, 32, 32),
        far,
        torch.zeros(16, 1, dtype=torch.int64),
        scale_jitter=0.0,
        translate=0.4,
        flip=False,
        generator=torch.Generator().manual_seed(0),
    )
    assert (kept == -1).any() and (kept == 0).any()
    side = moved[..., 2:] - moved[..., :2]
    assert (side[kept == 0] > 0.6 * 0.05 - 1e-6).all()


def test_scenes_are_deterministic_and_boxes_frame_the_ink() -> None:
    a = make_scenes(6, image_size=48, seed=5, classes=4)
    b = make_scenes(6, image_size=48, seed=5, classes=4)
    assert np.array_equal(a.images, b.images) and all(
        np.array_equal(x, y) for x, y in zip(a.boxes, b.boxes, strict=True)
    )
    assert a.images.shape == (6, 48, 48, 3) and a.images.dtype == np.uint8
    assert a.label_names == ["0", "1", "2", "3"]
    for boxes, labels in zip(a.boxes, a.labels, strict=True):
        assert 1 <= len(boxes) <= 5 and boxes.dtype == np.float32 and labels.dtype == np.int64
        assert (boxes[:, 2:] > boxes[:, :2]).all() and boxes.min() >= 0 and boxes.max() <= 1
        assert labels.max() < 4
    row = manifest_boxes(a.boxes[0], a.labels[0], a.label_names)[0]
    assert set(row) == {"label", "x", "y", "width", "height"}
    assert not np.array_equal(make_scenes(1, seed=6).images, make_scenes(1, seed=7).images)
