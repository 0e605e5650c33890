"""Pulling annotations: starting a pull, and the queue of tasks webhooks named, which one pull at a time
(holding the link's claim) works through."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from webapp import orchestration
from webapp.errors import ServiceUnavailable
from webapp.integrations.label_studio.links import get_link, locked_link
from webapp.models import LabelStudioLink, LabelStudioPullRequest, utcnow
from webapp.services.common import lock_rows
from webapp.unit_of_work import commit_now

# A webhook-started pull holds its project's claim while queued or running, renewing it as it works;
# one not renewed for this long was abandoned (its worker died), and the next webhook starts another.
PULL_LEASE = timedelta(minutes=10)


def start_pull(session: Session, organization_id: int, project_id: int) -> dict[str, Any]:
    """Start an incremental pull of the project's annotations from Label Studio."""
    link = get_link(session, organization_id, project_id)
    return {"project_id": link.project_id, "flow_run_id": _start_pull(link, None)}


def _start_pull(link: LabelStudioLink, claim: str | None) -> str:
    parameters: dict[str, Any] = {"organization_id": link.organization_id, "project_id": link.project_id}
    if claim is not None:
        parameters["claim"] = claim
    return orchestration.start("label_studio_pull", parameters)


def queue_pull(session: Session, link: LabelStudioLink, task_ids: Sequence[int]) -> dict[str, Any]:
    """Queue tasks for pulling, and start a pull of the project unless one is queued or running.

    The queue and the claim change under the link's row lock, which a pull also takes before it looks
    at the queue one last time and lets go of the claim: either it sees these tasks and takes them
    too, or it let go first and a new run starts here. A burst of webhooks starts one run, and no
    queued task is left without a run to take it.
    """
    lock_rows(session, LabelStudioLink, [link.id])
    session.add_all(LabelStudioPullRequest(link_id=link.id, ls_task_id=task_id) for task_id in task_ids)
    session.refresh(link)
    now = utcnow()
    if link.pull_claim is not None and link.pull_claimed_at and link.pull_claimed_at > now - PULL_LEASE:
        session.flush()
        return {"flow_run_id": link.pull_flow_run_id, "started": False}
    claim = secrets.token_hex(16)
    link.pull_claim, link.pull_claimed_at, link.pull_flow_run_id = claim, now, None
    # Durable before Prefect is called: the run finds the queue and its claim (a crash leaves a lease
    # that runs out).
    commit_now(session)
    try:
        run = _start_pull(link, claim)
    except ServiceUnavailable:
        # The tasks stay queued: the next webhook's run, or the scheduled pull, takes them.
        _release_claim(session, link.id, claim)
        raise
    session.execute(
        update(LabelStudioLink)
        .where(LabelStudioLink.id == link.id, LabelStudioLink.pull_claim == claim)
        .values(pull_flow_run_id=run)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return {"flow_run_id": run, "started": True}


def _release_claim(session: Session, link_id: int, claim: str) -> None:
    """Let go of a pull's claim, if it still holds it."""
    session.execute(
        update(LabelStudioLink)
        .where(LabelStudioLink.id == link_id, LabelStudioLink.pull_claim == claim)
        .values(pull_claim=None, pull_claimed_at=None, pull_flow_run_id=None)
        .execution_options(synchronize_session=False)
    )
    # Committed now: the claim is let go although the request that failed to start the run is refused.
    commit_now(session)


def take_pull_queue(
    session: Session, organization_id: int, project_id: int, *, claim: str | None, limit: int
) -> dict[str, Any]:
    """The oldest queued tasks, for a pull to fetch. The run holding the claim renews it; a run that
    lost it (taken over once its lease ran out) gets nothing, and stops. Without a claim (the
    scheduled pull) the queue is read as it is."""
    link = locked_link(session, organization_id, project_id)
    owned = claim is not None and link.pull_claim == claim
    if owned:
        link.pull_claimed_at = utcnow()
    session.flush()
    if claim is not None and not owned:
        return {"owned": False, "entries": []}
    rows = session.scalars(
        select(LabelStudioPullRequest)
        .where(LabelStudioPullRequest.link_id == link.id)
        .order_by(LabelStudioPullRequest.id)
        .limit(limit)
    ).all()
    return {"owned": owned, "entries": rows}


def finish_pull_queue(
    session: Session, organization_id: int, project_id: int, *, claim: str | None, entry_ids: Sequence[int]
) -> dict[str, Any]:
    """Drop the queue entries a pull has synced; the claim's holder lets go once nothing is left.

    Entries queued while it worked stay (they have new ids), so the holder goes round again.
    """
    link = locked_link(session, organization_id, project_id)
    if entry_ids:
        session.execute(
            delete(LabelStudioPullRequest).where(
                LabelStudioPullRequest.link_id == link.id, LabelStudioPullRequest.id.in_(list(entry_ids))
            )
        )
    remaining = session.scalar(
        select(func.count())
        .select_from(LabelStudioPullRequest)
        .where(LabelStudioPullRequest.link_id == link.id)
    )
    owned = claim is not None and link.pull_claim == claim
    released = owned and remaining == 0
    if released:
        link.pull_claim, link.pull_claimed_at, link.pull_flow_run_id = None, None, None
    elif owned:
        link.pull_claimed_at = utcnow()
    session.flush()
    return {"owned": owned, "released": released, "remaining": remaining}
