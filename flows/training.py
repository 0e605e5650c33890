"""The training flow: check out a dataset version, `dvc repro` the pipeline, report, register the model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import deque
from pathlib import Path
from typing import Any

import yaml
from prefect import flow, get_run_logger

import pipelines
from flows.client import PlatformClient
from flows.config import FlowSettings
from flows.dvc_repo import DvcRepo
from flows.prefect_ui import (
    RunName,
    artifact_key,
    epoch_table,
    markdown_figures,
    publish_markdown,
    publish_table,
    warn_unpublished,
)
from flows.tasks import failure_hook, mark_failed, retried_task
from pipelines.detection.evaluate import read_pr_curve
from pipelines.device_contract import resize_spec as device_resize_spec
from pipelines.frames import resize_spec as frame_resize_spec
from pipelines.model import MEAN, STD
from pipelines.train import PROGRESS_ENV, PROGRESS_PREFIX

# The model version carries a classifier's confusion matrix up to this many classes: past it, the
# matrix outweighs every other figure (models/eval/confusion.csv in the run keeps it whatever the size).
CONFUSION_MAX_CLASSES = 100
# The source tree the pipeline is copied from: dvc.yaml and params.yaml sit beside pipelines/.
SOURCE_ROOT = Path(pipelines.__file__).resolve().parent.parent


def params_section_for(task_type: str) -> str:
    """The section of params.yaml that trains and evaluates this task's models."""
    return "detect" if task_type == "detection" else "train"


