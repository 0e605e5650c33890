"""Run an exported ONNX classifier the way a device does: numpy, Pillow and onnxruntime only."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

import numpy as np
import onnxruntime as ort

from pipelines.frames import decode_resize

# metadata_props keys written by pipelines.export: the artifact carries its own preprocessing.
META_LABELS = "acusight.labels"
META_MEAN = "acusight.mean"
META_STD = "acusight.std"
META_SCALE = "acusight.scale"
META_IMAGE_SIZE = "acusight.image_size"
META_LAYOUT = "acusight.layout"
META_PRECISION = "acusight.precision"


def preprocess(
    images: np.ndarray, mean: Sequence[float], std: Sequence[float], scale: float = 255.0
) -> np.ndarray:
    """uint8 [N, H, W, 3] -> float32 [N, 3, H, W], the same arithmetic as model.normalize."""
    x = images.astype(np.float32) / np.float32(scale)
    x = (x - np.asarray(mean, np.float32)) / np.asarray(std, np.float32)
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shifted by the row max for numerical safety."""
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class Predictor:
    """An ONNX classifier plus the preprocessing recorded in its metadata."""

    def __init__(self, onnx_path: str | os.PathLike[str], providers: list[str] | None = None):
        # Providers are explicit: onnxruntime-gpu would otherwise try CUDA and log errors on a
        # machine without it.
        self.session = ort.InferenceSession(
            os.fspath(onnx_path), providers=providers or ["CPUExecutionProvider"]
        )
        meta = self.session.get_modelmeta().custom_metadata_map
        missing = [k for k in (META_LABELS, META_MEAN, META_STD, META_IMAGE_SIZE) if k not in meta]
        if missing:
            raise ValueError(f"{onnx_path}: not an Acusight export, metadata lacks {missing}")
        if meta.get("acusight.task", "classification") != "classification":
            raise ValueError(f"{onnx_path}: a {meta['acusight.task']} model, not a classifier")
        self.labels: list[str] = json.loads(meta[META_LABELS])
        self.mean: list[float] = json.loads(meta[META_MEAN])
        self.std: list[float] = json.loads(meta[META_STD])
        self.scale = float(meta.get(META_SCALE, "255"))
        self.image_size = int(meta[META_IMAGE_SIZE])
        model_input = self.session.get_inputs()[0]
        self.input_name: str = model_input.name
        batch_dim = model_input.shape[0]
        # A fixed-batch export takes exactly that many images per run.
        self.max_batch: int | None = batch_dim if isinstance(batch_dim, int) else None

    def load_images(self, images: Sequence[bytes | np.ndarray]) -> np.ndarray:
        """Encoded bytes are decoded as a dataset freeze does; arrays must be packed-size uint8."""
        size = self.image_size
        arrays = [decode_resize(im, size) if isinstance(im, bytes) else im for im in images]
        for arr in arrays:
            if arr.dtype != np.uint8 or arr.shape != (size, size, 3):
                raise ValueError(f"expected uint8 {(size, size, 3)}, got {arr.dtype} {arr.shape}")
        return np.stack(arrays) if arrays else np.zeros((0, size, size, 3), np.uint8)

    def preprocess(self, images: np.ndarray) -> np.ndarray:
        """uint8 [N, H, W, 3] -> the float32 [N, 3, H, W] input this model was trained on."""
        return preprocess(images, self.mean, self.std, self.scale)

    def logits(self, images: np.ndarray, batch_size: int = 64) -> np.ndarray:
        """float32 logits [N, num_classes] for uint8 [N, H, W, 3] images."""
        step = self.max_batch or batch_size
        outputs = [
            self.session.run(None, {self.input_name: self.preprocess(images[i : i + step])})[0]
            for i in range(0, len(images), step)
        ]
        if not outputs:
            return np.zeros((0, len(self.labels)), np.float32)
        return np.concatenate(outputs).astype(np.float32)

    def predict(self, images: Sequence[bytes | np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """(class indices int64 [N], probabilities float32 [N, num_classes])."""
        probabilities = softmax(self.logits(self.load_images(images)))
        return probabilities.argmax(axis=1).astype(np.int64), probabilities
