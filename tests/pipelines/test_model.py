"""Model family shapes, input normalisation, checkpoint roundtrip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from pipelines.model import (
    MEAN,
    STD,
    ModelConfig,
    ResNet,
    load_checkpoint,
    normalize,
    predict_logits,
    save_checkpoint,
)


@pytest.mark.parametrize(
    ("config", "size"),
    [
        (ModelConfig(num_classes=10), 32),
        (ModelConfig(num_classes=3, width=8, depth=2, stages=2), 16),
        (ModelConfig(num_classes=5, width=8, stages=4, stem_stride=2), 64),
    ],
)
def test_logits_shape(config: ModelConfig, size: int) -> None:
    model = ResNet(config).eval()
    out = model(torch.randn(4, 3, size, size))
    assert out.shape == (4, config.num_classes)


def test_normalize_layout_and_values() -> None:
    images = torch.randint(0, 256, (2, 5, 7, 3), dtype=torch.uint8)
    x = normalize(images)
    assert x.shape == (2, 3, 5, 7) and x.dtype == torch.float32
    assert x.is_contiguous(memory_format=torch.channels_last)
    expected = (images[1, 4, 6, 2].item() / 255 - MEAN[2]) / STD[2]
    assert x[1, 2, 4, 6].item() == pytest.approx(expected, abs=1e-6)


def test_checkpoint_roundtrip(tmp_path: Path) -> None:
    config = ModelConfig(num_classes=3, width=8, stages=2)
    model = ResNet(config)
    model.eval()
    save_checkpoint(tmp_path / "m.pt", model, config, labels=["a", "b", "c"], image_size=16)
    loaded, ckpt = load_checkpoint(tmp_path / "m.pt")
    assert ckpt["labels"] == ["a", "b", "c"] and ckpt["image_size"] == 16
    assert ckpt["normalization"] == {"mean": list(MEAN), "std": list(STD), "scale": 255.0}
    images = np.random.default_rng(0).integers(0, 256, (5, 16, 16, 3), dtype=np.uint8)
    torch.testing.assert_close(predict_logits(loaded, images, batch_size=2), predict_logits(model, images))
