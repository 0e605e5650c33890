"""A small one-stage, anchor-free detector (FCOS-style points, GFL-style quality scores) in plain torch.

CONTRACT (ONNX export, device clients and evaluation build on it):

* Input: normalised float32 ``[B, 3, S, S]``, exactly as the classifier's input:
  ``pipelines.model.normalize`` of uint8 RGB NHWC frames (``(x / 255 - MEAN) / STD``). The constants
  are written into every checkpoint (``"normalization"``); ``S`` is the checkpoint's ``"image_size"``.
* ``eval()`` mode, ``forward(x)`` returns the DECODED, PRE-NMS tuple
  ``(boxes [B, N, 4] float32, scores [B, N, C] float32)``: boxes are ``x1, y1, x2, y2`` as fractions
  (0-1, clamped) of the input's width and height, one per feature-map point of every pyramid level;
  scores are independent per-class probabilities in [0, 1] (sigmoids, not a softmax: a point may
  score for no class). ``N = sum((S / stride) ** 2)`` over ``config.strides``. The score already
  folds in box quality (it is trained to predict the IoU of its own box), so ranking by it needs no
  separate centerness. No data-dependent Python control flow: traceable by torch.onnx (dynamo) with
  a dynamic batch axis. Score threshold, class-wise NMS and top-K come after (boxes.py, or inside
  the exported graph).
* ``train()`` mode, ``forward(x)`` returns the raw :class:`RawOutput` the losses need instead.

The checkpoint (:func:`save_detector`) holds ``model_config`` (a :class:`DetectorConfig`), so
:func:`load_detector` rebuilds the network without this module's defaults.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from pipelines.model import BasicBlock, read_checkpoint, save_checkpoint

CHECKPOINT_FILE = "model.pt"
TASK_TYPE = "detection"
# Box sides are predicted as exp(raw) * stride; the clamp keeps an untrained head from overflowing
# bf16/fp16 (exp(8) * 32 px is far beyond any frame).
MAX_LOG_DISTANCE = 8.0
# Initial score of every point (focal-loss prior, Lin et al. 2017): starting near 0.01 keeps the
# ~all-background first steps from swamping the loss.
PRIOR_PROBABILITY = 0.01


@dataclass(frozen=True)
class DetectorConfig:
    """Shape of the network.

    Backbone: a stride-2 stem, then `stages` stages of `depth` residual blocks, each stage halving
    the resolution and doubling the width, so stage i has stride 2 ** (i + 2): 4, 8, 16, 32, ...
    The feature pyramid takes the last `fpn_levels` stages; a shared head of `head_convs` convs
    predicts classes and box sides at every point of every level.
    """

    num_classes: int
    width: int = 16
    depth: int = 1
    stages: int = 3
    fpn_levels: int = 3
    fpn_channels: int = 64
    head_convs: int = 2
    in_channels: int = 3

    def __post_init__(self) -> None:
        if self.num_classes < 1:
            raise ValueError(f"num_classes must be >= 1, got {self.num_classes}")
        if not 1 <= self.fpn_levels <= self.stages:
            raise ValueError(f"fpn_levels must be in [1, stages={self.stages}], got {self.fpn_levels}")
        for name in ("width", "depth", "fpn_channels"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.head_convs < 0:
            raise ValueError(f"head_convs must be >= 0, got {self.head_convs}")

    @property
    def strides(self) -> tuple[int, ...]:
        """Pixel stride of each pyramid level, finest first."""
        return tuple(2 ** (i + 2) for i in range(self.stages - self.fpn_levels, self.stages))

    def num_points(self, image_size: int) -> int:
        """N of the eval output for an `image_size` input (ceil: a conv of stride 2 rounds up)."""
        return sum(math.ceil(image_size / s) ** 2 for s in self.strides)


class RawOutput(NamedTuple):
    """Training-mode output: everything per point, levels concatenated finest first."""

    logits: torch.Tensor  # [B, N, C] class logits
    distances: torch.Tensor  # [B, N, 4] left, top, right, bottom distances, input pixels
    points: torch.Tensor  # [N, 2] x, y centre of each point, input pixels
    strides: torch.Tensor  # [N] stride of each point's level


def _conv_bn(c_in: int, c_out: int, k: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, k, stride, k // 2, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)
    )


def _conv_gn(channels: int) -> nn.Sequential:
    # GroupNorm in the head, not BatchNorm: the head is shared by levels whose statistics differ,
    # and GN does not depend on the (small, per-rank) batch.
    return nn.Sequential(
        nn.Conv2d(channels, channels, 3, 1, 1, bias=False),
        nn.GroupNorm(math.gcd(8, channels), channels),
        nn.ReLU(inplace=True),
    )


class Detector(nn.Module):
    """Backbone (ResNet BasicBlocks) -> top-down feature pyramid -> shared anchor-free head."""

    def __init__(self, config: DetectorConfig) -> None:
        super().__init__()
        self.config = config
        w = config.width
        self.stem = _conv_bn(config.in_channels, w, 3, 2)
        stages: list[nn.Module] = []
        c_in = w
        widths = []
        for i in range(config.stages):
            c_out = w * 2**i
            blocks = [BasicBlock(c_in, c_out, 2)]
            blocks += [BasicBlock(c_out, c_out, 1) for _ in range(config.depth - 1)]
            stages.append(nn.Sequential(*blocks))
            widths.append(c_out)
            c_in = c_out
        self.stages = nn.ModuleList(stages)
        f = config.fpn_channels
        used = widths[config.stages - config.fpn_levels :]
        self.lateral = nn.ModuleList(nn.Conv2d(c, f, 1) for c in used)
        self.smooth = nn.ModuleList(_conv_bn(f, f, 3) for _ in used)
        self.cls_tower = nn.Sequential(*(_conv_gn(f) for _ in range(config.head_convs)))
        self.box_tower = nn.Sequential(*(_conv_gn(f) for _ in range(config.head_convs)))
        self.cls_out = nn.Conv2d(f, config.num_classes, 3, 1, 1)
        self.box_out = nn.Conv2d(f, 4, 3, 1, 1)
        # One learnable log-scale per level (FCOS): the shared head's box output means "strides",
        # and each level may still stretch it.
        self.level_scale = nn.Parameter(torch.zeros(config.fpn_levels))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
        for m in self.modules():
            if isinstance(m, BasicBlock):
                nn.init.zeros_(m.bn2.weight)  # blocks start as the identity (as in pipelines.model)
        nn.init.normal_(self.cls_out.weight, std=0.01)
        nn.init.constant_(self.cls_out.bias, -math.log((1 - PRIOR_PROBABILITY) / PRIOR_PROBABILITY))
        nn.init.normal_(self.box_out.weight, std=0.01)
        # exp(0) * stride: every point starts predicting a box two strides wide, about a typical
        # object at the level that owns it.
        nn.init.zeros_(self.box_out.bias)

    def _pyramid(self, x: torch.Tensor) -> list[torch.Tensor]:
        feats = []
        x = self.stem(x)
        for stage in self.stages:
            x = stage(x)
            feats.append(x)
        feats = feats[len(feats) - self.config.fpn_levels :]
        lat = [conv(f) for conv, f in zip(self.lateral, feats, strict=True)]
        out = [lat[-1]]
        for f in reversed(lat[:-1]):
            out.insert(0, f + F.interpolate(out[0], size=f.shape[-2:], mode="nearest"))
        return [smooth(f) for smooth, f in zip(self.smooth, out, strict=True)]

    def raw(self, x: torch.Tensor) -> RawOutput:
        """Per-point logits and box distances for a normalised batch [B, 3, S, S]."""
        logits, distances, points, strides = [], [], [], []
        for level, (feat, stride) in enumerate(zip(self._pyramid(x), self.config.strides, strict=True)):
            cls = self.cls_out(self.cls_tower(feat))  # [B, C, h, w]
            box = self.box_out(self.box_tower(feat)) + self.level_scale[level]  # [B, 4, h, w]
            h, w = feat.shape[-2:]
            logits.append(cls.flatten(2).transpose(1, 2))
            dist = torch.exp(box.float().clamp(max=MAX_LOG_DISTANCE)) * stride
            distances.append(dist.flatten(2).transpose(1, 2))
            ys = (torch.arange(h, device=x.device, dtype=torch.float32) + 0.5) * stride
            xs = (torch.arange(w, device=x.device, dtype=torch.float32) + 0.5) * stride
            grid_y, grid_x = torch.meshgrid(ys, xs, indexing="ij")
            points.append(torch.stack([grid_x.reshape(-1), grid_y.reshape(-1)], 1))
            strides.append(torch.full((h * w,), float(stride), device=x.device))
        return RawOutput(torch.cat(logits, 1), torch.cat(distances, 1), torch.cat(points), torch.cat(strides))

    def forward(self, x: torch.Tensor) -> RawOutput | tuple[torch.Tensor, torch.Tensor]:
        raw = self.raw(x)
        if self.training:
            return raw
        return decode(raw, x.shape[-1], x.shape[-2])


def decode(raw: RawOutput, width: float, height: float) -> tuple[torch.Tensor, torch.Tensor]:
    """(boxes [B, N, 4] x1, y1, x2, y2 as clamped fractions of the input, scores [B, N, C] in [0, 1])."""
    boxes = distance_to_box(raw.points, raw.distances)
    scale = boxes.new_tensor([width, height, width, height])
    return (boxes / scale).clamp(0.0, 1.0), torch.sigmoid(raw.logits.float())


def distance_to_box(points: torch.Tensor, distances: torch.Tensor) -> torch.Tensor:
    """Points [N, 2] and left/top/right/bottom distances [..., N, 4] -> x1, y1, x2, y2 [..., N, 4]."""
    return torch.cat([points - distances[..., :2], points + distances[..., 2:]], -1)


def save_detector(
    path: str | os.PathLike[str],
    model: nn.Module,
    config: DetectorConfig,
    *,
    labels: list[str],
    image_size: int,
    extra: dict[str, Any] | None = None,
) -> None:
    """Write weights plus everything needed to rebuild the detector and its preprocessing."""
    outputs = {"boxes": "x1,y1,x2,y2 fractions of the input", "scores": "per-class sigmoid"}
    save_checkpoint(
        path,
        model,
        config,
        labels=labels,
        image_size=image_size,
        extra={"task_type": TASK_TYPE, "outputs": outputs, **(extra or {})},
    )


def load_detector(
    path: str | os.PathLike[str], device: str | torch.device = "cpu"
) -> tuple[Detector, dict[str, Any]]:
    """Rebuild the detector (eval mode, on `device`) and return it with the checkpoint dict."""
    ckpt = read_checkpoint(path, device)
    if ckpt.get("task_type") != TASK_TYPE:
        raise ValueError(f"{path}: not a detection checkpoint (task_type {ckpt.get('task_type')!r})")
    model = Detector(DetectorConfig(**ckpt["model_config"])).to(device)
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    return model, ckpt
