"""The rollout-evaluation flow: for each active rollout, promote its stage, hold it, or roll it back.

On a schedule (ACUSIGHT_ROLLOUT_CHECK_MINUTES) or when asked (``POST /ml/rollout-checks``), each
active rollout's current stage is read with its figures (webapp/services/rollout_figures.py says what
they are) and judged by :func:`judge`; the decision goes back to the API with the figures it compared.
A rollout that moved meanwhile (a person promoted, paused or rolled it back) answers 409, and the
stale decision is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prefect import flow, get_run_logger, task

from flows.client import ApiError, PlatformClient
from flows.config import FlowSettings
from flows.prefect_ui import RunName


@dataclass(frozen=True)
class Verdict:
    action: str  # promote, hold or rollback
    reason: str


def breaches(guardrails: dict[str, Any], figures: dict[str, Any], min_devices: int) -> list[str]:
    """The guardrails the stage's figures breach, each said with its figures. A figure is judged only on
    enough evidence: at least ``min_devices`` devices (at least one) that loaded the export or failed
    to, for the failure rate; as many that reported predictions, for the rest."""
    said: list[str] = []
    enough = max(min_devices, 1)
    failures = figures.get("failures") or {}
    tried = int(failures.get("devices_loaded") or 0) + int(failures.get("devices_failed") or 0)
    limit, rate = guardrails.get("max_failure_rate"), failures.get("failure_rate")
    if limit is not None and rate is not None and tried >= enough and rate > limit:
        said.append(
            f"failure rate {rate:.3f} > {limit} ({failures.get('devices_failed')} of {tried} devices could "
            f"not load it, {failures.get('runs_failed')} runs failed)"
        )
    if int(figures.get("reporting_devices") or 0) < enough:
        return said
    candidate = figures.get("candidate") or {}
    checks = (
        ("max_score_drop", figures.get("score_drop"), "mean top score dropped by {value:.3f}"),
        (
            "max_low_confidence_share",
            candidate.get("low_confidence_share"),
            "low-confidence share {value:.3f}",
        ),
        ("max_p95_latency_ms", (candidate.get("latency_ms") or {}).get("p95"), "p95 latency {value:.1f} ms"),
        ("max_class_psi", figures.get("class_psi"), "class mix PSI {value:.3f}"),
    )
    for key, value, text in checks:
        limit = guardrails.get(key)
        if limit is not None and value is not None and value > limit:
            said.append(f"{text.format(value=value)} > {limit}")
    return said


def judge(rollout: dict[str, Any]) -> Verdict:
    """What to do with the rollout's current stage: roll back on any guardrail breached (manual rollouts
    too), hold until the stage is old enough and enough devices report, then promote (``auto``) or wait
    for a person (``manual``)."""
    figures = rollout["figures"]
    stage = rollout["stages"][rollout["stage"]]
    breached = breaches(rollout["guardrails"], figures, int(stage["min_devices"]))
    if breached:
        return Verdict("rollback", "guardrails breached: " + "; ".join(breached))
    age, needed = float(figures["stage_age_s"]), float(stage["min_duration_s"])
    if age < needed:
        return Verdict("hold", f"stage {rollout['stage'] + 1} runs {needed:.0f} s at least")
    reporting, wanted = int(figures["reporting_devices"]), int(stage["min_devices"])
    if reporting < wanted:
        return Verdict(
            "hold",
            f"{reporting} of {wanted} devices needed have reported ({figures['stage_devices']} in the stage)",
        )
    if rollout["promotion"] == "manual":
        return Verdict("hold", "the guardrails hold; waiting for a person to promote")
    last = rollout["stage"] + 1 == len(rollout["stages"])
    return Verdict("promote", "the guardrails hold" + ("; the last stage is done" if last else ""))


@task(task_run_name="evaluate rollout {rollout_id}")
def evaluate(api: PlatformClient, rollout_id: int) -> dict[str, Any]:
    """Judge one rollout and send the decision; returns what was decided."""
    rollout = api.get(f"/ml/rollouts/{rollout_id}")
    if rollout["status"] != "active" or rollout["figures"] is None:
        return {"rollout_id": rollout_id, "action": "none", "reason": f"the rollout is {rollout['status']}"}
    verdict = judge(rollout)
    body = {
        "stage": rollout["stage"],
        "action": verdict.action,
        "reason": verdict.reason,
        "figures": rollout["figures"],
    }
    try:
        after = api.post(f"/ml/rollouts/{rollout_id}/decisions", body)
    except ApiError as exc:
        if exc.status != 409:
            raise
        return {"rollout_id": rollout_id, "action": "none", "reason": f"it moved meanwhile: {exc.message}"}
    return {
        "rollout_id": rollout_id,
        "action": verdict.action,
        "reason": verdict.reason,
        "status": after["status"],
        "stage": after["stage"],
    }


@flow(
    name="rollout-evaluation",
    flow_run_name=RunName(
        "rollout evaluation", (("rollout", "rollout_id"),), otherwise="every active rollout"
    ),
)
def evaluate_rollouts(rollout_id: int | None = None) -> list[dict[str, Any]]:
    """Evaluate every active rollout (or only ``rollout_id``); returns each decision."""
    log = get_run_logger()
    settings = FlowSettings.from_env()
    outcomes = []
    for target in PlatformClient(settings, None).get("/ml/rollout-targets"):
        if rollout_id is not None and target["rollout_id"] != rollout_id:
            continue
        api = PlatformClient(settings, target["organization_id"])
        outcome = evaluate(api, target["rollout_id"])
        log.info("rollout %s: %s (%s)", target["rollout_id"], outcome["action"], outcome["reason"])
        outcomes.append(outcome)
    return outcomes
