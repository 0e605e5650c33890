"""Staged rollouts of an export to a project's devices: start, promote, pause, resume, roll back, and
the evaluation flow's decisions.

A rollout holds its project while active or paused (one at a time: a second is CONFLICT); each stage's
devices run its export (webapp/services/cohorts.py, services/delivery.py). The evaluation flow
(flows/rollouts.py) reads a stage's figures (services/rollout_figures.py) and decides: promote, hold
or roll back; ``manual`` rollouts wait for a person to promote, though their guardrails still roll
back. Past the last stage the rollout completes: its export becomes the project's (narrowed by tags,
it stays with the tagged devices instead). Rolled back, every device goes back to what it ran before
at its next check-in. Every change locks the rollout's row first, so a person and the flow deciding
at once are served one after the other, and the second sees what the first did.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.errors import Conflict, ValidationError
from webapp.models import HOLDING_STATUSES, ExportJob, Project, Rollout, RolloutDecision, User, utcnow
from webapp.services import cohorts, delivery, events, rollout_figures
from webapp.services.common import Page, get_in_org, lock_rows, paginate, where_equal

DEFAULT_STAGES = (
    {"percent": 10.0, "min_duration_s": 3600, "min_devices": 1},
    {"percent": 50.0, "min_duration_s": 3600, "min_devices": 1},
    {"percent": 100.0, "min_duration_s": 3600, "min_devices": 1},
)
# A guardrail left out takes its default; null turns it off.
DEFAULT_GUARDRAILS: dict[str, float | None] = {
    "max_score_drop": 0.1,
    "max_low_confidence_share": None,
    "max_failure_rate": 0.05,
    "max_p95_latency_ms": None,
    "max_class_psi": None,
}
# What the flow may decide (pause and resume are a person's).
FLOW_ACTIONS = ("promote", "hold", "rollback")


def create(
    session: Session,
    organization_id: int,
    user: User | None,
    body: dict[str, Any],
    now: datetime | None = None,
) -> Rollout:
    """Start a rollout of a succeeded export to its project's devices (narrowed by ``tags``)."""
    now = now or utcnow()
    job = get_in_org(session, ExportJob, organization_id, body["export_id"])
    project_id = body.get("project_id") or job.project_id
    project = get_in_org(session, Project, organization_id, project_id)
    if job.project_id != project.id:
        raise ValidationError(
            f"Export {job.id} is of another project's model",
            f"it exports a model of project {job.project_id}; a rollout goes to the model's own project",
        )
    delivery.deployable(session, organization_id, job.id, project_id=project.id)
    if project.archived:
        raise Conflict(f"Project {project.id} is archived", "unarchive it to roll a model out to it")
    if project.deployed_export_id == job.id and not body.get("tags"):
        raise Conflict(
            f"Export {job.id} is already the project's", "every device of the project already runs it"
        )
    holding = cohorts.holding(session, project.id)
    if holding is not None:
        raise _busy(holding)
    rollout = Rollout(
        organization_id=organization_id,
        project_id=project.id,
        export_id=job.id,
        baseline_export_id=project.deployed_export_id,
        holding_project_id=project.id,
        tags=sorted(set(body.get("tags") or [])),
        stages=[dict(stage) for stage in (body.get("stages") or DEFAULT_STAGES)],
        guardrails=DEFAULT_GUARDRAILS | dict(body.get("guardrails") or {}),
        promotion=body.get("promotion", "auto"),
        status="active",
        stage=0,
        stage_started_at=now,
        created_by_id=user.id if user else None,
        created_at=now,
        updated_at=now,
    )
    session.add(rollout)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent request took the project first
        raise Conflict(f"Project {project.id} already has an active rollout") from exc
    return rollout


def _busy(holding: Rollout) -> Conflict:
    return Conflict(
        f"Project {holding.project_id} already has an active rollout ({holding.id})",
        f"rollout {holding.id} is {holding.status}; roll it back, or wait for it to complete",
    )


def list_(
    session: Session,
    organization_id: int,
    page: int,
    per_page: int,
    project_id: int | None = None,
    status: str | None = None,
    export_id: int | None = None,
) -> Page[Any]:
    stmt = where_equal(
        select(Rollout).where(Rollout.organization_id == organization_id),
        {Rollout.project_id: project_id, Rollout.status: status, Rollout.export_id: export_id},
    )
    return paginate(session, stmt.order_by(Rollout.id.desc()), page, per_page)