def prepare_workspace(
    root: Path, dataset_dir: Path, overrides: dict[str, Any], device: str, task_type: str = "classification"
) -> None:
    """A DVC project holding the pipeline, the dataset version as data/dataset, and the params."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("dvc.yaml", "params.yaml"):
        shutil.copy2(SOURCE_ROOT / name, root / name)
    shutil.copytree(
        SOURCE_ROOT / "pipelines", root / "pipelines", ignore=shutil.ignore_patterns("__pycache__")
    )
    target = root / "data" / "dataset"
    target.mkdir(parents=True)
    for path in dataset_dir.rglob("*"):
        if path.is_file():
            dest = target / path.relative_to(dataset_dir)
            dest.parent.mkdir(parents=True, exist_ok=True)
            # Hard links: the packed arrays can be large, and nothing writes to them.
            try:
                os.link(path, dest)
            except OSError:
                shutil.copy2(path, dest)
    params = yaml.safe_load((root / "params.yaml").read_text())
    # The API validated the overrides: each is a key of the task's section of params.yaml.
    section = params_section_for(task_type)
    params[section].update(overrides)
    params[section]["device"] = device
    params.setdefault("evaluate", {})["device"] = device
    (root / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    subprocess.run([sys.executable, "-m", "dvc", "init", "--no-scm", "-q"], cwd=root, check=True)


@retried_task((5, 15))
def checkout_dataset(settings: FlowSettings, dataset: dict[str, Any], into: Path) -> Path:
    """The exact dataset version, from the DVC repo and remote, by its git tag."""
    repo = DvcRepo.from_settings(settings)
    if into.exists():
        shutil.rmtree(into)
    return repo.checkout(dataset["git_tag"], dataset["dvc_path"], into)


def run_pipeline(root: Path, api: PlatformClient, job_id: int) -> list[dict[str, Any]]:
    """`dvc repro`, streaming each epoch's figures to the API as the train stage prints them; returns
    every epoch's figures.

    The job's progress is the latest epoch's figures plus `history`, every epoch's so far (a few
    hundred bytes an epoch; the API bounds epochs).
    """
    log = get_run_logger()
    env = {**os.environ, PROGRESS_ENV: "1", "PYTHONUNBUFFERED": "1"}
    # The venv's python first, so dvc.yaml's `python -m pipelines.…` runs with our packages.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "dvc", "repro", "--no-commit"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    tail: deque[str] = deque(maxlen=15)
    history: list[dict[str, Any]] = []
    for line in proc.stdout:
        if line.startswith(PROGRESS_PREFIX):
            epoch = json.loads(line[len(PROGRESS_PREFIX) :])
            history.append(epoch)
            progress = {**epoch, "history": history}
            api.patch(f"/ml/training-jobs/{job_id}", {"status": "running", "progress": progress})
            continue
        tail.append(line.rstrip())
        log.info(line.rstrip())
    if proc.wait() != 0:
        raise RuntimeError("the pipeline failed:\n" + "\n".join(tail))
    return history


def preprocessing(dataset: dict[str, Any]) -> dict[str, Any]:
    """How inputs must be prepared for this model: what a device needs to reproduce training."""
    task = dataset["task_type"]
    resize = dataset["params"].get("resize")
    return {
        "task": task,
        "image_size": dataset["params"]["image_size"],
        # The dataset version's resize, in the device vocabulary (pipelines/device_contract.py);
        # a version that recorded none used its task's default.
        "resize": device_resize_spec(resize) if resize is not None else frame_resize_spec(None, task),
        "color": "RGB",
        "layout": "NCHW",
        "scale": 255.0,
        "mean": list(MEAN),
        "std": list(STD),
    }


def publish_artifacts(
    job: dict[str, Any],
    dataset: dict[str, Any],
    model: dict[str, Any],
    history: list[dict[str, Any]],
    metrics: dict[str, Any],
) -> None:
    """What the Prefect UI shows of the run: every epoch's figures (a table, ``training-job-12-epochs``)
    and the final metrics (markdown, ``training-job-12``). A failure is logged, not raised."""
    key = artifact_key("training-job", job["id"])
    try:
        table = epoch_table(history)
        final = {k: v for k, v in metrics.items() if k != "test"}
        markdown = markdown_figures(
            f"Training job {job['id']}",
            [("Training", final), ("Held-out test", metrics.get("test") or {})],
            intro=(
                f"Project {job['project_id']}, dataset version {dataset.get('version', dataset['id'])} "
                f"({dataset['task_type']}), {len(history)} epochs: model version {model['id']}."
            ),
        )
    except Exception as exc:  # figures of an unexpected shape: the job succeeded all the same
        warn_unpublished(key, exc)
        return
    publish_table(f"{key}-epochs", table, f"Training job {job['id']}: every epoch's figures")
    publish_markdown(key, markdown, f"Training job {job['id']}: the final metrics")


# A failed or crashed run marks its job failed, with the error, through the API (unless already
# cancelled or final).
_report_failure = failure_hook(
    mark_failed("/ml/training-jobs/{job_id}", final_is_done=True), "training failed"
)


@flow(
    name="train-model",
    flow_run_name=RunName("train", (("job", "job_id"),)),
    on_failure=[_report_failure],
    on_crashed=[_report_failure],
)
def train_model(job_id: int, organization_id: int) -> dict[str, Any]:
    """Train on a dataset version through DVC, report progress and metrics, register the model."""
    settings = FlowSettings.from_env()
    api = PlatformClient(settings, organization_id)
    job = api.patch(f"/ml/training-jobs/{job_id}", {"status": "running"})
    dataset = api.get(f"/data/datasets/{job['dataset_id']}")
    task = dataset["task_type"]
    with tempfile.TemporaryDirectory(dir=settings.data_dir, prefix="train-") as scratch:
        scratch_dir = Path(scratch)
        dataset_dir = checkout_dataset(settings, dataset, scratch_dir / "dataset-repo")
        workspace = scratch_dir / "workspace"
        prepare_workspace(workspace, dataset_dir, job["params"], job["device"], task)
        history = run_pipeline(workspace, api, job_id)
        metrics = json.loads((workspace / "models" / "train" / "metrics.json").read_text())
        evaluated = workspace / "models" / "eval"
        metrics["test"] = json.loads((evaluated / "eval.json").read_text())
        if task == "classification":
            confusion = json.loads((evaluated / "confusion_matrix.json").read_text())
            if len(confusion["labels"]) <= CONFUSION_MAX_CLASSES:
                metrics["test"]["confusion_matrix"] = confusion
        else:
            # For the console's chart: the curve DVC plots from its CSV.
            metrics["test"]["pr_curve"] = read_pr_curve(evaluated)
        params = yaml.safe_load((workspace / "params.yaml").read_text())[params_section_for(task)]
        with open(workspace / "models" / "train" / "model.pt", "rb") as checkpoint:
            model = api.upload(
                f"/ml/training-jobs/{job_id}/model",
                checkpoint,
                {
                    "metrics": json.dumps(metrics),
                    "params": json.dumps(params),
                    "preprocessing": json.dumps(preprocessing(dataset)),
                },
            )
    api.patch(f"/ml/training-jobs/{job_id}", {"status": "succeeded", "metrics": metrics})
    get_run_logger().info("job %s: model version %s registered", job_id, model["id"])
    publish_artifacts(job, dataset, model, history, metrics)
    return {"model_id": model["id"], "metrics": metrics}
