"""Train stage: whole split resident on the device, on-device augmentation, optional DDP."""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from pipelines.common import from_params, load_params, params_section, resolve_device, write_json
from pipelines.dataset import load_split, read_meta
from pipelines.model import CHECKPOINT_FILE, ModelConfig, ResNet, normalize, save_checkpoint

METRICS_FILE = "metrics.json"
HISTORY_FILE = "history.csv"
HISTORY_FIELDS = (
    "epoch",
    "train_loss",
    "train_accuracy",
    "val_loss",
    "val_accuracy",
    "lr",
    "images_per_second",
)

Progress = Callable[[int, int, dict[str, Any]], None]
# Under `dvc repro` the only channel back to the caller is stdout: with this set to 1, main()
# prints one `progress {json}` line per epoch (flows.training forwards them to the API).
PROGRESS_ENV = "ACUSIGHT_PROGRESS"
PROGRESS_PREFIX = "progress "


class UnsupportedTaskError(NotImplementedError):
    """The dataset's task type has no training recipe yet."""


@dataclass(frozen=True)
class TrainParams:
    """The `train:` section of params.yaml. A key left out of the section given takes the default here,
    which is params.yaml's own value (tests/pipelines/test_params.py holds them equal): the recipe is
    the file's, and this module still runs without it."""

    epochs: int = 15
    # Global batch: split evenly across DDP ranks, so the recipe does not change with GPU count.
    batch_size: int = 64
    optimizer: str = "adamw"  # adamw | sgd
    lr: float = 5e-3  # peak learning rate of the schedule
    weight_decay: float = 5e-4
    momentum: float = 0.9  # sgd only
    schedule: str = "onecycle"  # onecycle | cosine
    label_smoothing: float = 0.1
    width: int = 16
    depth: int = 1
    stages: int = 3
    stem_stride: int = 1
    seed: int = 0
    # Horizontal flips: off by default because they change the class of digits and text.
    flip: bool = False
    # Random translation by up to this many pixels (zero padding + random crop).
    translate: int = 2
    eval_batch_size: int = 512
    device: str = "auto"
    # CPU threads of this process; 0 = torch's default (all cores, shared among local ranks).
    # 1 is much faster on a busy shared machine: OpenMP barriers stall on descheduled threads.
    threads: int = 0

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size", "width", "depth", "stages", "eval_batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"train.{name} must be >= 1, got {getattr(self, name)}")
        if self.threads < 0:
            raise ValueError(f"train.threads must be >= 0, got {self.threads}")
        if self.translate < 0:
            raise ValueError(f"train.translate must be >= 0, got {self.translate}")
        if not 0 <= self.label_smoothing < 1:
            raise ValueError(f"train.label_smoothing must be in [0, 1), got {self.label_smoothing}")


@dataclass(frozen=True)
class _Dist:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    local_world_size: int = 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


@contextlib.contextmanager
def _distributed(device_type: str) -> Iterator[_Dist]:
    """Join the torchrun process group when RANK/WORLD_SIZE are set; otherwise one process."""
    if "RANK" not in os.environ or "WORLD_SIZE" not in os.environ:
        yield _Dist()
        return
    env = _Dist(
        rank=int(os.environ["RANK"]),
        world_size=int(os.environ["WORLD_SIZE"]),
        local_rank=int(os.environ.get("LOCAL_RANK", "0")),
        local_world_size=int(os.environ.get("LOCAL_WORLD_SIZE", os.environ["WORLD_SIZE"])),
    )
    owned = not dist.is_initialized()
    if owned:
        dist.init_process_group(backend="nccl" if device_type == "cuda" else "gloo")
    try:
        yield env
    finally:
        if owned:
            dist.destroy_process_group()


def _to_device(images: np.ndarray, device: torch.device, chunk: int = 4096) -> torch.Tensor:
    """Copy a (memory-mapped) uint8 array to the device in chunks: no full host-side copy."""
    out = torch.empty(images.shape, dtype=torch.uint8, device=device)
    for start in range(0, len(images), chunk):
        out[start : start + chunk].copy_(torch.from_numpy(np.array(images[start : start + chunk])))
    return out


