"""`acusight demo`: the whole platform doing its job on real image content, end to end, on this machine.

Three phases, each through the REST API (and Label Studio's) as from outside: classification of
handwritten digits (clients/demo/classification.py); the field loop on that classifier, whose
cameras' world then changes (clients/demo/field.py), and the new model it trains going out as a staged
rollout, then a broken one rolled back (clients/demo/rollout.py); detection of digits on camera frames
(clients/demo/detection.py). The summary holds what each showed and how long each step took.
"""

from __future__ import annotations

from pathlib import Path

from acusight_sdk import Acusight
from rich.console import Console

from clients.demo.base import DemoOptions, Summary
from clients.demo.classification import ClassificationPhase
from clients.demo.detection import DetectionPhase
from clients.demo.field import FieldPhase
from clients.demo.label_studio import LabelStudioAnnotators
from clients.demo.rollout import RolloutPhase


class Demo:
    def __init__(
        self,
        api: Acusight,
        console: Console,
        work_dir: Path,
        options: DemoOptions,
        label_studio: LabelStudioAnnotators | None = None,
    ) -> None:
        self.api = api
        self.console = console
        self.work_dir = work_dir
        self.options = options
        self.label_studio = label_studio
        self.summary = Summary()
        self.urls: dict[str, str] = {}

    def run(self) -> Summary:
        parts = (self.api, self.console, self.work_dir, self.options, self.summary)
        classification = ClassificationPhase(*parts, label_studio=self.label_studio)
        try:
            classification.run()
        finally:
            self.urls.update(classification.urls)
        if self.options.field:
            FieldPhase(*parts).run()
            RolloutPhase(*parts).run()
        if self.options.detection:
            DetectionPhase(*parts).run()
        return self.summary
