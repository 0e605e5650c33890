"""Detection training: the classifier's recipe (pipelines/train.py) with boxes.

Same machinery: seeds, optional DDP under torchrun (`run_distributed`), the whole split resident
on the device as uint8 with its boxes padded to one [N, M, 4] tensor, batches as index slices,
augmentation as batched tensor ops on the device; on CUDA, bf16 autocast (fp16 with loss scaling
where bf16 is missing) and channels_last. What differs: the loss (loss.py), box-aware
augmentation, and the end-of-training validation mAP (COCO, evaluate.py) instead of accuracy.
"""

from __future__ import annotations

import csv
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from pipelines.common import from_params, params_section, write_json
from pipelines.dataset import load_detection_split, read_meta
from pipelines.detection.boxes import predict
from pipelines.detection.data import clean_boxes, pad_targets
from pipelines.detection.evaluate import coco_evaluate
from pipelines.detection.loss import detection_loss
from pipelines.detection.model import CHECKPOINT_FILE, Detector, DetectorConfig, save_detector
from pipelines.model import normalize
from pipelines.train import (
    HISTORY_FILE,
    METRICS_FILE,
    Progress,
    _all_sum,
    _build_optimizer,
    _build_schedule,
    _Dist,
    _set_seeds,
    _sync,
    _to_device,
    place_model,
    rank_steps,
    run_distributed,
)

HISTORY_FIELDS = (
    "epoch",
    "train_loss",
    "train_cls_loss",
    "train_box_loss",
    "val_loss",
    "lr",
    "images_per_second",
)
# After augmentation a box is kept only if this much of its area is still in the frame: a digit
# cut in half is no longer a fair example of its class.
MIN_VISIBLE = 0.6


@dataclass(frozen=True)
class DetectParams:
    """The `detect:` section of params.yaml (training and evaluating detectors); defaults are the
    file's values (tests/pipelines/test_params.py holds them equal)."""

    epochs: int = 40
    batch_size: int = 32  # global: split across torchrun ranks
    optimizer: str = "adamw"  # adamw | sgd
    lr: float = 3e-3
    weight_decay: float = 5e-4
    momentum: float = 0.9  # sgd only
    schedule: str = "onecycle"  # onecycle | cosine
    width: int = 16
    depth: int = 1
    stages: int = 3
    fpn_levels: int = 3
    fpn_channels: int = 64
    head_convs: int = 2
    seed: int = 0
    # Horizontal flips: off by default because they change the class of digits and text.
    flip: bool = False
    # Random zoom by a factor in [1 - scale_jitter, 1 + scale_jitter] about the frame's centre.
    scale_jitter: float = 0.2
    # Random shift by up to this fraction of the frame, each axis.
    translate: float = 0.1
    # Post-processing, for validation here and for the evaluate stage.
    score_threshold: float = 0.05
    nms_iou_threshold: float = 0.6
    max_detections: int = 100
    eval_batch_size: int = 64
    device: str = "auto"
    threads: int = 0

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size", "width", "depth", "stages", "fpn_levels", "fpn_channels"):
            if getattr(self, name) < 1:
                raise ValueError(f"detect.{name} must be >= 1, got {getattr(self, name)}")
        if self.max_detections < 1 or self.eval_batch_size < 1 or self.threads < 0 or self.head_convs < 0:
            raise ValueError("detect: max_detections, eval_batch_size >= 1; threads, head_convs >= 0")
        if not 0 <= self.scale_jitter < 1 or not 0 <= self.translate < 1:
            raise ValueError(f"detect.scale_jitter and translate must be in [0, 1), got {self}")
        if not 0 <= self.score_threshold < 1 or not 0 < self.nms_iou_threshold <= 1:
            raise ValueError(f"detect: score_threshold in [0, 1), nms_iou_threshold in (0, 1], got {self}")


