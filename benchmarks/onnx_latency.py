"""onnxruntime vs PyTorch eager inference latency for the same model, batch 1 and 32, on CPU."""

# Run from the repository root: python -m benchmarks.onnx_latency

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import onnx
import torch

from pipelines.export import measure_latency, torch_to_onnx
from pipelines.model import ModelConfig, ResNet


@torch.inference_mode()
def torch_latency(model: torch.nn.Module, image_size: int, batch: int, runs: int) -> float:
    """Median eager wall time in ms, timed exactly like pipelines.export.measure_latency."""
    x = torch.randn(batch, 3, image_size, image_size)
    for _ in range(3):
        model(x)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        model(x)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--image-size", type=int, default=32)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--depth", type=int, default=1)
    parser.add_argument("--stages", type=int, default=3)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--threads", type=int, default=0, help="both runtimes; 0 = defaults")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    config = ModelConfig(args.classes, width=args.width, depth=args.depth, stages=args.stages)
    model = ResNet(config).eval()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.onnx"
        onnx.save(torch_to_onnx(model, args.image_size), path)
        ort_ms = measure_latency(
            path, ["CPUExecutionProvider"], args.image_size, runs=args.runs, threads=args.threads
        )
    print(
        f"model=w{args.width}/d{args.depth}/s{args.stages} size={args.image_size} "
        f"threads={args.threads or 'default'} (torch {torch.get_num_threads()}) "
        f"runs={args.runs} (median ms) loadavg={os.getloadavg()[0]:.1f}"
    )
    for batch in (1, 32):
        eager = torch_latency(model, args.image_size, batch, args.runs)
        ort = ort_ms[f"b{batch}"]
        assert ort is not None
        print(
            f"batch {batch:2d}: torch {eager:8.3f} ms  onnxruntime {ort:8.3f} ms  "
            f"ratio ort/torch {ort / eager:.3f}"
        )
    print("target: ratio <= 0.7 at batch 1")


if __name__ == "__main__":
    main()
