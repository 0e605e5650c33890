"""The training path on a real GPU: train, evaluate, export and DDP on CUDA.

Skipped where torch sees no GPU (CI never has one); `scripts/gpu_check.sh` runs it on a lent GPU.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import yaml

from pipelines.common import load_params
from pipelines.dataset import load_split, write_dataset
from pipelines.evaluate import evaluate
from pipelines.export import export_onnx
from pipelines.model import load_checkpoint, predict_logits
from pipelines.train import train
from tests.pipelines.helpers import TINY_TRAIN_PARAMS, digits_records

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")

REPO = Path(__file__).resolve().parents[2]


def test_train_on_cuda_gives_a_checkpoint_that_loads_on_cpu(tiny_dataset: Path, tmp_path: Path) -> None:
    metrics = train({**TINY_TRAIN_PARAMS, "epochs": 3}, tiny_dataset, tmp_path, device="cuda")
    assert metrics["device"] == "cuda" and metrics["images_per_second"] > 0
    model, _ = load_checkpoint(tmp_path / "model.pt")  # a device without a GPU must load it
    assert next(model.parameters()).device.type == "cpu"
    images, _ = load_split(tiny_dataset, "test")
    cpu_logits = predict_logits(model, images)
    gpu_logits = predict_logits(model.to("cuda"), images, device="cuda")
    assert torch.equal(cpu_logits.argmax(1), gpu_logits.argmax(1))


def test_digits_on_cuda_reach_97_percent_and_export(tmp_path: Path) -> None:
    data = tmp_path / "digits"
    labels = [str(d) for d in range(10)]
    write_dataset(data, task_type="classification", labels=labels, image_size=32, records=digits_records(32))
    params = load_params(REPO / "params.yaml")
    metrics = train(params, data, tmp_path / "model", device="cuda")
    result = evaluate({**params, "evaluate": {"device": "cuda"}}, data, tmp_path / "model", tmp_path)
    print(f"cuda digits: test accuracy {result['accuracy']:.4f}, {metrics['images_per_second']:.0f} img/s")
    assert metrics["device"] == "cuda" and result["accuracy"] >= 0.97
    report = export_onnx(tmp_path / "model" / "model.pt", data, tmp_path / "model.onnx", latency_runs=3)
    assert report["accuracy"]["drop"] <= 0.01 and report["parity"]["argmax_agreement"] >= 0.99


def test_torchrun_on_cuda_uses_nccl(tiny_dataset: Path, tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    params.write_text(yaml.safe_dump({"train": TINY_TRAIN_PARAMS}))
    nproc = min(torch.cuda.device_count(), 2)
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={nproc}"]
    cmd += ["-m", "pipelines.train", "--params", str(params), "--data", str(tiny_dataset)]
    cmd += ["--out", str(tmp_path / "out"), "--device", "cuda"]
    result = subprocess.run(cmd, cwd=REPO, env=dict(os.environ), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert metrics["device"] == "cuda" and metrics["world_size"] == nproc


def test_detector_on_cuda_learns_and_exports(tmp_path: Path) -> None:
    """The detector on the GPU (AMP, channels_last, device-resident frames and box augmentation):
    held-out mAP@0.5 on digit scenes, and a checkpoint that exports on the CPU with NMS inside."""
    from pipelines.detection.scenes import make_scenes, scene_records

    kw = {"image_size": 64, "classes": 3}
    train_scenes = make_scenes(2000, seed=1, pool="train", **kw)
    test_scenes = make_scenes(200, seed=2, pool="test", **kw)
    data = tmp_path / "scenes"
    records = scene_records(train_scenes, "train") + scene_records(test_scenes, "test")
    write_dataset(
        data, task_type="detection", labels=train_scenes.label_names, image_size=64, records=records
    )
    params = {"detect": {"epochs": 30, "batch_size": 128}, "evaluate": {"device": "cuda"}}
    metrics = train(params, data, tmp_path / "model", device="cuda")
    result = evaluate(params, data, tmp_path / "model", tmp_path / "eval")
    print(f"cuda detector: test mAP@0.5 {result['map50']:.3f}, {metrics['images_per_second']:.0f} img/s")
    assert metrics["device"] == "cuda" and result["map50"] >= 0.6
    report = export_onnx(tmp_path / "model" / "model.pt", data, tmp_path / "model.onnx", latency_runs=3)
    assert report["task"] == "detection" and report["parity"]["detections_agreement"] == 1.0
