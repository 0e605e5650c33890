"""Train-stage throughput vs a bare training loop on device-resident data (the ceiling)."""

# Run from the repository root: python -m benchmarks.train_throughput [--device cuda]

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from pipelines.common import resolve_device
from pipelines.dataset import load_split, read_meta, write_dataset
from pipelines.model import ModelConfig, ResNet, normalize
from pipelines.train import train


def synthetic_dataset(out: Path, n: int, image_size: int, classes: int) -> Path:
    """Random uint8 images with random labels, packed (content is irrelevant to throughput)."""
    rng = np.random.default_rng(0)
    labels = [f"c{i}" for i in range(classes)]
    shape = (image_size, image_size, 3)
    records = (
        (f"{i:064x}", labels[i % classes], "train", rng.integers(0, 256, shape, dtype=np.uint8))
        for i in range(n)
    )
    write_dataset(out, task_type="classification", labels=labels, image_size=image_size, records=records)
    return out


def bare_loop(data_dir: Path, params: dict, device: torch.device, epochs: int) -> float:
    """images/s of the tightest loop: pre-normalised float data, index slices, no augmentation."""
    torch.manual_seed(0)
    images, labels = load_split(data_dir, "train")
    cuda = device.type == "cuda"
    x = normalize(torch.from_numpy(np.array(images)).to(device))  # float NCHW, channels_last
    y = torch.from_numpy(np.asarray(labels)).to(device)
    config = ModelConfig(
        num_classes=len(read_meta(data_dir)["labels"]),
        width=params["width"],
        depth=params["depth"],
        stages=params["stages"],
    )
    model = ResNet(config).to(device)
    if cuda:
        model = model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, fused=cuda)
    criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
    batch = params["batch_size"]
    steps = len(x) // batch
    model.train()
    timed = 0
    seconds = 0.0
    for epoch in range(epochs):
        perm = torch.randperm(len(x), device=device)
        if cuda:
            torch.cuda.synchronize(device)
        t0 = time.perf_counter()
        for step in range(steps):
            idx = perm[step * batch : (step + 1) * batch]
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=cuda):
                loss = criterion(model(x[idx]).float(), y[idx])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        if cuda:
            torch.cuda.synchronize(device)
        if epoch > 0 or epochs == 1:  # same warm-up rule as the train stage
            seconds += time.perf_counter() - t0
            timed += steps * batch
    return timed / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--data", help="a packed dataset directory (default: synthetic)")
    parser.add_argument("--images", type=int, help="synthetic train images (cpu 4096, gpu 65536)")
    parser.add_argument("--image-size", type=int, default=32)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=3, help="the first is warm-up, not timed")
    parser.add_argument("--batch-size", type=int, help="cpu 256, gpu 1024")
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--depth", type=int, default=1)
    parser.add_argument("--stages", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="CPU threads; 0 = torch default")
    args = parser.parse_args()
    device = resolve_device(args.device)
    # A GPU finishes 4096 small images in tens of milliseconds: too short to time.
    gpu = device.type == "cuda"
    args.images = args.images or (65536 if gpu else 4096)
    args.batch_size = args.batch_size or (1024 if gpu else 256)
    params = {
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "width": args.width,
        "depth": args.depth,
        "stages": args.stages,
        "translate": 2,
        "flip": True,
        "threads": args.threads,
    }
    if args.threads:
        torch.set_num_threads(args.threads)  # for the bare loop; train() sets its own
    with tempfile.TemporaryDirectory() as tmp:
        data = (
            Path(args.data)
            if args.data
            else synthetic_dataset(Path(tmp) / "data", args.images, args.image_size, args.classes)
        )
        meta = read_meta(data)
        stage = train(params, data, Path(tmp) / "out", device=str(device))["images_per_second"]
        ceiling = bare_loop(data, params, device, args.epochs)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    print(
        f"device={name} threads={torch.get_num_threads()} images={meta['splits']['train']} "
        f"size={meta['image_size']} batch={args.batch_size} "
        f"model=w{args.width}/d{args.depth}/s{args.stages} loadavg={os.getloadavg()[0]:.1f}"
    )
    print(f"train stage (flip+translate aug): {stage:10.0f} img/s")
    print(f"bare loop (data pre-normalised):  {ceiling:10.0f} img/s")
    print(f"ratio stage/bare: {stage / ceiling:.3f}  (target >= 0.85 on GPU)")


if __name__ == "__main__":
    main()
