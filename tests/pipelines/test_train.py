"""Train stage: outputs, progress callback, augmentation, unsupported tasks, DDP on gloo."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from pipelines.dataset import write_dataset
from pipelines.model import load_checkpoint
from pipelines.train import UnsupportedTaskError, augment, main, train
from tests.pipelines.helpers import TINY_LABELS, TINY_TRAIN_PARAMS

REPO = Path(__file__).resolve().parents[2]


def test_one_epoch_writes_checkpoint_metrics_history(tiny_dataset: Path, tmp_path: Path) -> None:
    calls = []
    metrics = train(
        {"train": {**TINY_TRAIN_PARAMS, "epochs": 2}},  # the whole params.yaml shape works too
        tiny_dataset,
        tmp_path,
        device="cpu",
        progress=lambda epoch, total, m: calls.append((epoch, total, m)),
    )
    assert [(e, t) for e, t, _ in calls] == [(1, 2), (2, 2)]
    assert 0.0 <= calls[-1][2]["val_accuracy"] <= 1.0
    for key in ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "images_per_second"):
        assert metrics[key] is not None and metrics[key] >= 0, key
    assert metrics["epochs"] == 2 and metrics["device"] == "cpu" and metrics["world_size"] == 1
    assert json.loads((tmp_path / "metrics.json").read_text()) == pytest.approx(metrics)

    with open(tmp_path / "history.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["epoch"] for r in rows] == ["1", "2"]
    assert {"train_accuracy", "val_accuracy", "lr"} <= set(rows[0])

    model, ckpt = load_checkpoint(tmp_path / "model.pt")
    assert ckpt["labels"] == TINY_LABELS and ckpt["image_size"] == 16
    assert ckpt["model_config"]["width"] == TINY_TRAIN_PARAMS["width"]
    assert model(torch.zeros(1, 3, 16, 16)).shape == (1, len(TINY_LABELS))


def test_same_seed_same_weights(tiny_dataset: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        train(TINY_TRAIN_PARAMS, tiny_dataset, tmp_path / name, device="cpu")
    a = load_checkpoint(tmp_path / "a/model.pt")[1]["state_dict"]
    b = load_checkpoint(tmp_path / "b/model.pt")[1]["state_dict"]
    for key in a:
        torch.testing.assert_close(a[key], b[key], msg=key)


def test_detection_dataset_without_boxes_is_refused(tmp_path: Path) -> None:
    """Detection datasets go to pipelines.detection; one with no boxes at all says so, writing nothing."""
    write_dataset(
        tmp_path / "ds",
        task_type="detection",
        labels=["car"],
        image_size=16,
        records=[("ab" * 32, [], "train", np.zeros((16, 16, 3), np.uint8))],
    )
    with pytest.raises(ValueError, match="the train split has no boxes"):
        train({"detect": {"epochs": 1, "threads": 1}}, tmp_path / "ds", tmp_path / "out", device="cpu")
    assert issubclass(UnsupportedTaskError, NotImplementedError)
    assert not (tmp_path / "out").exists()


def test_unknown_param_is_refused(tiny_dataset: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="epocs"):
        train({"epocs": 3}, tiny_dataset, tmp_path, device="cpu")


def test_augment_is_a_shift_and_a_mirror() -> None:
    gen = torch.Generator().manual_seed(0)
    images = torch.randint(1, 256, (64, 8, 8, 3), dtype=torch.uint8)
    assert torch.equal(augment(images, translate=0, flip=False, generator=gen), images)

    flipped = augment(images, translate=0, flip=True, generator=gen)
    same = (flipped == images).flatten(1).all(1)
    mirrored = (flipped == images.flip(2)).flatten(1).all(1)
    assert bool((same | mirrored).all()) and 0 < int(mirrored.sum()) < 64

    shifted = augment(images, translate=2, flip=False, generator=gen)
    assert shifted.shape == images.shape
    # Every output is a window of the zero-padded input: find each one's offset.
    padded = torch.nn.functional.pad(images, (0, 0, 2, 2, 2, 2))
    for i in range(len(images)):
        assert any(
            torch.equal(shifted[i], padded[i, dy : dy + 8, dx : dx + 8]) for dy in range(5) for dx in range(5)
        ), i


@pytest.mark.slow
def test_ddp_two_processes_on_gloo(tiny_dataset: Path, tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    params.write_text(yaml.safe_dump({"train": TINY_TRAIN_PARAMS}))
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node=2",
        "-m",
        "pipelines.train",
        "--params",
        str(params),
        "--data",
        str(tiny_dataset),
        "--out",
        str(out),
        "--device",
        "cpu",
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["world_size"] == 2
    assert (out / "model.pt").is_file() and (out / "history.csv").is_file()
    model, _ = load_checkpoint(out / "model.pt")
    assert model(torch.zeros(2, 3, 16, 16)).shape == (2, len(TINY_LABELS))


def test_cli_prints_progress_lines_when_asked(
    tiny_dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    params = tmp_path / "params.yaml"
    params.write_text(yaml.safe_dump({"train": {**TINY_TRAIN_PARAMS, "epochs": 2}}))
    monkeypatch.setenv("ACUSIGHT_PROGRESS", "1")
    main(["--params", str(params), "--data", str(tiny_dataset), "--out", str(tmp_path / "o")])
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("progress ")]
    reports = [json.loads(ln.removeprefix("progress ")) for ln in lines]
    assert [(r["epoch"], r["epochs"]) for r in reports] == [(1, 2), (2, 2)]
    assert "val_accuracy" in reports[-1]