def augment(images: torch.Tensor, *, translate: int, flip: bool, generator: torch.Generator) -> torch.Tensor:
    """Random translation and optional horizontal flip of uint8 [B, H, W, C], as one gather.

    Everything is tensor ops on the images' device: no per-image Python work.
    """
    b, h, w, _ = images.shape
    dev = images.device
    rows = torch.arange(h, device=dev).expand(b, h)  # [B, H]
    cols = torch.arange(w, device=dev).expand(b, w)  # [B, W]
    if flip:
        mirrored = torch.rand(b, device=dev, generator=generator) < 0.5
        cols = torch.where(mirrored[:, None], cols.flip(1), cols)
    if translate > 0:
        # Pad H and W (F.pad lists dims from the last: C, W, H), then pick a random window.
        images = F.pad(images, (0, 0, translate, translate, translate, translate))
        span = 2 * translate + 1
        rows = rows + torch.randint(0, span, (b, 1), device=dev, generator=generator)
        cols = cols + torch.randint(0, span, (b, 1), device=dev, generator=generator)
    if not flip and translate <= 0:
        return images
    batch = torch.arange(b, device=dev)[:, None, None]
    return images[batch, rows[:, :, None], cols[:, None, :]]  # [B, H, W, C]


class OptimizerParams(Protocol):
    """What the optimizer and schedule builders read: TrainParams and detection's DetectParams."""

    @property
    def optimizer(self) -> str: ...
    @property
    def lr(self) -> float: ...
    @property
    def weight_decay(self) -> float: ...
    @property
    def momentum(self) -> float: ...
    @property
    def schedule(self) -> str: ...


