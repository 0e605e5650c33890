"""predict.py, the device-side runner, agrees with PyTorch from raw image bytes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from pipelines.dataset import load_split
from pipelines.model import MEAN, STD, load_checkpoint, normalize, predict_logits
from pipelines.predict import Predictor, preprocess
from tests.pipelines.helpers import TINY_LABELS, png_bytes


def test_preprocess_matches_training() -> None:
    images = np.random.default_rng(0).integers(0, 256, (3, 8, 8, 3), dtype=np.uint8)
    np.testing.assert_allclose(
        preprocess(images, MEAN, STD), normalize(torch.from_numpy(images)).numpy(), atol=1e-6
    )


def test_predictor_matches_torch(tiny_onnx: tuple[Path, dict], tiny_model: Path, tiny_dataset: Path) -> None:
    predictor = Predictor(tiny_onnx[0])
    assert predictor.labels == TINY_LABELS and predictor.image_size == 16
    images, _ = load_split(tiny_dataset, "test")
    model, _ = load_checkpoint(tiny_model / "model.pt")
    expected = torch.softmax(predict_logits(model, images), 1).numpy()

    # As a device sends them: encoded files, not packed arrays.
    indices, probabilities = predictor.predict([png_bytes(np.array(im)) for im in images])
    np.testing.assert_array_equal(indices, expected.argmax(1))
    np.testing.assert_allclose(probabilities, expected, atol=1e-5)
    # Already-decoded arrays take the same path.
    np.testing.assert_array_equal(predictor.predict(list(images))[0], indices)