def get(session: Session, organization_id: int, rollout_id: int) -> Rollout:
    return get_in_org(session, Rollout, organization_id, rollout_id)


def figures(
    session: Session, rollout: Rollout, *, baseline_hours: float, minute_retention: timedelta
) -> dict[str, Any] | None:
    """The current stage's figures while the rollout holds its project; None once it is over."""
    if rollout.status not in HOLDING_STATUSES:
        return None
    return rollout_figures.current(
        session, rollout, baseline_hours=baseline_hours, minute_retention=minute_retention, now=utcnow()
    )


def targets(session: Session) -> list[dict[str, int]]:
    """Every active rollout of every organization: what the evaluation flow looks at."""
    rows = session.execute(
        select(Rollout.organization_id, Rollout.id).where(Rollout.status == "active").order_by(Rollout.id)
    )
    return [{"organization_id": org, "rollout_id": rollout_id} for org, rollout_id in rows]


# --- decisions ------------------------------------------------------------------------------------


def _locked(session: Session, organization_id: int, rollout_id: int) -> Rollout:
    rollout = get_in_org(session, Rollout, organization_id, rollout_id)
    lock_rows(session, Rollout, [rollout.id])
    session.refresh(rollout)
    return rollout


def _expect(rollout: Rollout, allowed: tuple[str, ...], doing: str) -> None:
    if rollout.status not in allowed:
        raise Conflict(
            f"Rollout {rollout.id} is {rollout.status}",
            f"only a rollout that is {' or '.join(allowed)} can be {doing}",
        )


def _record(
    session: Session,
    rollout: Rollout,
    action: str,
    reason: str,
    *,
    user: User | None,
    figures: dict[str, Any] | None,
    now: datetime,
) -> RolloutDecision:
    decision = RolloutDecision(
        rollout_id=rollout.id,
        stage=rollout.stage,
        action=action,
        reason=reason,
        decided_by="user" if user else "flow",
        user_id=user.id if user else None,
        figures=figures,
        created_at=now,
    )
    rollout.decisions.append(decision)  # the cascade adds it to the session
    return decision


def _advance(session: Session, rollout: Rollout, now: datetime) -> str:
    """Move to the next stage, or complete after the last; returns the action that was."""
    if rollout.stage + 1 < len(rollout.stages):
        rollout.stage += 1
        rollout.stage_started_at = now
        return "promote"
    rollout.status, rollout.holding_project_id, rollout.finished_at = "completed", None, now
    project = session.get(Project, rollout.project_id)
    assert project is not None
    # Earlier completed rollouts whose devices this one covers now stop holding them.
    for older in session.scalars(
        select(Rollout).where(
            Rollout.project_id == rollout.project_id, Rollout.status == "completed", Rollout.id != rollout.id
        )
    ):
        if set(rollout.tags) <= set(older.tags):
            older.status = "superseded"
    if not rollout.tags:
        project.deployed_export_id = rollout.export_id
    return "complete"


def _announce(session: Session, rollout: Rollout, decision: RolloutDecision) -> None:
    name = "rollout.rolled_back" if decision.action == "rollback" else "rollout.promoted"
    stage = rollout.stages[min(decision.stage + (decision.action == "promote"), len(rollout.stages) - 1)]
    events.platform_event.send(
        session,
        name=name,
        organization_id=rollout.organization_id,
        data={
            "rollout_id": rollout.id,
            "project_id": rollout.project_id,
            "export_id": rollout.export_id,
            "baseline_export_id": rollout.baseline_export_id,
            "status": rollout.status,
            "action": decision.action,
            "stage": rollout.stage,
            "percent": stage["percent"],
            "reason": decision.reason,
            "decided_by": decision.decided_by,
        },
    )


def _promote(
    session: Session,
    rollout: Rollout,
    reason: str,
    *,
    user: User | None,
    figures: dict[str, Any] | None,
    now: datetime,
) -> Rollout:
    """Advance the rollout; the decision is recorded in the stage it was made in, and announced."""
    stage = rollout.stage
    action = _advance(session, rollout, now)
    decision = _record(session, rollout, action, reason, user=user, figures=figures, now=now)
    decision.stage = stage
    session.flush()
    _announce(session, rollout, decision)
    return rollout


