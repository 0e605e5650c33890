"""Links between Acusight projects and Label Studio projects: finding them, their sync status, what a
flow needs to work on one, and the flows' reports."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.errors import Conflict, NotFound
from webapp.integrations.label_studio.instances import link_instance, settings
from webapp.integrations.label_studio.label_config import config_hash, label_config
from webapp.models import LabelStudioLink, LabelStudioPullRequest, LabelStudioTask, Project, utcnow
from webapp.services.common import get_in_org, lock_rows

log = logging.getLogger(__name__)

MAX_ERROR_CHARS = 10_000


def find_link(session: Session, project_id: int | None) -> LabelStudioLink | None:
    if project_id is None:
        return None
    return session.scalar(select(LabelStudioLink).where(LabelStudioLink.project_id == project_id))


def get_link(session: Session, organization_id: int, project_id: int) -> LabelStudioLink:
    project = get_in_org(session, Project, organization_id, project_id)
    link = find_link(session, project.id)
    if link is None:
        raise NotFound(
            f"Project {project.id} is not linked to Label Studio",
            f"link it with POST /api/data/projects/{project.id}/label-studio",
        )
    return link


def locked_link(session: Session, organization_id: int, project_id: int) -> LabelStudioLink:
    link = get_link(session, organization_id, project_id)
    lock_rows(session, LabelStudioLink, [link.id])
    session.refresh(link)
    return link


def all_links(session: Session) -> list[LabelStudioLink]:
    """Every link of every organization: what the scheduled pull walks through."""
    return list(session.scalars(select(LabelStudioLink).order_by(LabelStudioLink.id)))


def status(session: Session, organization_id: int, project_id: int) -> dict[str, Any]:
    """The link with its sync status: tasks pushed and annotated, last push and pull, last error."""
    link = get_link(session, organization_id, project_id)
    project = session.get(Project, link.project_id)
    assert project is not None  # the link goes with its project
    pushed, annotated = session.execute(
        select(func.count(), func.count().filter(LabelStudioTask.annotated)).where(
            LabelStudioTask.link_id == link.id
        )
    ).one()
    try:
        config: str | None = label_config(project)
    except Conflict:
        config = None  # every label removed: Label Studio keeps the last config it accepted
    queued = session.scalar(
        select(func.count())
        .select_from(LabelStudioPullRequest)
        .where(LabelStudioPullRequest.link_id == link.id)
    )
    columns = {c.key: getattr(link, c.key) for c in LabelStudioLink.__table__.columns}
    base = link.label_studio_url or settings().label_studio_url.rstrip("/")
    return {
        **columns,
        "label_studio_project_url": f"{base}/projects/{link.ls_project_id}",
        "pull_queued": queued,
        "tasks_pushed": pushed,
        "tasks_annotated": annotated or 0,
        "label_config": config,
        "label_config_in_sync": config is not None and config_hash(config) == link.label_config_hash,
    }


def connection(session: Session, organization_id: int, project_id: int) -> dict[str, Any]:
    """What a flow needs to work on a link in Label Studio: the instance's URL and the token for it.

    For service accounts only: people never see a token.
    """
    link = get_link(session, organization_id, project_id)
    instance = link_instance(session, link)
    return {
        "project_id": link.project_id,
        "label_studio_project_id": link.ls_project_id,
        "url": instance.url,
        "token": instance.token,
    }


def delete_link(session: Session, organization_id: int, project_id: int) -> None:
    """Forget the link and the task mapping; the Label Studio project and its annotations stay there."""
    session.delete(get_link(session, organization_id, project_id))
    session.flush()


def record_error(link: LabelStudioLink, message: str) -> None:
    link.last_error = message[:MAX_ERROR_CHARS]
    link.last_error_at = utcnow()
    log.warning("Label Studio link %s (project %s): %s", link.id, link.project_id, message)


def report(
    session: Session,
    organization_id: int,
    project_id: int,
    *,
    stage: str,
    state: str,
    error: str | None = None,
    pull_cursor: datetime | None = None,
    label_config_hash: str | None = None,
    claim: str | None = None,
) -> dict[str, Any]:
    """Take a flow's report: a push or pull running, done, or failed (with its error).

    A failed webhook pull lets go of its claim: the next webhook starts a fresh one, which takes the
    tasks still queued (so does the scheduled pull).
    """
    if claim is not None and state == "failed":
        link = locked_link(session, organization_id, project_id)
        if link.pull_claim == claim:
            link.pull_claim, link.pull_claimed_at, link.pull_flow_run_id = None, None, None
    else:
        link = get_link(session, organization_id, project_id)
    now = utcnow()
    if state == "running":
        link.sync_status = "pushing" if stage == "push" else "pulling"
    elif state == "succeeded":
        link.sync_status = "synced"
        if stage == "push":
            link.last_push_at = now
        else:
            link.last_pull_at = now
    else:
        link.sync_status = "failed"
        record_error(link, f"{stage} failed: {error or 'no message'}")
    if pull_cursor is not None and (link.pull_cursor is None or pull_cursor > link.pull_cursor):
        link.pull_cursor = pull_cursor
    if label_config_hash is not None:
        link.label_config_hash = label_config_hash
    session.flush()
    return status(session, organization_id, project_id)
