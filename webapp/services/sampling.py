"""Active learning: which frames a project's devices upload, and what happens to those they do.

A project's ``sampling`` policy (``PATCH /data/projects/{id}``) is decided on the device, so a fleet
on a thin uplink sends only what matters (acusight_sdk/sampling.py in sdk/python implements it):

- ``score_band``: upload a frame whose top score lies in ``[low, high]`` (the model is unsure);
- ``random_rate``: and this share of the others, at random (an unbiased view of the field);
- ``class_quotas``: at most this many uploads per predicted class per device and UTC day (``"*"``: any
  class not named), so a common class cannot use up the budget and rare classes get through;
- ``daily_budget``: at most this many uploads per device and UTC day, whatever the reason.

After drift, the project's ``sampling_boost`` raises the random rate for a while (services/drift.py).
What becomes of the frames uploaded under the policy: services/active_learning.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from webapp.errors import ValidationError
from webapp.models import Project, utcnow

ANY_CLASS = "*"


def check_policy(project: Project, policy: dict[str, Any] | None, labels: list[str]) -> dict[str, Any] | None:
    """The policy as stored, or VALIDATION_ERROR: class quotas must name the project's labels (or ``*``)."""
    if policy is None:
        return None
    unknown = sorted(set(policy.get("class_quotas") or {}) - set(labels) - {ANY_CLASS})
    if unknown:
        raise ValidationError(
            "Unknown label in class_quotas",
            f"{unknown[0]!r} is not a label of project {project.id}; name its labels, or {ANY_CLASS!r} "
            "for the rest",
        )
    return policy


def device_policy(
    project: Project | None, export_id: int | None, now: datetime | None = None
) -> dict[str, Any] | None:
    """What a device of ``project`` that runs ``export_id`` is told to apply; null: no policy (it
    uploads as it did before).

    A drift boost reaches the devices that run the export that drifted, and gives them a policy even
    in a project without one: the random rate alone, for a while. A policy turned off (``enabled:
    false``) stays off, boost or not.
    """
    if project is None or (project.sampling is not None and not project.sampling.get("enabled", True)):
        return None
    boost = active_boost(project, now)
    if boost is not None and boost.get("export_id") != export_id:
        boost = None
    if project.sampling is None and boost is None:
        return None
    base = project.sampling or {}
    policy = {
        "enabled": True,
        "score_band": base.get("score_band"),
        "random_rate": float(base.get("random_rate") or 0.0),
        "class_quotas": dict(base.get("class_quotas") or {}),
        "daily_budget": base.get("daily_budget"),
        "low_confidence_threshold": project.low_confidence_threshold,
        "boost": None,
    }
    if boost is not None:
        policy["random_rate"] = max(policy["random_rate"], float(boost["random_rate"]))
        policy["boost"] = {"random_rate": boost["random_rate"], "until": boost["until"]}
    return policy


def active_boost(project: Project, now: datetime | None = None) -> dict[str, Any] | None:
    boost = project.sampling_boost
    if not boost:
        return None
    until = datetime.fromisoformat(boost["until"])
    return boost if until > (now or utcnow()) else None
