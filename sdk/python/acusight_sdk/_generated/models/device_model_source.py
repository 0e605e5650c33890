from __future__ import annotations

from enum import StrEnum


class DeviceModelSource(StrEnum):
    DEVICE = "device"
    PROJECT = "project"
    ROLLOUT = "rollout"

    def __str__(self) -> str:
        return str(self.value)
