"""A short CPU training on digit scenes: the loss falls and held-out mAP@0.5 clears a bar."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from pipelines.dataset import write_dataset
from pipelines.detection.evaluate import read_pr_curve
from pipelines.detection.model import load_detector
from pipelines.detection.scenes import make_scenes, scene_records
from pipelines.evaluate import evaluate
from pipelines.train import train

SIZE = 64
CLASSES = 3
# ~27 s of training on one busy core here; mAP@0.5 on held-out scenes (digits never seen in
# training) measured 0.78 with these settings.
PARAMS = {
    "epochs": 10,
    "batch_size": 32,
    "lr": 0.005,
    "width": 8,
    "fpn_channels": 32,
    "head_convs": 1,
    "threads": 1,
    "device": "cpu",
}
BAR = 0.5


@pytest.fixture(scope="module")
def scenes_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    train_scenes = make_scenes(400, image_size=SIZE, seed=1, classes=CLASSES, pool="train")
    val_scenes = make_scenes(40, image_size=SIZE, seed=3, classes=CLASSES, pool="test")
    test_scenes = make_scenes(100, image_size=SIZE, seed=2, classes=CLASSES, pool="test")
    out = tmp_path_factory.mktemp("scenes") / "dataset"
    write_dataset(
        out,
        task_type="detection",
        labels=train_scenes.label_names,
        image_size=SIZE,
        records=scene_records(train_scenes, "train")
        + scene_records(val_scenes, "val")
        + scene_records(test_scenes, "test"),
    )
    return out


def test_training_learns_and_evaluation_reads_map(scenes_dataset: Path, tmp_path: Path) -> None:
    params = {"train": {"epochs": 99}, "detect": PARAMS, "evaluate": {"device": "cpu"}}
    epochs = []
    metrics = train(params, scenes_dataset, tmp_path / "train", progress=lambda e, t, m: epochs.append(m))
    assert len(epochs) == PARAMS["epochs"]
    assert epochs[-1]["train_loss"] < 0.75 * epochs[0]["train_loss"]
    assert metrics["val_map50"] is not None and metrics["epochs"] == PARAMS["epochs"]
    assert json.loads((tmp_path / "train/metrics.json").read_text()) == pytest.approx(metrics)
    with open(tmp_path / "train/history.csv", newline="") as f:
        assert len(list(csv.DictReader(f))) == PARAMS["epochs"]
    _, ckpt = load_detector(tmp_path / "train/model.pt")
    assert ckpt["labels"] == ["0", "1", "2"] and ckpt["image_size"] == SIZE

    result = evaluate(params, scenes_dataset, tmp_path / "train", tmp_path / "eval")
    on_disk = json.loads((tmp_path / "eval/eval.json").read_text())
    assert on_disk["split"] == "test" and on_disk["num_images"] == 100
    assert on_disk["map50"] == pytest.approx(result["map50"])
    print(f"held-out mAP@0.5 {result['map50']:.3f}, mAP@0.5:0.95 {result['map']:.3f}")
    assert result["map50"] > BAR
    assert 0 < result["map"] < result["map50"]
    assert all(row["ap50"] is not None for row in on_disk["per_class"].values())
    with open(tmp_path / "eval/pr_curve.csv", newline="") as f:
        assert len(list(csv.DictReader(f))) == 101
    curve = read_pr_curve(tmp_path / "eval")  # what the training flow keeps in the model's metrics
    assert len(curve["recall"]) == len(curve["precision"]) == 101 and curve["recall"][-1] == 1.0
    assert all(0 <= p <= 1 for p in curve["precision"]) and max(curve["precision"]) > 0
    with open(tmp_path / "eval/per_class_ap.csv", newline="") as f:
        assert [r["class"] for r in csv.DictReader(f)] == ["0", "1", "2"]
    assert (tmp_path / "eval/confusion.csv").read_text() == "actual,predicted\n"


@pytest.mark.slow
def test_ddp_two_processes_train_a_detector(tmp_path: Path) -> None:
    """torchrun with two CPU ranks (gloo): each trains on its shard, rank 0 writes the checkpoint."""
    import os
    import subprocess
    import sys

    import yaml

    scenes = make_scenes(64, image_size=32, seed=0, classes=2)
    data = tmp_path / "data"
    records = scene_records(scenes, ["train"] * 56 + ["val"] * 8)
    write_dataset(data, task_type="detection", labels=scenes.label_names, image_size=32, records=records)
    params = tmp_path / "params.yaml"
    detect = {"epochs": 1, "batch_size": 16, "width": 8, "fpn_channels": 16, "head_convs": 1}
    params.write_text(yaml.safe_dump({"detect": detect}))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    cmd += ["-m", "pipelines.train", "--params", str(params), "--data", str(data), "--out", str(out)]
    cmd += ["--device", "cpu"]
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["world_size"] == 2 and metrics["num_train_images"] == 56
    detector, ckpt = load_detector(out / "model.pt")
    assert ckpt["labels"] == scenes.label_names and (out / "history.csv").is_file()
    assert detector.config.num_classes == 2
