"""What a model's predictions look like as figures: one definition for the field and for the test split.

The platform keeps, per device and minute (and hour), how many predictions a model made, its class
mix, a histogram of its confidence scores and one of its latencies; an export keeps the same figures
computed on its model's test split (the *reference*). Drift compares the two with the population
stability index. These are the bins both sides count into, and the arithmetic on the counts.

Scores: a classifier contributes its top-1 score per frame, a detector the score of each detection
it keeps. Latency: milliseconds per frame, as the device measured it.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Fixed confidence bins of width 0.05: bin i holds [i/20, (i+1)/20); 1.0 falls in the last. A project's
# low-confidence threshold is a multiple of the width, so the share under it is exact from the counts.
SCORE_BINS = 20
SCORE_BIN_WIDTH = 1.0 / SCORE_BINS
# Latency bin edges in ms, about sqrt(2) apart: bin 0 is [0, 1), bin i is [edge i-1, edge i), the last
# is [4096, inf). Percentiles are interpolated within a bin, so they are good to about +-20 %.
LATENCY_EDGES_MS = (
    1,
    1.5,
    2,
    3,
    4,
    6,
    8,
    11,
    16,
    23,
    32,
    45,
    64,
    90,
    128,
    180,
    256,
    360,
    512,
    1024,
    2048,
    4096,
)
LATENCY_BINS = len(LATENCY_EDGES_MS) + 1
# An empty bin's share, in the population stability index: a class appearing or vanishing weighs heavily,
# but finitely.
PSI_EPSILON = 1e-4


def score_bin(score: float) -> int:
    return min(int(score * SCORE_BINS), SCORE_BINS - 1)


def latency_bin(latency_ms: float) -> int:
    return bisect.bisect_right(LATENCY_EDGES_MS, latency_ms)


def is_threshold(value: float) -> bool:
    """Whether ``value`` is a bin edge strictly inside (0, 1): a valid low-confidence threshold."""
    steps = value * SCORE_BINS
    return 0 < value < 1 and abs(steps - round(steps)) < 1e-9


def share_below(score_hist: Sequence[int], threshold: float) -> float | None:
    """The share of scores under ``threshold`` (a bin edge); None when there are none."""
    total = sum(score_hist)
    if not total:
        return None
    return sum(score_hist[: round(threshold * SCORE_BINS)]) / total


def latency_percentile(latency_hist: Sequence[int], q: float) -> float | None:
    """The ``q``-quantile (0-1) of the latencies counted in ``latency_hist``, interpolated in its bin."""
    total = sum(latency_hist)
    if not total:
        return None
    rank = q * total
    seen = 0
    for index, count in enumerate(latency_hist):
        if count and seen + count >= rank:
            low = 0.0 if index == 0 else float(LATENCY_EDGES_MS[index - 1])
            # The open last bin is read as twice its lower edge wide.
            high = float(LATENCY_EDGES_MS[index]) if index < len(LATENCY_EDGES_MS) else 2 * low
            return low + (high - low) * max(rank - seen, 0.0) / count
        seen += count
    return float(LATENCY_EDGES_MS[-1])


@dataclass
class Tally:
    """Counts of predictions in the bins: what a report batch adds per minute, what a bucket of field
    metrics sums, what a reference holds. ``figures()`` is what the API shows of them."""

    predictions: int = 0
    latency_sum: float = 0.0
    score_hist: list[int] = field(default_factory=lambda: [0] * SCORE_BINS)
    latency_hist: list[int] = field(default_factory=lambda: [0] * LATENCY_BINS)
    classes: dict[str, int] = field(default_factory=dict)

    def add(self, scored: Iterable[tuple[str, float]], latency_ms: float | None) -> None:
        """One frame: the (label, score) pairs it predicted (one for a classifier, 0..K for a
        detector) and its latency, when measured."""
        self.predictions += 1
        for label, score in scored:
            self.score_hist[score_bin(score)] += 1
            self.classes[label] = self.classes.get(label, 0) + 1
        if latency_ms is not None:
            self.latency_sum += latency_ms
            self.latency_hist[latency_bin(latency_ms)] += 1

    def merge(self, other: Tally) -> None:
        """Add another tally's counts into this one."""
        self.predictions += other.predictions
        self.latency_sum += other.latency_sum
        self.score_hist = [a + b for a, b in zip(self.score_hist, other.score_hist, strict=True)]
        self.latency_hist = [a + b for a, b in zip(self.latency_hist, other.latency_hist, strict=True)]
        for label, n in other.classes.items():
            self.classes[label] = self.classes.get(label, 0) + n

    def figures(self, low_confidence_threshold: float) -> dict[str, Any]:
        """The counts as the API shows them, with the share of scores under the threshold."""
        scores = sum(self.score_hist)
        timed = sum(self.latency_hist)
        classes = sorted(self.classes.items())
        return {
            "predictions": self.predictions,
            "scores": scores,
            "class_mix": {label: count / scores for label, count in classes} if scores else {},
            "class_counts": dict(classes),
            "confidence_histogram": list(self.score_hist),
            "mean_confidence": _mean_score(self.score_hist),
            "latency_ms": {
                "mean": self.latency_sum / timed if timed else None,
                "p50": latency_percentile(self.latency_hist, 0.50),
                "p95": latency_percentile(self.latency_hist, 0.95),
            },
            "latency_histogram": list(self.latency_hist),
            "low_confidence_share": share_below(self.score_hist, low_confidence_threshold),
        }


