"""Device check-ins: the health time series, last-seen, and the configuration a device gets back."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from webapp.models import Device, DeviceCheckin, ExportJob, utcnow
from webapp.services import delivery, sampling
from webapp.services.common import Page, get_in_org, paginate
from webapp.services.image_check import ACCEPTED_FORMATS
from webapp.settings import Settings


def record(
    session: Session,
    device: Device,
    *,
    retention: timedelta,
    now: datetime | None = None,
    **health: Any,
) -> DeviceCheckin:
    """Keep one check-in, mark the device seen, and drop its own check-ins older than ``retention``."""
    now = now or utcnow()
    for key in ("running_export_id", "failed_export_id"):
        if health.get(key) is not None:
            # Another organization's export, or none: NOT_FOUND, as everywhere across the tenant boundary.
            get_in_org(session, ExportJob, device.organization_id, health[key])
    checkin = DeviceCheckin(device_id=device.id, created_at=now, **health)
    session.add(checkin)
    device.last_seen_at = now
    if health.get("firmware_version"):
        device.firmware_version = health["firmware_version"]
    # A check-in that says nothing of its model leaves what an earlier one said.
    if "running_export_id" in health or "model_error" in health:
        device.running_export_id = health.get("running_export_id")
        device.model_error = health.get("model_error")
    # Pruning the caller's own series each time costs one index range, usually over zero or one row:
    # retention holds for every device that checks in, with no background job.
    session.execute(
        delete(DeviceCheckin).where(
            DeviceCheckin.device_id == device.id, DeviceCheckin.created_at < now - retention
        )
    )
    session.flush()
    return checkin


def prune(session: Session, retention: timedelta, now: datetime | None = None) -> int:
    """Delete every device's check-ins older than ``retention`` (``acusight checkins prune``)."""
    result = session.execute(
        delete(DeviceCheckin).where(DeviceCheckin.created_at < (now or utcnow()) - retention)
    )
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def list_(
    session: Session,
    organization_id: int,
    device_id: int,
    page: int,
    per_page: int,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[Any]:
    """A device's check-ins, newest first."""
    get_in_org(session, Device, organization_id, device_id)
    stmt = select(DeviceCheckin).where(DeviceCheckin.device_id == device_id)
    if since is not None:
        stmt = stmt.where(DeviceCheckin.created_at >= since)
    if until is not None:
        stmt = stmt.where(DeviceCheckin.created_at < until)
    order = (DeviceCheckin.created_at.desc(), DeviceCheckin.id.desc())
    return paginate(session, stmt.order_by(*order), page, per_page)


def device_config(session: Session, settings: Settings, device: Device) -> dict[str, Any]:
    """What a device is told at each check-in: when to call again, what to upload, which model."""
    model = delivery.device_model(session, device)
    return {
        "checkin_interval_s": settings.checkin_interval_s,
        "upload_policy": {
            "enabled": settings.upload_enabled,
            "min_interval_s": settings.upload_min_interval_s,
            "max_bytes": settings.max_upload_bytes,
            "accepted_formats": sorted(ACCEPTED_FORMATS.values()),
            "project_id": device.project_id,
        },
        # The export the device should run (its own assignment, else its project's), or None.
        "model": model,
        # Which frames to upload (services/sampling.py), or None.
        "sampling": model["sampling"] if model else sampling.device_policy(device.project, None),
    }
