"""What every phase of the demo shares: its options, the summary it fills, progress bars and step timing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from clients.demo.api import Api, DemoError


@dataclass
class DemoOptions:
    devices: int = 4
    images: int | None = None  # None: all 1,797 digits
    epochs: int = 15
    image_size: int = 32
    unseen_fraction: float = 0.1
    precision: str = "fp32"
    # The field loop's act, after classification (clients/demo/field.py).
    field: bool = True
    # The detection phase: camera frames of digits scattered over textures (pipelines.detection.scenes).
    detection: bool = True
    detection_frames: int = 1200
    detection_classes: int = 5
    detection_epochs: int = 24
    detection_image_size: int = 64
    detection_unseen: int = 150


@dataclass
class Summary:
    steps: dict[str, float] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)


class Phase:
    """A part of the demo: talks to the API, shows progress, records its facts and step times."""

    def __init__(
        self, api: Api, console: Console, work_dir: Path, options: DemoOptions, summary: Summary
    ) -> None:
        self.api = api
        self.console = console
        self.work_dir = work_dir
        self.options = options
        self.summary = summary

    def progress(self) -> Progress:
        return Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
        )

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        yield
        self.summary.steps[name] = time.perf_counter() - t0

    def cut_version(self, step: str, body: dict[str, Any]) -> dict[str, Any]:
        """A dataset version, followed to ready (DemoError if it fails)."""
        with self.step(step), self.progress() as bar:
            dataset = self.api.call("POST", "/data/datasets", json=body)
            task = bar.add_task(f"{step} v{dataset['version']} (DVC)", total=100)
            dataset = self.api.wait(
                f"/data/datasets/{dataset['id']}",
                lambda d: d["status"] in ("ready", "failed"),
                1800,
                lambda d: bar.update(task, completed=100 * (d.get("progress") or 0)),
            )
        if dataset["status"] != "ready":
            raise DemoError(f"{step} failed: {dataset['error']}")
        return dataset

    def train(self, step: str, dataset_id: int, params: dict[str, Any]) -> dict[str, Any]:
        """A training job, its epochs on a progress bar, followed to succeeded (DemoError otherwise)."""
        with self.step(step), self.progress() as bar:
            body = {"dataset_id": dataset_id, "params": params, "device": "auto"}
            job = self.api.call("POST", "/ml/training-jobs", json=body)
            task = bar.add_task(f"{step}: job {job['id']} (epochs)", total=params["epochs"])
            job = self.api.wait(
                f"/ml/training-jobs/{job['id']}",
                lambda j: j["status"] in ("succeeded", "failed", "cancelled"),
                3600,
                lambda j: bar.update(task, completed=(j.get("progress") or {}).get("epoch", 0)),
            )
        if job["status"] != "succeeded":
            raise DemoError(f"{step} {job['status']}: {job['error']}")
        return job

    def export(self, step: str, body: dict[str, Any]) -> dict[str, Any]:
        """An export job, its current stage on a spinner, followed to succeeded (DemoError otherwise)."""
        with self.step(step), self.progress() as bar:
            export = self.api.call("POST", "/ml/export-jobs", json=body)
            task = bar.add_task(f"export job {export['id']}", total=None)
            name = f"export job {export['id']}"
            export = self.api.wait(
                f"/ml/export-jobs/{export['id']}",
                lambda e: e["status"] in ("succeeded", "failed"),
                1800,
                lambda e: bar.update(
                    task, description=f"{name}: {(e.get('progress') or {}).get('stage', '')}"
                ),
            )
        if export["status"] != "succeeded":
            raise DemoError(f"{step} failed: {export['error']}")
        return export
