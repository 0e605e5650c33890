"""Detector train-stage throughput vs a bare training loop of the same model on the same
device-resident data (the ceiling): the stage's augmentation, validation and bookkeeping cost what
this ratio says. Frames are the project's digit scenes (pipelines/detection/scenes.py).

Run from the repository root: python -m benchmarks.detect_throughput [--device cuda]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from pipelines.common import resolve_device
from pipelines.dataset import load_detection_split, write_dataset
from pipelines.detection.data import clean_boxes, pad_targets
from pipelines.detection.loss import detection_loss
from pipelines.detection.model import Detector, DetectorConfig
from pipelines.detection.scenes import make_scenes, scene_records
from pipelines.model import normalize
from pipelines.train import train


def scenes_dataset(out: Path, n: int, image_size: int) -> Path:
    """n training frames (and a small val split, which the stage validates on every epoch)."""
    scenes = make_scenes(n, image_size=image_size, seed=0)
    val = make_scenes(max(1, n // 50), image_size=image_size, seed=1)
    records = scene_records(scenes, "train") + scene_records(val, "val")
    write_dataset(
        out, task_type="detection", labels=scenes.label_names, image_size=image_size, records=records
    )
    return out


def bare_loop(data_dir: Path, params: dict, device: torch.device, epochs: int) -> float:
    """images/s of the tightest loop: pre-normalised frames on the device, index slices, no augmentation."""
    torch.manual_seed(0)
    images, raw_boxes, raw_labels = load_detection_split(data_dir, "train")
    cleaned = [clean_boxes(b, k) for b, k in zip(raw_boxes, raw_labels, strict=True)]
    boxes, labels = [b for b, _ in cleaned], [k for _, k in cleaned]
    cuda = device.type == "cuda"
    size = images.shape[1]
    x = normalize(torch.from_numpy(np.array(images)).to(device))
    gt_boxes, gt_labels = pad_targets(boxes, labels, device)
    config = DetectorConfig(
        num_classes=10,
        width=params["width"],
        depth=params["depth"],
        stages=params["stages"],
        fpn_levels=params["fpn_levels"],
        fpn_channels=params["fpn_channels"],
        head_convs=params["head_convs"],
    )
    model = Detector(config).to(device)
    if cuda:
        model = model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, fused=cuda)
    batch = params["batch_size"]
    steps = len(x) // batch
    model.train()
    timed, seconds = 0, 0.0
    for epoch in range(epochs):
        perm = torch.randperm(len(x), device=device)
        if cuda:
            torch.cuda.synchronize(device)
        t0 = time.perf_counter()
        for step in range(steps):
            idx = perm[step * batch : (step + 1) * batch]
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=cuda):
                raw = model.raw(x[idx])
            loss = detection_loss(raw, gt_boxes[idx] * size, gt_labels[idx]).total
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        if cuda:
            torch.cuda.synchronize(device)
        if epoch > 0 or epochs == 1:  # the train stage's warm-up rule
            seconds += time.perf_counter() - t0
            timed += steps * batch
    return timed / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--images", type=int, help="training frames (cpu 512, gpu 16384)")
    parser.add_argument("--image-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=3, help="the first is warm-up, not timed")
    parser.add_argument("--batch-size", type=int, help="cpu 32, gpu 256")
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--fpn-channels", type=int, default=64)
    parser.add_argument("--threads", type=int, default=0, help="CPU threads; 0 = torch default")
    args = parser.parse_args()
    device = resolve_device(args.device)
    gpu = device.type == "cuda"
    args.images = args.images or (16384 if gpu else 512)
    args.batch_size = args.batch_size or (256 if gpu else 32)
    params = {
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "width": args.width,
        "depth": 1,
        "stages": 3,
        "fpn_levels": 3,
        "fpn_channels": args.fpn_channels,
        "head_convs": 2,
        "threads": args.threads,
        # The stage's default augmentation (params.yaml's detect: section), done on the device.
        "scale_jitter": 0.2,
        "translate": 0.1,
        "flip": False,
    }
    if args.threads:
        torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        data = scenes_dataset(Path(tmp) / "data", args.images, args.image_size)
        stage = train({"detect": params}, data, Path(tmp) / "out", device=str(device))["images_per_second"]
        ceiling = bare_loop(data, params, device, args.epochs)
    name = torch.cuda.get_device_name(device) if gpu else "cpu"
    print(
        f"device={name} threads={torch.get_num_threads()} frames={args.images} size={args.image_size} "
        f"batch={args.batch_size} model=w{args.width}/fpn{args.fpn_channels} loadavg={os.getloadavg()[0]:.1f}"
    )
    print(f"detector train stage (scale/translate aug): {stage:10.0f} img/s")
    print(f"detector bare loop (no aug, no val):         {ceiling:10.0f} img/s")
    print(f"ratio stage/bare: {stage / ceiling:.3f}  (target >= 0.85 on GPU)")


if __name__ == "__main__":
    main()
