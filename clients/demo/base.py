"""What every phase of the demo shares: its options, the summary it fills, progress bars and step timing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from acusight_sdk import Acusight, JobFailed, JobTimeout
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from clients.demo.api import POLL_S, DemoError


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
        self, api: Acusight, console: Console, work_dir: Path, options: DemoOptions, summary: Summary
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

    @contextmanager
    def job(self, step: str) -> Iterator[None]:
        """A job's step: its failure or a wait past its deadline is the demo's error, naming the step."""
        try:
            yield
        except (JobFailed, JobTimeout) as exc:
            raise DemoError(f"{step}: {exc}") from exc

    def cut_version(self, step: str, body: dict[str, Any]) -> dict[str, Any]:
        """A dataset version, followed to ready (DemoError if it fails)."""
        with self.step(step), self.job(step), self.progress() as bar:
            dataset = self.api.datasets.create(**body)
            task = bar.add_task(f"{step} v{dataset['version']} (DVC)", total=100)
            return self.api.datasets.wait(
                dataset["id"],
                timeout=1800,
                interval=POLL_S,
                on_progress=lambda d: bar.update(task, completed=100 * (d.get("progress") or 0)),
            )

    def train(self, step: str, dataset_id: int, params: dict[str, Any]) -> dict[str, Any]:
        """A training job, its epochs on a progress bar, followed to succeeded (DemoError otherwise)."""
        with self.step(step), self.job(step), self.progress() as bar:
            job = self.api.training_jobs.create(dataset_id, params=params, device="auto")
            task = bar.add_task(f"{step}: job {job['id']} (epochs)", total=params["epochs"])
            return self.api.training_jobs.wait(
                job["id"],
                timeout=3600,
                interval=POLL_S,
                on_progress=lambda j: bar.update(task, completed=(j.get("progress") or {}).get("epoch", 0)),
            )

    def export(self, step: str, body: dict[str, Any]) -> dict[str, Any]:
        """An export job, its current stage on a spinner, followed to succeeded (DemoError otherwise)."""
        with self.step(step), self.job(step), self.progress() as bar:
            export = self.api.export_jobs.create(**body)
            name = f"export job {export['id']}"
            task = bar.add_task(name, total=None)
            return self.api.export_jobs.wait(
                export["id"],
                timeout=1800,
                interval=POLL_S,
                on_progress=lambda e: bar.update(
                    task, description=f"{name}: {(e.get('progress') or {}).get('stage', '')}"
                ),
            )
