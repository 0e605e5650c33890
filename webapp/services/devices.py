"""Devices: provisioning, and what users may change about them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy import update as update_rows
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.errors import Conflict
from webapp.models import Device, DeviceTag, Project, utcnow
from webapp.security import issue_secret
from webapp.services import delivery, events, provisioning
from webapp.services.common import Page, get_in_org, paginate, where_equal

KEY_KIND = "adk"


def provision(
    session: Session,
    *,
    token: str,
    serial_number: str,
    name: str,
    model: str | None = None,
    firmware_version: str | None = None,
) -> tuple[Device, str]:
    """Register a device with a provisioning token; returns it with its key, shown only now."""
    grant = provisioning.redeem(session, token)
    taken = session.scalar(
        select(Device.id).where(
            Device.organization_id == grant.organization_id, Device.serial_number == serial_number
        )
    )
    if taken is not None:
        raise Conflict("A device with this serial number is already registered")
    key = issue_secret(KEY_KIND)
    device = Device(
        organization_id=grant.organization_id,
        project_id=grant.project_id,
        name=name,
        serial_number=serial_number,
        model=model,
        firmware_version=firmware_version,
        key_prefix=key.prefix,
        key_hash=key.hash,
        provisioning_token_id=grant.id,
    )
    session.add(device)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("A device with this serial number is already registered") from exc
    return device, key.value


def status(device: Device, offline_after: timedelta, now: datetime | None = None) -> str:
    """What users see: disabled, never_seen, or online until ``offline_after`` (a setting) of silence."""
    if device.disabled:
        return "disabled"
    if device.last_seen_at is None:
        return "never_seen"
    return "online" if (now or utcnow()) - device.last_seen_at <= offline_after else "offline"


def list_(
    session: Session,
    organization_id: int,
    page: int,
    per_page: int,
    project_id: int | None = None,
    disabled: bool | None = None,
    tags: list[str] | None = None,
) -> Page[Any]:
    """Devices by id; with ``tags``, those that have every one of them."""
    stmt = where_equal(
        select(Device).where(Device.organization_id == organization_id),
        {Device.project_id: project_id, Device.disabled: disabled},
    )
    for tag in dict.fromkeys(tags or []):
        stmt = stmt.where(Device.id.in_(select(DeviceTag.device_id).where(DeviceTag.tag == tag)))
    return paginate(session, stmt.order_by(Device.id), page, per_page)


def get(session: Session, organization_id: int, device_id: int) -> Device:
    return get_in_org(session, Device, organization_id, device_id)


def update(session: Session, organization_id: int, device_id: int, changes: dict[str, Any]) -> Device:
    device = get(session, organization_id, device_id)
    if changes.get("project_id") is not None:
        get_in_org(session, Project, organization_id, changes["project_id"])
    if changes.get("deployed_export_id") is not None:
        # A device may run any succeeded export of its organization, even one of another project's model.
        delivery.deployable(session, organization_id, changes["deployed_export_id"])
    retagged = "tags" in changes
    if retagged:
        # The whole set is replaced; repeats dropped (a tag is on a device once).
        kept = {row.tag: row for row in device.tag_rows}
        device.tag_rows = [kept.get(tag) or DeviceTag(tag=tag) for tag in dict.fromkeys(changes.pop("tags"))]
    for key, value in changes.items():
        setattr(device, key, value)
    session.flush()
    if retagged:
        session.expire(device, ["tag_rows"])  # read back in tag order
    return device


def delete(session: Session, organization_id: int, device_id: int) -> None:
    session.delete(get(session, organization_id, device_id))
    session.flush()


def announce_offline(session: Session, offline_after: timedelta, now: datetime | None = None) -> int:
    """Send ``device.offline`` once for each enabled device seen before and silent for ``offline_after``;
    returns how many. A sweep (the webhook dispatcher runs it each minute) calls this.

    Each device is marked with the last_seen_at of the silence announced, by a conditional UPDATE, so
    any number of sweeps may run at once and each outage is announced once; a sign of life (a new
    last_seen_at) makes the next silence announceable again.
    """
    now = now or utcnow()
    cutoff = now - offline_after
    silent = session.execute(
        select(Device.id, Device.organization_id, Device.name, Device.project_id, Device.last_seen_at)
        .where(
            Device.disabled.is_(False),
            Device.last_seen_at < cutoff,
            (Device.offline_reported_seen_at.is_(None))
            | (Device.offline_reported_seen_at != Device.last_seen_at),
        )
        .order_by(Device.id)
        .limit(1000)
    ).all()
    announced = 0
    for device_id, organization_id, name, project_id, last_seen in silent:
        marked = session.execute(
            update_rows(Device)
            .where(Device.id == device_id, Device.last_seen_at == last_seen)
            # Marking is not a change of the device's own data: its updated_at stays.
            .values(offline_reported_seen_at=last_seen, updated_at=Device.updated_at)
            .execution_options(synchronize_session=False)
        )
        if not marked.rowcount:
            continue  # seen meanwhile, or another sweep took it
        data = {
            "device_id": device_id,
            "name": name,
            "project_id": project_id,
            "last_seen_at": last_seen.isoformat(),
            "offline_after_s": int(offline_after.total_seconds()),
        }
        events.platform_event.send(session, name="device.offline", organization_id=organization_id, data=data)
        announced += 1
    session.flush()
    return announced
