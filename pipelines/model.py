"""A small ResNet-style CNN family in plain torch, its input normalisation and checkpoint format."""

from __future__ import annotations

import functools
import os
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# The one place the input normalisation lives. It is written into every checkpoint and ONNX
# artifact, so a device reproduces preprocessing from the artifact, not from this source file.
MEAN: tuple[float, float, float] = (0.485, 0.456, 0.406)
STD: tuple[float, float, float] = (0.229, 0.224, 0.225)
CHECKPOINT_FILE = "model.pt"
CHECKPOINT_VERSION = 1


@dataclass(frozen=True)
class ModelConfig:
    """Shape of the network: `stages` stages of `depth` residual blocks, width doubling per stage."""

    num_classes: int
    width: int = 32
    depth: int = 1
    stages: int = 3
    in_channels: int = 3
    # 2 halves the resolution in the stem: cheap insurance for inputs of 96 px and more.
    stem_stride: int = 1


class BasicBlock(nn.Module):
    """Two 3x3 convs with a residual connection (He et al. 2015), projection when shapes change."""

    def __init__(self, c_in: int, c_out: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or c_in != c_out:
            self.shortcut = nn.Sequential(
                nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out)
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    """Stem, stages of BasicBlocks (stride 2 between stages), global average pool, linear head."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        w = config.width
        self.stem = nn.Sequential(
            nn.Conv2d(config.in_channels, w, 3, config.stem_stride, 1, bias=False),
            nn.BatchNorm2d(w),
            nn.ReLU(inplace=True),
        )
        blocks: list[nn.Module] = []
        c_in = w
        for stage in range(config.stages):
            c_out = w * 2**stage
            for i in range(config.depth):
                stride = 2 if stage > 0 and i == 0 else 1
                blocks.append(BasicBlock(c_in, c_out, stride))
                c_in = c_out
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Linear(c_in, config.num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        # Zero-init the last BN of each block: every block starts as the identity, which trains
        # faster and more stably (Goyal et al. 2017).
        for m in self.modules():
            if isinstance(m, BasicBlock):
                nn.init.zeros_(m.bn2.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: [B, C, H, W] float, normalised -> [B, num_classes] logits
        x = self.blocks(self.stem(x))  # [B, width * 2**(stages-1), H / 2**(stages-1), ...]
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)  # [B, C]
        return self.head(x)


@functools.cache
def _norm_constants(device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    # Made once per device: a fresh torch.tensor(...) per batch is a pageable host-to-device copy,
    # which synchronises the CUDA stream and would stall the training loop every step.
    return torch.tensor(MEAN, device=device), torch.tensor(STD, device=device)


def normalize(images: torch.Tensor) -> torch.Tensor:
    """uint8 [B, H, W, 3] (NHWC, as packed) -> normalised float32 [B, 3, H, W].

    The result has channels_last strides for free: it is a permuted view of NHWC memory.
    """
    mean, std = _norm_constants(images.device)
    x = images.float().div_(255.0).sub_(mean).div_(std)  # broadcasts over the last (C) dim
    return x.permute(0, 3, 1, 2)


def save_checkpoint(
    path: str | os.PathLike[str],
    model: nn.Module,
    config: Any,
    *,
    labels: list[str],
    image_size: int,
    extra: dict[str, Any] | None = None,
) -> None:
    """Write weights plus everything needed to rebuild the model and its preprocessing (``config`` is
    the model's config dataclass; the detector's checkpoints are written here too, with their extra)."""
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    torch.save(
        {
            "version": CHECKPOINT_VERSION,
            "state_dict": state,
            "model_config": asdict(config),
            "labels": list(labels),
            "image_size": image_size,
            "normalization": {"mean": list(MEAN), "std": list(STD), "scale": 255.0},
            **(extra or {}),
        },
        path,
    )


def read_checkpoint(path: str | os.PathLike[str], device: str | torch.device = "cpu") -> dict[str, Any]:
    """A checkpoint's dict, once its format version and normalisation are checked."""
    ckpt: dict[str, Any] = torch.load(path, map_location=device, weights_only=True)
    if ckpt.get("version") != CHECKPOINT_VERSION:
        raise ValueError(f"{path}: unsupported checkpoint version {ckpt.get('version')!r}")
    if tuple(ckpt["normalization"]["mean"]) != MEAN or tuple(ckpt["normalization"]["std"]) != STD:
        # normalize() uses the module constants; a checkpoint from other constants would be fed
        # differently-scaled inputs without any error.
        raise ValueError(f"{path}: normalisation {ckpt['normalization']} differs from {MEAN, STD}")
    return ckpt


def load_checkpoint(
    path: str | os.PathLike[str], device: str | torch.device = "cpu"
) -> tuple[ResNet, dict[str, Any]]:
    """Rebuild the model (eval mode, on `device`) and return it with the checkpoint dict."""
    ckpt = read_checkpoint(path, device)
    model = ResNet(ModelConfig(**ckpt["model_config"])).to(device)
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    return model, ckpt


@torch.inference_mode()
def predict_logits(
    model: nn.Module,
    images: Any,
    *,
    device: str | torch.device = "cpu",
    batch_size: int = 256,
) -> torch.Tensor:
    """Logits [N, num_classes] (float32, on CPU) for uint8 NHWC images (ndarray or tensor)."""
    model.eval()
    outputs = []
    for start in range(0, len(images), batch_size):
        batch = images[start : start + batch_size]
        if isinstance(batch, np.ndarray):
            batch = torch.from_numpy(np.array(batch))  # a copy: memmaps are read-only
        batch = batch.to(device)
        outputs.append(model(normalize(batch)).float().cpu())
    if not outputs:
        return torch.empty(0, model.head.out_features)
    return torch.cat(outputs)
