"""The device's sampling decisions: the band, the random rate, class quotas, the daily budget."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from acusight_sdk.sampling import Sampler

DAY = datetime(2026, 12, 7, 12, tzinfo=UTC)


def test_uncertain_frames_go_up_until_their_class_quota_and_the_budget() -> None:
    policy = {"score_band": {"low": 0.2, "high": 0.6}, "class_quotas": {"rare": 5, "*": 2}, "daily_budget": 8}
    sampler = Sampler(policy, rng=random.Random(0))
    assert sampler.decide("common", 0.95, DAY).reason == "confident"
    common = [sampler.decide("common", 0.5, DAY) for _ in range(4)]
    assert [d.upload for d in common] == [True, True, False, False] and common[2].reason == "quota"
    rare = [sampler.decide("rare", 0.3, DAY).upload for _ in range(6)]
    assert rare == [True] * 5 + [False]
    # 2 common + 5 rare: one more fits the budget of 8, then nothing does.
    assert sampler.decide("other", 0.4, DAY).upload
    assert sampler.decide("third", 0.4, DAY).reason == "budget"
    # A new UTC day starts the counts again.
    assert sampler.decide("common", 0.5, DAY + timedelta(days=1)).upload


def test_the_random_rate_samples_about_its_share_of_confident_frames() -> None:
    sampler = Sampler({"random_rate": 0.25}, rng=random.Random(1))
    picked = [sampler.decide("a", 0.99, DAY) for _ in range(4000)]
    share = sum(d.upload for d in picked) / len(picked)
    assert 0.22 < share < 0.28 and {d.reason for d in picked if d.upload} == {"random"}


def test_no_policy_or_a_disabled_one_uploads_nothing() -> None:
    assert not Sampler(None).decide("a", 0.5, DAY).upload
    assert not Sampler({"enabled": False, "random_rate": 1.0}).decide("a", 0.5, DAY).upload
    # A detector that saw nothing: its top score is 0, its class the catch-all.
    sampler = Sampler({"score_band": {"low": 0.0, "high": 0.3}, "class_quotas": {"*": 1}})
    assert sampler.decide(None, 0.0, DAY).upload and not sampler.decide(None, 0.0, DAY).upload