def _build_optimizer(model: nn.Module, p: OptimizerParams) -> torch.optim.Optimizer:
    # No weight decay on BN parameters and biases: decaying them only hurts (standard practice).
    decay = [t for t in model.parameters() if t.ndim > 1]
    no_decay = [t for t in model.parameters() if t.ndim <= 1]
    groups = [
        {"params": decay, "weight_decay": p.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    # fused: one kernel for the whole update on CUDA, where a small model's step is otherwise
    # dominated by per-tensor kernel launches.
    fused = next(model.parameters()).device.type == "cuda"
    if p.optimizer == "adamw":
        return torch.optim.AdamW(groups, lr=p.lr, fused=fused)
    if p.optimizer == "sgd":
        return torch.optim.SGD(groups, lr=p.lr, momentum=p.momentum, nesterov=True, fused=fused)
    raise ValueError(f"optimizer must be adamw or sgd, got {p.optimizer!r}")


def _build_schedule(
    optimizer: torch.optim.Optimizer, p: OptimizerParams, total_steps: int
) -> torch.optim.lr_scheduler.LRScheduler:
    """onecycle: linear warm-up from lr/25 over the first quarter, then cosine to 0.

    Written as a LambdaLR because torch's OneCycleLR divides by zero when a tiny dataset gives
    fewer than ~4 steps in all; cosine: cosine from lr to 0, no warm-up.
    """
    if p.schedule not in ("onecycle", "cosine"):
        raise ValueError(f"schedule must be onecycle or cosine, got {p.schedule!r}")
    warmup = max(1, round(0.25 * total_steps)) if p.schedule == "onecycle" else 0

    def factor(step: int) -> float:
        if step < warmup:
            return 0.04 + 0.96 * step / warmup
        progress = (step - warmup) / max(1, total_steps - warmup)
        return 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _all_sum(values: torch.Tensor, env: _Dist) -> torch.Tensor:
    if env.world_size > 1:
        dist.all_reduce(values, op=dist.ReduceOp.SUM)
    return values


@torch.no_grad()
def _evaluate_split(
    model: nn.Module,
    images: torch.Tensor,
    labels: torch.Tensor,
    *,
    batch_size: int,
    env: _Dist,
    autocast: bool,
) -> tuple[float, float] | None:
    """(loss, accuracy) over a device-resident split, each rank scoring a disjoint shard."""
    if len(images) == 0:
        return None
    model.eval()
    sums = torch.zeros(3, device=images.device, dtype=torch.float64)  # loss, correct, count
    shard = torch.arange(env.rank, len(images), env.world_size, device=images.device)
    for start in range(0, len(shard), batch_size):
        idx = shard[start : start + batch_size]
        with torch.autocast(images.device.type, dtype=torch.bfloat16, enabled=autocast):
            logits = model(normalize(images[idx]))
        y = labels[idx]
        sums[0] += F.cross_entropy(logits.float(), y, reduction="sum")
        sums[1] += (logits.argmax(1) == y).sum()
        sums[2] += len(idx)
    loss, correct, count = _all_sum(sums, env).tolist()
    return loss / count, correct / count


M = TypeVar("M", bound=nn.Module)


def place_model(model: M, env: _Dist, dev: torch.device) -> tuple[M, nn.Module]:
    """The model on its device (channels_last on CUDA) and what the steps call: itself, or its DDP
    wrapper when several ranks train."""
    cuda = dev.type == "cuda"
    model = model.to(dev)
    if cuda:
        model = model.to(memory_format=torch.channels_last)
    net: nn.Module = model
    if env.world_size > 1:
        net = DistributedDataParallel(model, device_ids=[dev.index] if cuda else None)
    return model, net


def rank_steps(n_train: int, batch_size: int, world_size: int) -> tuple[int, int, int]:
    """(batch per rank, images used, steps per epoch) for a global ``batch_size``."""
    local_batch = max(1, math.ceil(batch_size / world_size))
    n = n_train - n_train % world_size  # equal shards -> equal steps per rank
    per_rank = n // world_size
    # drop_last keeps BN statistics sane; a split smaller than one batch is one batch.
    return local_batch, n, max(1, per_rank // local_batch)


def _set_seeds(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train(
    params: dict[str, Any],
    data_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    device: str = "auto",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train on `data_dir`'s train split, validate on val; write model.pt, metrics, history.

    `params` is params.yaml's mapping or its `train` section. `device` other than "auto" overrides
    params' device. Under torchrun every rank trains on a disjoint shard of each epoch and only
    rank 0 writes files or calls `progress(epoch, total_epochs, metrics)`. Returns the metrics.
    """
    meta = read_meta(data_dir)
    if meta["task_type"] == "detection":
        # Imported here: pipelines.detection.train builds on this module's helpers.
        from pipelines.detection.train import train_detector

        return train_detector(params, data_dir, out_dir, device=device, progress=progress)
    if meta["task_type"] != "classification":
        raise UnsupportedTaskError(f"unknown task_type {meta['task_type']!r}")
    p = from_params(TrainParams, params_section(params, "train"))
    return run_distributed(
        device if device != "auto" else p.device,
        p.threads,
        lambda dev, env: _train(p, meta, Path(data_dir), Path(out_dir), dev, env, progress),
    )


def run_distributed(
    device: str, threads: int, body: Callable[[torch.device, _Dist], dict[str, Any]]
) -> dict[str, Any]:
    """Run `body(device, env)` inside the torchrun process group (if any) on this rank's device.

    Shared by every training recipe: picks the rank's GPU, turns on cuDNN autotuning, and splits
    the machine's CPU threads among local ranks, restoring torch's thread count afterwards.
    """
    dev = resolve_device(device)
    with _distributed(dev.type) as env:
        if dev.type == "cuda" and env.world_size > 1:
            dev = torch.device("cuda", env.local_rank)
        elif dev.type == "cuda" and dev.index is None:
            dev = torch.device("cuda", torch.cuda.current_device())  # set_device needs an index
        if dev.type == "cuda":
            torch.cuda.set_device(dev)
            torch.backends.cudnn.benchmark = True  # fixed shapes: let cuDNN pick the fastest
        if not threads and env.local_world_size > 1:
            # Ranks on one machine share its cores; without this each would take them all.
            threads = max(1, len(os.sched_getaffinity(0)) // env.local_world_size)
        previous = torch.get_num_threads()
        if threads:
            torch.set_num_threads(threads)
        try:
            return body(dev, env)
        finally:
            torch.set_num_threads(previous)  # train() may run inside a longer-lived process


def _train(
    p: TrainParams,
    meta: dict[str, Any],
    data_dir: Path,
    out_dir: Path,
    dev: torch.device,
    env: _Dist,
    progress: Progress | None,
) -> dict[str, Any]:
    _set_seeds(p.seed)
    cuda = dev.type == "cuda"
    train_np, train_labels_np = load_split(data_dir, "train")
    val_np, val_labels_np = load_split(data_dir, "val")
    if len(train_np) < env.world_size:
        raise ValueError(f"{data_dir}: {len(train_np)} training images for {env.world_size} ranks")
    # The whole split lives on the device as uint8; batches are index slices of it.
    x_train = _to_device(train_np, dev)
    y_train = torch.from_numpy(np.asarray(train_labels_np)).to(dev)
    x_val = _to_device(val_np, dev)
    y_val = torch.from_numpy(np.asarray(val_labels_np)).to(dev)

    config = ModelConfig(
        num_classes=len(meta["labels"]),
        width=p.width,
        depth=p.depth,
        stages=p.stages,
        stem_stride=p.stem_stride,
    )
    model, net = place_model(ResNet(config), env, dev)
    local_batch, n, steps = rank_steps(len(x_train), p.batch_size, env.world_size)
    optimizer = _build_optimizer(model, p)
    schedule = _build_schedule(optimizer, p, p.epochs * steps)
    criterion = nn.CrossEntropyLoss(label_smoothing=p.label_smoothing)
    # Same permutation on every rank (seeded on the CPU), different augmentation per rank.
    perm_gen = torch.Generator().manual_seed(p.seed)
    aug_gen = torch.Generator(device=dev).manual_seed(p.seed * 1000 + env.rank)

    history: list[dict[str, Any]] = []
    train_seconds = 0.0
    timed_images = 0
    start_all = time.perf_counter()
    for epoch in range(1, p.epochs + 1):
        net.train()
        perm = torch.randperm(len(x_train), generator=perm_gen)[:n].to(dev)
        shard = perm[env.rank :: env.world_size]
        sums = torch.zeros(3, device=dev, dtype=torch.float64)  # loss, correct, count
        _sync(dev)
        t0 = time.perf_counter()
        for step in range(steps):
            idx = shard[step * local_batch : (step + 1) * local_batch]
            xb = augment(x_train[idx], translate=p.translate, flip=p.flip, generator=aug_gen)
            yb = y_train[idx]
            with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=cuda):
                logits = net(normalize(xb))
                loss = criterion(logits.float(), yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            # Accumulate on the device: a .item() per step would stall the GPU pipeline.
            sums[0] += loss.detach() * len(idx)
            sums[1] += (logits.detach().argmax(1) == yb).sum()
            sums[2] += len(idx)
        _sync(dev)
        epoch_seconds = time.perf_counter() - t0
        loss_sum, correct, count = _all_sum(sums, env).tolist()
        # The first epoch pays for cuDNN autotuning and allocator warm-up; leave it out of the
        # throughput figure unless it is the only one.
        if epoch > 1 or p.epochs == 1:
            train_seconds += epoch_seconds
            timed_images += int(count)
        val = _evaluate_split(model, x_val, y_val, batch_size=p.eval_batch_size, env=env, autocast=cuda)
        row = {
            "epoch": epoch,
            "train_loss": loss_sum / count,
            "train_accuracy": correct / count,
            "val_loss": val[0] if val else None,
            "val_accuracy": val[1] if val else None,
            "lr": optimizer.param_groups[0]["lr"],
            "images_per_second": count / epoch_seconds,
        }
        history.append(row)
        if env.is_main and progress is not None:
            progress(epoch, p.epochs, dict(row))

    last = history[-1]
    metrics = {
        "train_loss": last["train_loss"],
        "train_accuracy": last["train_accuracy"],
        "val_loss": last["val_loss"],
        "val_accuracy": last["val_accuracy"],
        "epochs": p.epochs,
        "images_per_second": timed_images / train_seconds,
        "train_seconds": time.perf_counter() - start_all,
        "device": dev.type,
        "world_size": env.world_size,
        "num_train_images": len(x_train),
        "num_val_images": len(x_val),
    }
    if env.is_main:
        out_dir.mkdir(parents=True, exist_ok=True)
        save_checkpoint(
            out_dir / CHECKPOINT_FILE,
            model,
            config,
            labels=list(meta["labels"]),
            image_size=int(meta["image_size"]),
            extra={"train_params": asdict(p), "metrics": metrics},
        )
        write_json(out_dir / METRICS_FILE, metrics)
        with open(out_dir / HISTORY_FILE, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=HISTORY_FIELDS, lineterminator="\n")
            writer.writeheader()
            writer.writerows({k: ("" if v is None else v) for k, v in r.items()} for r in history)
    return metrics


def _print_progress(epoch: int, total_epochs: int, metrics: dict[str, Any]) -> None:
    line = json.dumps({**metrics, "epoch": epoch, "epochs": total_epochs}, sort_keys=True)
    print(PROGRESS_PREFIX + line, flush=True)


def main(argv: list[str] | None = None) -> None:
    """CLI for dvc.yaml: `python -m pipelines.train --params P --data D --out O [--device X]`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", required=True, help="params.yaml")
    parser.add_argument("--data", required=True, help="packed dataset directory")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--device", default="auto", help="auto | cuda | cpu (overrides params)")
    args = parser.parse_args(argv)
    progress = _print_progress if os.environ.get(PROGRESS_ENV) == "1" else None
    metrics = train(load_params(args.params), args.data, args.out, device=args.device, progress=progress)
    if int(os.environ.get("RANK", "0")) == 0:
        print(json.dumps(metrics, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
