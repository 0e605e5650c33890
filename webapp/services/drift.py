"""Drift: the exports the `drift-check` flow watches, the events it records, and what an event starts.

The flow (flows/drift.py) compares each deployed export's field with its reference and posts an event
when either population stability index passes its threshold. The event raises the project's sampling
(a random rate, for a while, services/sampling.py) so that the changed world's frames come in, land in
the active-learning batch and go through labelling, a new dataset version and the project's training
schedule.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.errors import ValidationError
from webapp.models import Device, DriftEvent, ExportJob, Project, utcnow
from webapp.services import events, sampling
from webapp.services.common import Page, get_in_org, paginate


def targets(session: Session) -> list[dict[str, Any]]:
    """Every export some device should run (a project's, or a device's own), across organizations."""
    project_rows = session.execute(
        select(Project.organization_id, Project.id, Project.deployed_export_id).where(
            Project.deployed_export_id.is_not(None), Project.archived.is_(False)
        )
    ).all()
    device_rows = session.execute(
        select(ExportJob.organization_id, ExportJob.project_id, ExportJob.id)
        .join(Device, Device.deployed_export_id == ExportJob.id)
        .distinct()
    ).all()
    found = {(org, project, export) for org, project, export in (*project_rows, *device_rows)}
    return [
        {"organization_id": org, "project_id": project, "export_id": export}
        for org, project, export in sorted(found, key=lambda t: t[2])
    ]


def record(
    session: Session,
    organization_id: int,
    body: dict[str, Any],
    *,
    boost_rate: float,
    boost_for: timedelta,
    now: datetime | None = None,
) -> DriftEvent:
    """Keep one drift event and, unless a boost is already on, raise the project's sampling rate."""
    now = now or utcnow()
    job = get_in_org(session, ExportJob, organization_id, body["export_id"])
    if body["window_from"] >= body["window_to"]:
        raise ValidationError("Empty window", "window_from must be before window_to")
    project = session.get(Project, job.project_id)
    assert project is not None
    event = DriftEvent(organization_id=organization_id, project_id=project.id, created_at=now, **body)
    session.add(event)
    session.flush()
    if sampling.active_boost(project, now) is None and boost_rate > 0:
        boost = {
            "random_rate": boost_rate,
            "until": (now + boost_for).isoformat(),
            "export_id": job.id,
            "drift_event_id": event.id,
        }
        project.sampling_boost = boost
        event.sampling_boost = {"random_rate": boost_rate, "until": boost["until"]}
    session.flush()
    data = {
        "drift_event_id": event.id,
        "project_id": project.id,
        "export_id": job.id,
        "predictions": event.predictions,
        "class_psi": event.class_psi,
        "confidence_psi": event.confidence_psi,
        "threshold": event.threshold,
        "window_from": event.window_from.isoformat(),
        "window_to": event.window_to.isoformat(),
    }
    events.platform_event.send(session, name="drift.detected", organization_id=organization_id, data=data)
    return event


def list_(
    session: Session,
    organization_id: int,
    page: int,
    per_page: int,
    *,
    export_id: int | None = None,
    project_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[Any]:
    """The organization's drift events, newest first."""
    stmt = select(DriftEvent).where(DriftEvent.organization_id == organization_id)
    if export_id is not None:
        stmt = stmt.where(DriftEvent.export_id == export_id)
    if project_id is not None:
        stmt = stmt.where(DriftEvent.project_id == project_id)
    if since is not None:
        stmt = stmt.where(DriftEvent.created_at >= since)
    if until is not None:
        stmt = stmt.where(DriftEvent.created_at < until)
    return paginate(session, stmt.order_by(DriftEvent.id.desc()), page, per_page)


def get(session: Session, organization_id: int, event_id: int) -> DriftEvent:
    return get_in_org(session, DriftEvent, organization_id, event_id)
