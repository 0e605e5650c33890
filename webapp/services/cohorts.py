"""Which devices a rollout reaches: its target, and each stage's share of it, by a hash.

A device is in a stage when the hash of (rollout, device) read as a number in [0, 100) is below the
stage's percent. The hash, not a draw, picks: the same device is in or out every time it is asked,
on every API replica, and since percents only rise, a device once in stays in until the rollout ends.
A device with an export of its own (``deployed_export_id``) is never part of a rollout: that pin wins.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import HOLDING_STATUSES, Device, Rollout

_SCALE = 100 / 2**64


def bucket(rollout_id: int, device_id: int) -> float:
    """Where the device falls in [0, 100) for this rollout (uniform over devices, fixed per pair)."""
    digest = hashlib.sha256(f"acusight-rollout:{rollout_id}:device:{device_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") * _SCALE


def in_target(rollout: Rollout, device: Device) -> bool:
    """The device belongs to the rollout's project, has every one of its tags and no export of its own."""
    return (
        device.project_id == rollout.project_id
        and device.deployed_export_id is None
        and set(rollout.tags) <= set(device.tags)
    )


def stage_percent(rollout: Rollout) -> float:
    return float(rollout.stages[rollout.stage]["percent"])


def in_stage(rollout: Rollout, device: Device) -> bool:
    """The device runs the rollout's export now (the rollout holding its project)."""
    return in_target(rollout, device) and bucket(rollout.id, device.id) < stage_percent(rollout)


def target_devices(session: Session, rollout: Rollout) -> list[Device]:
    """Every device the rollout may reach, in id order."""
    devices = session.scalars(
        select(Device)
        .where(Device.project_id == rollout.project_id, Device.deployed_export_id.is_(None))
        .order_by(Device.id)
    ).all()
    wanted = set(rollout.tags)
    return [device for device in devices if wanted <= set(device.tags)]


def chosen(rollout_id: int, devices: Iterable[Device], percent: float) -> list[Device]:
    """The devices among ``devices`` that a stage of ``percent`` holds."""
    return [device for device in devices if bucket(rollout_id, device.id) < percent]


def holding(session: Session, project_id: int) -> Rollout | None:
    """The project's active or paused rollout, if one holds it."""
    return session.scalar(
        select(Rollout).where(Rollout.holding_project_id == project_id, Rollout.status.in_(HOLDING_STATUSES))
    )


def completed_for(session: Session, device: Device) -> Rollout | None:
    """The newest completed rollout narrowed by tags that this device matches: its export stays with
    the tagged devices (a rollout to all the project's devices became the project's export instead)."""
    if device.project_id is None or not device.tag_rows:
        return None
    rollouts: Sequence[Rollout] = session.scalars(
        select(Rollout)
        .where(Rollout.project_id == device.project_id, Rollout.status == "completed")
        .order_by(Rollout.finished_at.desc(), Rollout.id.desc())
    ).all()
    for rollout in rollouts:
        if rollout.tags and in_target(rollout, device):
            return rollout
    return None