def _mean_score(score_hist: Sequence[int]) -> float | None:
    """The mean score, read at the bins' centres."""
    total = sum(score_hist)
    if not total:
        return None
    return sum((i + 0.5) * SCORE_BIN_WIDTH * n for i, n in enumerate(score_hist)) / total


def psi(
    expected: Mapping[str, float] | Sequence[float], actual: Mapping[str, float] | Sequence[float]
) -> float:
    """Population stability index of two distributions (counts or shares, by key or by bin).

    Sum over bins of (a - e) * ln(a / e) on shares, an empty bin counting as ``PSI_EPSILON``. Read as:
    < 0.1 stable, 0.1-0.25 a moderate shift, > 0.25 a large one.
    """
    if isinstance(expected, Mapping) or isinstance(actual, Mapping):
        exp_map = dict(expected) if isinstance(expected, Mapping) else {}
        act_map = dict(actual) if isinstance(actual, Mapping) else {}
        keys = sorted(set(exp_map) | set(act_map))
        e_values = [float(exp_map.get(k, 0.0)) for k in keys]
        a_values = [float(act_map.get(k, 0.0)) for k in keys]
    else:
        if len(expected) != len(actual):
            raise ValueError(f"the distributions have {len(expected)} and {len(actual)} bins")
        e_values, a_values = [float(v) for v in expected], [float(v) for v in actual]
    e_total, a_total = sum(e_values), sum(a_values)
    if e_total <= 0 or a_total <= 0:
        raise ValueError("both distributions need at least one count")
    index = 0.0
    for e, a in zip(e_values, a_values, strict=True):
        e_share = max(e / e_total, PSI_EPSILON)
        a_share = max(a / a_total, PSI_EPSILON)
        index += (a_share - e_share) * math.log(a_share / e_share)
    return index


def reference(frames: Iterable[Iterable[tuple[str, float]]], *, split: str) -> dict[str, Any]:
    """The counts a model's own predictions on a held-out split give: what the field is compared with.

    ``frames``: per image, the (label, score) pairs the exported model predicted. The latency is the
    exporter's to add (it is measured apart, on the export machine).
    """
    tally = Tally()
    for scored in frames:
        tally.add(scored, None)
    return {
        "split": split,
        "predictions": tally.predictions,
        "confidence_histogram": tally.score_hist,
        "class_counts": dict(sorted(tally.classes.items())),
    }


def compare(
    field: Mapping[str, Any], reference: Mapping[str, Any], *, threshold: float, min_predictions: int
) -> dict[str, Any]:
    """Drift of the field (a field-metrics summary) from the reference: the population stability index
    of the class mix and of the confidence histogram, and whether either passes ``threshold``.

    ``verdict``: "drift", "stable", or "no verdict" (too few field predictions, or no reference).
    """
    predictions = int(field.get("predictions") or 0)
    outcome: dict[str, Any] = {"predictions": predictions, "threshold": threshold}
    if not reference or not sum(reference.get("confidence_histogram") or ()):
        return outcome | {"verdict": "no verdict", "reason": "the export has no reference figures"}
    if predictions < min_predictions or not sum(field.get("confidence_histogram") or ()):
        reason = f"{predictions} field predictions, fewer than {min_predictions}"
        return outcome | {"verdict": "no verdict", "reason": reason}
    class_psi = psi(reference.get("class_counts") or {}, field.get("class_counts") or {})
    confidence_psi = psi(reference["confidence_histogram"], field["confidence_histogram"])
    drifted = class_psi > threshold or confidence_psi > threshold
    return outcome | {
        "verdict": "drift" if drifted else "stable",
        "class_psi": class_psi,
        "confidence_psi": confidence_psi,
    }