def augment_boxes(
    images: torch.Tensor,
    boxes: torch.Tensor,
    labels: torch.Tensor,
    *,
    scale_jitter: float,
    translate: float,
    flip: bool,
    generator: torch.Generator,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Random zoom, shift and optional mirror of a normalised batch [B, 3, S, S], boxes moved alike.

    One affine_grid + grid_sample for the whole batch (per-image parameters, no Python per image).
    Uncovered borders read 0, which after normalisation is the mean colour. Boxes [B, M, 4]
    (fractions) are transformed, clipped to the frame, and dropped (label -1) when less than
    MIN_VISIBLE of their area is left.
    """
    b = images.shape[0]
    dev = images.device
    ones = torch.ones(b, device=dev)
    scale = 1 + (2 * torch.rand(b, device=dev, generator=generator) - 1) * scale_jitter
    shift = (2 * torch.rand(b, 2, device=dev, generator=generator) - 1) * translate * 2  # in [-1, 1] units
    mirror = torch.where(torch.rand(b, device=dev, generator=generator) < 0.5, -ones, ones) if flip else ones
    # Forward map in [-1, 1] coordinates: new = scale * (mirror * old) + shift. affine_grid wants
    # the inverse (output -> input): old = mirror * (new - shift) / scale.
    theta = torch.zeros(b, 2, 3, device=dev)
    theta[:, 0, 0] = mirror / scale
    theta[:, 0, 2] = -mirror * shift[:, 0] / scale
    theta[:, 1, 1] = 1 / scale
    theta[:, 1, 2] = -shift[:, 1] / scale
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    out = F.grid_sample(
        images, grid.to(images.dtype), mode="bilinear", padding_mode="zeros", align_corners=False
    )

    v = boxes * 2 - 1  # [B, M, 4] in [-1, 1]
    x = mirror[:, None, None] * v[..., 0::2]  # x1, x2 (swapped by a mirror)
    x = torch.stack([x.min(-1).values, x.max(-1).values], -1)
    x = scale[:, None, None] * x + shift[:, 0, None, None]
    y = scale[:, None, None] * v[..., 1::2] + shift[:, 1, None, None]
    moved = (torch.stack([x[..., 0], y[..., 0], x[..., 1], y[..., 1]], -1) + 1) / 2
    clipped = moved.clamp(0, 1)

    def area(t: torch.Tensor) -> torch.Tensor:
        return (t[..., 2] - t[..., 0]).clamp(min=0) * (t[..., 3] - t[..., 1]).clamp(min=0)

    visible = area(clipped) >= MIN_VISIBLE * area(moved).clamp(min=1e-12)
    keep = (labels >= 0) & visible & (area(clipped) > 0)
    return out, clipped, torch.where(keep, labels, torch.full_like(labels, -1))


def train_detector(
    params: dict[str, Any],
    data_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    device: str = "auto",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train a detector on `data_dir`'s train split; write model.pt, metrics.json, history.csv.

    `params` is params.yaml's mapping or its `detect` section; otherwise as pipelines.train.train.
    """
    p = from_params(DetectParams, params_section(params, "detect"))
    meta = read_meta(data_dir)
    return run_distributed(
        device if device != "auto" else p.device,
        p.threads,
        lambda dev, env: _train(p, meta, Path(data_dir), Path(out_dir), dev, env, progress),
    )


def _load(data_dir: Path, split: str) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    images, boxes, labels = load_detection_split(data_dir, split)
    cleaned = [clean_boxes(b, k) for b, k in zip(boxes, labels, strict=True)]
    return images, [b for b, _ in cleaned], [k for _, k in cleaned]


@torch.no_grad()
def _val_loss(
    model: nn.Module,
    x: torch.Tensor,
    boxes: torch.Tensor,
    labels: torch.Tensor,
    *,
    batch_size: int,
    env: _Dist,
    amp: torch.dtype | None,
) -> float | None:
    if len(x) == 0:
        return None
    model.train(False)
    size = x.shape[1]
    sums = torch.zeros(2, device=x.device, dtype=torch.float64)
    shard = torch.arange(env.rank, len(x), env.world_size, device=x.device)
    for start in range(0, len(shard), batch_size):
        idx = shard[start : start + batch_size]
        with torch.autocast(x.device.type, dtype=amp or torch.bfloat16, enabled=amp is not None):
            raw = model.raw(normalize(x[idx]))
        loss = detection_loss(raw, boxes[idx] * size, labels[idx]).total
        sums[0] += loss * len(idx)
        sums[1] += len(idx)
    total, count = _all_sum(sums, env).tolist()
    return total / count


def _train(
    p: DetectParams,
    meta: dict[str, Any],
    data_dir: Path,
    out_dir: Path,
    dev: torch.device,
    env: _Dist,
    progress: Progress | None,
) -> dict[str, Any]:
    _set_seeds(p.seed)
    cuda = dev.type == "cuda"
    # bf16 needs no loss scaling; older GPUs without it get fp16 and a GradScaler.
    amp = (torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16) if cuda else None
    scaler = torch.amp.GradScaler("cuda", enabled=amp == torch.float16)
    train_np, train_boxes, train_labels = _load(data_dir, "train")
    val_np, val_boxes, val_labels = _load(data_dir, "val")
    if not any(len(b) for b in train_boxes):
        raise ValueError(f"{data_dir}: the train split has no boxes (of non-zero area); nothing to learn")
    if len(train_np) < env.world_size:
        raise ValueError(f"{data_dir}: {len(train_np)} training images for {env.world_size} ranks")
    size = int(meta["image_size"])
    x_train = _to_device(train_np, dev)
    b_train, y_train = pad_targets(train_boxes, train_labels, dev)
    x_val = _to_device(val_np, dev)
    b_val, y_val = pad_targets(val_boxes, val_labels, dev)

    config = DetectorConfig(
        num_classes=len(meta["labels"]),
        width=p.width,
        depth=p.depth,
        stages=p.stages,
        fpn_levels=p.fpn_levels,
        fpn_channels=p.fpn_channels,
        head_convs=p.head_convs,
    )
    model, net = place_model(Detector(config), env, dev)
    local_batch, n, steps = rank_steps(len(x_train), p.batch_size, env.world_size)
    optimizer = _build_optimizer(model, p)
    schedule = _build_schedule(optimizer, p, p.epochs * steps)
    perm_gen = torch.Generator().manual_seed(p.seed)
    aug_gen = torch.Generator(device=dev).manual_seed(p.seed * 1000 + env.rank)
    augmenting = p.flip or p.scale_jitter > 0 or p.translate > 0

    history: list[dict[str, Any]] = []
    train_seconds = 0.0
    timed_images = 0
    start_all = time.perf_counter()
    for epoch in range(1, p.epochs + 1):
        net.train()
        perm = torch.randperm(len(x_train), generator=perm_gen)[:n].to(dev)
        shard = perm[env.rank :: env.world_size]
        sums = torch.zeros(4, device=dev, dtype=torch.float64)  # loss, cls, box, images
        _sync(dev)
        t0 = time.perf_counter()
        for step in range(steps):
            idx = shard[step * local_batch : (step + 1) * local_batch]
            xb, bb, yb = normalize(x_train[idx]), b_train[idx], y_train[idx]
            if augmenting:
                xb, bb, yb = augment_boxes(
                    xb,
                    bb,
                    yb,
                    scale_jitter=p.scale_jitter,
                    translate=p.translate,
                    flip=p.flip,
                    generator=aug_gen,
                )
            if cuda:
                xb = xb.contiguous(memory_format=torch.channels_last)
            with torch.autocast(dev.type, dtype=amp or torch.bfloat16, enabled=amp is not None):
                raw = net(xb)
            # The loss in float32, outside autocast: assignment compares pixel distances.
            parts = detection_loss(raw, bb * size, yb)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(parts.total).backward()
            scaler.step(optimizer)
            scaler.update()
            schedule.step()
            sums[0] += parts.total.detach() * len(idx)
            sums[1] += parts.classification * len(idx)
            sums[2] += parts.box * len(idx)
            sums[3] += len(idx)
        _sync(dev)
        epoch_seconds = time.perf_counter() - t0
        loss_sum, cls_sum, box_sum, count = _all_sum(sums, env).tolist()
        if epoch > 1 or p.epochs == 1:
            train_seconds += epoch_seconds
            timed_images += int(count)
        val = _val_loss(model, x_val, b_val, y_val, batch_size=p.eval_batch_size, env=env, amp=amp)
        row = {
            "epoch": epoch,
            "train_loss": loss_sum / count,
            "train_cls_loss": cls_sum / count,
            "train_box_loss": box_sum / count,
            "val_loss": val,
            "lr": optimizer.param_groups[0]["lr"],
            "images_per_second": count / epoch_seconds,
        }
        history.append(row)
        if env.is_main and progress is not None:
            progress(epoch, p.epochs, dict(row))

    last = history[-1]
    metrics: dict[str, Any] = {
        "train_loss": last["train_loss"],
        "val_loss": last["val_loss"],
        "val_map": None,
        "val_map50": None,
        "epochs": p.epochs,
        "images_per_second": timed_images / train_seconds,
        "device": dev.type,
        "world_size": env.world_size,
        "num_train_images": len(x_train),
        "num_val_images": len(x_val),
    }
    if env.is_main:
        model.eval()
        if any(len(b) for b in val_boxes):
            detections = predict(
                model,
                x_val,
                score_threshold=p.score_threshold,
                iou_threshold=p.nms_iou_threshold,
                max_detections=p.max_detections,
                device=dev,
                batch_size=p.eval_batch_size,
            )
            scores = coco_evaluate(val_boxes, val_labels, detections, list(meta["labels"]), size)
            metrics["val_map"], metrics["val_map50"] = scores["map"], scores["map50"]
        metrics["train_seconds"] = time.perf_counter() - start_all
        out_dir.mkdir(parents=True, exist_ok=True)
        save_detector(
            out_dir / CHECKPOINT_FILE,
            model,
            config,
            labels=list(meta["labels"]),
            image_size=size,
            extra={"train_params": asdict(p), "metrics": metrics},
        )
        write_json(out_dir / METRICS_FILE, metrics)
        with open(out_dir / HISTORY_FILE, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=HISTORY_FIELDS, lineterminator="\n")
            writer.writeheader()
            writer.writerows({k: ("" if v is None else v) for k, v in r.items()} for r in history)
    else:
        metrics["train_seconds"] = time.perf_counter() - start_all
    return metrics
