"""`acusight devices`: an organization's fleet, and turning a device off or on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from acusight.cli._accounts import accounts_session
from acusight.cli._datadir import DataDir, data_dir_option
from acusight.cli._output import (
    find_org,
    json_option,
    limit_option,
    more,
    org_option,
    print_fields,
    print_json,
    print_table,
)
from webapp.models import Device, DeviceCheckin
from webapp.settings import get_settings


@click.group()
def devices() -> None:
    """The devices of an organization: list, show, disable, enable."""


def _offline_after() -> timedelta:
    return timedelta(seconds=get_settings().offline_after_s)


def describe(session: Session, device: Device) -> dict[str, Any]:
    """A device as the commands show it (the API's fields, and the model it runs and why)."""
    from webapp.services import delivery
    from webapp.services import devices as devices_service

    runs = delivery.assigned(session, device)
    return {
        "id": device.id,
        "name": device.name,
        "serial_number": device.serial_number,
        "status": devices_service.status(device, _offline_after()),
        "project_id": device.project_id,
        "project": device.project.name if device.project is not None else None,
        "model": device.model,
        "firmware_version": device.firmware_version,
        "last_seen_at": device.last_seen_at,
        "disabled": device.disabled,
        "deployed_export_id": device.deployed_export_id,
        "runs_export": {"export_id": runs[0].id, "source": runs[1]} if runs else None,
        "created_at": device.created_at,
    }


def _runs(row: dict[str, Any]) -> str:
    runs = row["runs_export"]
    return f"export {runs['export_id']} ({runs['source']})" if runs else "-"


def _row(r: dict[str, Any]) -> list[Any]:
    return [
        *(r[k] for k in ("id", "name", "serial_number", "status", "project", "last_seen_at")),
        r["firmware_version"],
        _runs(r),
    ]


@devices.command("list")
@org_option
@click.option("--project", "project_id", type=int, default=None, help="Only the devices of this project id")
@click.option(
    "--disabled/--enabled", "disabled", default=None, help="Only disabled (or only enabled) devices"
)
@limit_option(100)
@json_option
@data_dir_option
def devices_list(
    org_ref: str | None,
    project_id: int | None,
    disabled: bool | None,
    limit: int,
    as_json: bool,
    data_dir: DataDir,
) -> None:
    """List the devices: status (online, offline, never_seen, disabled), project, the model they run."""
    from webapp.services import devices as devices_service

    with accounts_session(data_dir, writes=False) as session:
        org = find_org(session, org_ref)
        page = devices_service.list_(session, org.id, 1, limit, project_id=project_id, disabled=disabled)
        rows = [describe(session, device) for device in page]
    if as_json:
        print_json(rows)
        return
    print_table(
        ["ID", "NAME", "SERIAL", "STATUS", "PROJECT", "LAST SEEN", "FIRMWARE", "RUNS"],
        [_row(r) for r in rows],
        empty=f"no devices in {org.name}",
        footer=more(len(rows), page.total, "devices"),
    )


@devices.command("show")
@click.argument("device_id", type=int)
@org_option
@json_option
@data_dir_option
def devices_show(device_id: int, org_ref: str | None, as_json: bool, data_dir: DataDir) -> None:
    """One device: what it is, where it belongs, the model it runs, its latest check-in."""
    from webapp.services import devices as devices_service

    with accounts_session(data_dir, writes=False) as session:
        org = find_org(session, org_ref)
        device = devices_service.get(session, org.id, device_id)
        shown = describe(session, device)
        checkin = session.scalar(
            select(DeviceCheckin)
            .where(DeviceCheckin.device_id == device.id)
            .order_by(DeviceCheckin.created_at.desc(), DeviceCheckin.id.desc())
            .limit(1)
        )
        shown["latest_checkin"] = (
            {
                "at": checkin.created_at,
                "battery_pct": checkin.battery_pct,
                "temperature_c": checkin.temperature_c,
                "disk_free_mb": checkin.disk_free_mb,
                "uptime_s": checkin.uptime_s,
                "firmware_version": checkin.firmware_version,
            }
            if checkin is not None
            else None
        )
    if as_json:
        print_json(shown)
        return
    latest = shown["latest_checkin"]
    print_fields(
        [
            ("device", f"{shown['id']} {shown['name']!r} in {org.name}"),
            ("serial", shown["serial_number"]),
            ("status", shown["status"]),
            ("project", f"{shown['project_id']} {shown['project']!r}" if shown["project"] else None),
            ("hardware", shown["model"]),
            ("firmware", shown["firmware_version"]),
            ("last seen", shown["last_seen_at"]),
            ("runs", _runs(shown)),
            (
                "last check-in",
                ", ".join(f"{k} {v}" for k, v in latest.items() if k != "at" and v is not None) or "-"
                if latest
                else None,
            ),
        ]
    )


def _set_disabled(device_id: int, org_ref: str | None, data_dir: DataDir, disabled: bool) -> None:
    from webapp.services import devices as devices_service

    with accounts_session(data_dir) as session:
        org = find_org(session, org_ref)
        device = devices_service.update(session, org.id, device_id, {"disabled": disabled})
        word = "disabled: its key is refused until it is enabled" if disabled else "enabled"
        click.echo(f"device {device.id} {device.name!r} of {org.name} is {word}")


@devices.command("disable")
@click.argument("device_id", type=int)
@org_option
@data_dir_option
def devices_disable(device_id: int, org_ref: str | None, data_dir: DataDir) -> None:
    """Disable a device: the API refuses its key (uploads, check-ins, model downloads) until enabled."""
    _set_disabled(device_id, org_ref, data_dir, True)


@devices.command("enable")
@click.argument("device_id", type=int)
@org_option
@data_dir_option
def devices_enable(device_id: int, org_ref: str | None, data_dir: DataDir) -> None:
    """Enable a disabled device again."""
    _set_disabled(device_id, org_ref, data_dir, False)
