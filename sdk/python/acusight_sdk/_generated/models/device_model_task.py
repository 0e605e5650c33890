from __future__ import annotations

from enum import StrEnum


class DeviceModelTask(StrEnum):
    CLASSIFICATION = "classification"
    DETECTION = "detection"

    def __str__(self) -> str:
        return str(self.value)
