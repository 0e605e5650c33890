"""The device's side of active learning: which frames to upload, decided here from the device's own
prediction, so a fleet on a thin uplink sends only what matters.

The policy comes from the platform with every check-in (``config.sampling``) and with the model
(``/device/model``); docs/how-to/field-loop.md describes its fields. Counters reset each UTC day.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

ANY_CLASS = "*"


@dataclass(frozen=True)
class Decision:
    upload: bool
    # Why: "uncertain" (top score in the band), "random", or why not ("budget", "quota", "confident").
    reason: str


@dataclass
class Sampler:
    """Applies a sampling policy frame by frame and keeps the day's counts."""

    policy: Mapping[str, Any] | None
    rng: random.Random = field(default_factory=random.Random)
    day: date | None = None
    uploads: int = 0
    per_class: dict[str, int] = field(default_factory=dict)

    def update(self, policy: Mapping[str, Any] | None) -> None:
        """A newer policy (from a check-in); the day's counts stay."""
        self.policy = policy

    def decide(self, label: str | None, score: float, now: datetime | None = None) -> Decision:
        """Whether to upload a frame whose top prediction is ``label`` at ``score`` (a detector's best
        detection; None and 0 when it saw nothing). Counts the upload when the answer is yes."""
        policy = self.policy
        if not policy or not policy.get("enabled", True):
            return Decision(False, "no policy")
        today = (now or datetime.now(timezone.utc)).date()
        if today != self.day:
            self.day, self.uploads, self.per_class = today, 0, {}
        budget = policy.get("daily_budget")
        if budget is not None and self.uploads >= budget:
            return Decision(False, "budget")
        band = policy.get("score_band")
        if band is not None and band["low"] <= score <= band["high"]:
            reason = "uncertain"
        elif self.rng.random() < float(policy.get("random_rate") or 0.0):
            reason = "random"
        else:
            return Decision(False, "confident")
        key = label if label is not None else ANY_CLASS
        quotas = policy.get("class_quotas") or {}
        quota = quotas.get(key, quotas.get(ANY_CLASS))
        if quota is not None and self.per_class.get(key, 0) >= quota:
            return Decision(False, "quota")
        self.uploads += 1
        self.per_class[key] = self.per_class.get(key, 0) + 1
        return Decision(True, reason)
