"""dvc.yaml and params.yaml work for real: `dvc repro` and `dvc exp run` in a scratch repo."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipelines.dataset import write_dataset
from tests.pipelines.helpers import TINY_LABELS, TINY_SIZE, tiny_records

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        # dvc.yaml says `python`: make it this interpreter.
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DVC_NO_ANALYTICS": "1",
        "OMP_NUM_THREADS": "2",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.test",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.test",
    }
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def _init_repo(repo: Path) -> str:
    """git and DVC in `repo`, data/dataset tracked by DVC, all committed; returns the dvc executable."""
    dvc = str(BIN / "dvc")
    _run(repo, "git", "init", "-q")
    _run(repo, dvc, "init", "-q")
    _run(repo, dvc, "add", "-q", "data/dataset")
    _run(repo, "git", "add", "-A")
    _run(repo, "git", "commit", "-q", "-m", "init")
    return dvc


@pytest.mark.slow
def test_dvc_repro_and_exp_run(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(REPO / "pipelines", repo / "pipelines", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("dvc.yaml", "params.yaml"):
        shutil.copy(REPO / name, repo / name)
    write_dataset(
        repo / "data/dataset",
        task_type="classification",
        labels=TINY_LABELS,
        image_size=TINY_SIZE,
        records=tiny_records(),
    )
    dvc = _init_repo(repo)

    _run(repo, dvc, "repro")
    for out in (
        "models/train/model.pt",
        "models/train/metrics.json",
        "models/train/history.csv",
        "models/eval/eval.json",
        "models/eval/confusion.csv",
        "dvc.lock",
    ):
        assert (repo / out).is_file(), out
    epochs = yaml.safe_load((REPO / "params.yaml").read_text())["train"]["epochs"]
    assert json.loads((repo / "models/train/metrics.json").read_text())["epochs"] == epochs
    assert (
        "accuracy"
        in json.loads(_run(repo, dvc, "metrics", "show", "--json"))[""]["data"]["models/eval/eval.json"][
            "data"
        ]
    )
    assert "up to date" in _run(repo, dvc, "status")
    plots = json.loads(_run(repo, dvc, "plots", "show", "--json", "--split"))
    assert {"accuracy", "loss", "models/eval/confusion.csv"} <= set(plots["data"])

    _run(repo, dvc, "exp", "run", "--set-param", "train.epochs=1")
    assert json.loads((repo / "models/train/metrics.json").read_text())["epochs"] == 1
    assert yaml.safe_load((repo / "params.yaml").read_text())["train"]["epochs"] == 1


@pytest.mark.slow
def test_dvc_repro_and_exp_run_train_a_detector(tmp_path: Path) -> None:
    """The same dvc.yaml trains and evaluates a detector when the dataset version is detection's:
    the detect: section's parameters, COCO metrics, the precision-recall and per-class AP plots."""
    from pipelines.detection.scenes import make_scenes, scene_records

    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(REPO / "pipelines", repo / "pipelines", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "dvc.yaml", repo / "dvc.yaml")
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["detect"].update(epochs=2, width=8, fpn_channels=16, head_convs=1, batch_size=16)
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    scenes = make_scenes(48, image_size=32, seed=0, classes=2)
    splits = ["train"] * 32 + ["val"] * 8 + ["test"] * 8
    write_dataset(
        repo / "data/dataset",
        task_type="detection",
        labels=scenes.label_names,
        image_size=32,
        records=scene_records(scenes, splits),
    )
    dvc = _init_repo(repo)

    _run(repo, dvc, "repro")
    assert json.loads((repo / "models/train/metrics.json").read_text())["epochs"] == 2
    shown = json.loads(_run(repo, dvc, "metrics", "show", "--json"))[""]["data"]
    assert {"map", "map50", "per_class"} <= set(shown["models/eval/eval.json"]["data"])
    plots = json.loads(_run(repo, dvc, "plots", "show", "--json", "--split"))
    assert {"models/eval/pr_curve.csv", "models/eval/per_class_ap.csv"} <= set(plots["data"])
    # `dvc exp run --set-param detect.epochs=...` is the same mechanism test_dvc_repro_and_exp_run
    # proves for train.epochs; not run again here (each dvc call costs seconds).
