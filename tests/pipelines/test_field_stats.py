"""The field figures' arithmetic: bins, shares under a threshold, latency percentiles, PSI, verdicts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pipelines import field_stats as fs


def test_scores_fall_in_fixed_bins_and_thresholds_are_their_edges() -> None:
    assert [fs.score_bin(s) for s in (0.0, 0.049, 0.05, 0.5, 0.999, 1.0)] == [0, 0, 1, 10, 19, 19]
    assert fs.is_threshold(0.5) and fs.is_threshold(0.05) and fs.is_threshold(0.95)
    assert not any(fs.is_threshold(v) for v in (0.0, 1.0, 0.33, -0.05, 1.05))
    hist = [0] * fs.SCORE_BINS
    for score in (0.1, 0.45, 0.5, 0.92):
        hist[fs.score_bin(score)] += 1
    assert fs.share_below(hist, 0.5) == 0.5 and fs.share_below(hist, 0.95) == 1.0
    assert fs.share_below([0] * fs.SCORE_BINS, 0.5) is None


def test_latency_percentiles_are_within_a_bin_of_the_exact_ones() -> None:
    rng = np.random.default_rng(0)
    latencies = rng.lognormal(mean=math.log(20), sigma=0.6, size=20_000)
    tally = fs.Tally()
    for ms in latencies:
        tally.add([("a", 0.9)], float(ms))
    figures = tally.figures(0.5)["latency_ms"]
    assert figures["mean"] == pytest.approx(float(latencies.mean()))
    for q, key in ((0.5, "p50"), (0.95, "p95")):
        exact = float(np.quantile(latencies, q))
        assert abs(figures[key] - exact) / exact < 0.2, (key, figures[key], exact)
    assert fs.latency_percentile([0] * fs.LATENCY_BINS, 0.5) is None
    # The open last bin.
    assert fs.latency_bin(10_000) == fs.LATENCY_BINS - 1


def test_psi_is_zero_for_equal_mixes_and_grows_with_the_shift() -> None:
    assert fs.psi({"a": 50, "b": 50}, {"a": 5, "b": 5}) == pytest.approx(0.0)
    small = fs.psi({"a": 50, "b": 50}, {"a": 55, "b": 45})
    large = fs.psi({"a": 50, "b": 50}, {"a": 90, "b": 10})
    assert 0 < small < 0.1 < 0.25 < large
    # A class the reference never predicted weighs heavily, but finitely.
    assert 1 < fs.psi({"a": 10}, {"a": 5, "b": 5}) < 100
    with pytest.raises(ValueError, match="bins"):
        fs.psi([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="at least one count"):
        fs.psi([0, 0], [1, 2])


def test_compare_gives_a_verdict_only_with_enough_field_and_a_reference() -> None:
    reference = {"confidence_histogram": [0] * 18 + [10, 90], "class_counts": {"a": 50, "b": 50}}
    same = {
        "predictions": 500,
        "confidence_histogram": [0] * 18 + [50, 450],
        "class_counts": {"a": 250, "b": 250},
    }
    shifted = {
        "predictions": 500,
        "confidence_histogram": [50] * 10 + [0] * 10,
        "class_counts": {"a": 480, "b": 20},
    }
    assert fs.compare(same, reference, threshold=0.25, min_predictions=200)["verdict"] == "stable"
    verdict = fs.compare(shifted, reference, threshold=0.25, min_predictions=200)
    assert verdict["verdict"] == "drift" and verdict["class_psi"] > 0.25 and verdict["confidence_psi"] > 0.25
    few = fs.compare(shifted | {"predictions": 20}, reference, threshold=0.25, min_predictions=200)
    assert few["verdict"] == "no verdict" and "fewer than 200" in few["reason"]
    none = fs.compare(shifted, {}, threshold=0.25, min_predictions=200)
    assert none["verdict"] == "no verdict" and "reference" in none["reason"]


def test_reference_counts_what_the_model_predicted() -> None:
    ref = fs.reference([[("a", 0.97)], [("b", 0.4)], [], [("a", 0.99), ("b", 0.2)]], split="held-out")
    assert ref["predictions"] == 4 and ref["class_counts"] == {"a": 2, "b": 2}
    assert sum(ref["confidence_histogram"]) == 4 and ref["confidence_histogram"][19] == 2