def promote(
    session: Session, organization_id: int, rollout_id: int, user: User, reason: str | None = None
) -> Rollout:
    """A person moves the rollout to its next stage (or completes it), whatever the figures say."""
    rollout = _locked(session, organization_id, rollout_id)
    _expect(rollout, HOLDING_STATUSES, "promoted")
    return _promote(session, rollout, reason or "promoted by hand", user=user, figures=None, now=utcnow())


def _switch(
    session: Session, organization_id: int, rollout_id: int, user: User, reason: str | None, action: str
) -> Rollout:
    """Pause an active rollout or resume a paused one (``action``), recording who and why."""
    before, after, doing = (
        ("active", "paused", "paused") if action == "pause" else ("paused", "active", "resumed")
    )
    rollout = _locked(session, organization_id, rollout_id)
    _expect(rollout, (before,), doing)
    rollout.status = after
    _record(session, rollout, action, reason or f"{doing} by hand", user=user, figures=None, now=utcnow())
    session.flush()
    return rollout


def pause(
    session: Session, organization_id: int, rollout_id: int, user: User, reason: str | None = None
) -> Rollout:
    """Stop the evaluation: the stage's devices keep the export, nothing moves until resumed."""
    return _switch(session, organization_id, rollout_id, user, reason, "pause")


def resume(
    session: Session, organization_id: int, rollout_id: int, user: User, reason: str | None = None
) -> Rollout:
    return _switch(session, organization_id, rollout_id, user, reason, "resume")


def rollback(
    session: Session,
    organization_id: int,
    rollout_id: int,
    user: User | None,
    reason: str | None = None,
    figures: dict[str, Any] | None = None,
) -> Rollout:
    """End the rollout: its devices go back to what they ran before at their next check-in. A completed
    rollout may be rolled back too: the project's export goes back to the baseline (when it is still
    this rollout's), and tagged devices go back to the project's."""
    now = utcnow()
    rollout = _locked(session, organization_id, rollout_id)
    _expect(rollout, (*HOLDING_STATUSES, "completed"), "rolled back")
    if rollout.status == "completed" and not rollout.tags:
        project = session.get(Project, rollout.project_id)
        assert project is not None
        if project.deployed_export_id == rollout.export_id:
            project.deployed_export_id = rollout.baseline_export_id
    rollout.status, rollout.holding_project_id, rollout.finished_at = "rolled_back", None, now
    decision = _record(
        session, rollout, "rollback", reason or "rolled back by hand", user=user, figures=figures, now=now
    )
    session.flush()
    _announce(session, rollout, decision)
    return rollout


def decide(session: Session, organization_id: int, rollout_id: int, body: dict[str, Any]) -> Rollout:
    """The evaluation flow's decision on the stage it read (``stage``): CONFLICT when the rollout moved
    meanwhile (a person promoted, paused or rolled it back), so a stale verdict changes nothing."""
    now = utcnow()
    rollout = _locked(session, organization_id, rollout_id)
    _expect(rollout, ("active",), "decided on")
    if body["stage"] != rollout.stage:
        raise Conflict(
            f"Rollout {rollout.id} is at stage {rollout.stage}",
            f"the decision was made on stage {body['stage']}; evaluate again",
        )
    action, reason, figures = body["action"], body["reason"], body.get("figures")
    rollout.last_evaluated_at = now
    if action == "rollback":
        return rollback(session, organization_id, rollout.id, None, reason, figures)
    if action == "promote":
        if rollout.promotion == "manual":
            raise Conflict(f"Rollout {rollout.id} is promoted by hand", "the flow may only hold or roll back")
        return _promote(session, rollout, reason, user=None, figures=figures, now=now)
    # A hold is kept only when its reason differs from the last decision's: an evaluation every few
    # minutes would otherwise write the same "waiting" hundreds of times a day.
    last = rollout.decisions[-1] if rollout.decisions else None
    if last is None or (last.action, last.stage, last.reason) != ("hold", rollout.stage, reason):
        _record(session, rollout, "hold", reason, user=None, figures=figures, now=now)
    session.flush()
    return rollout
