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

from clients.demo.api import Api


@dataclass
class DemoOptions:
    devices: int = 4
    images: int | None = None  # None: all 1,797 digits
    epochs: int = 15
    image_size: int = 32
    unseen_fraction: float = 0.1
    precision: str = "fp32"
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
