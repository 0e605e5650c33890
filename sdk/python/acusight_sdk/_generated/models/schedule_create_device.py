from __future__ import annotations

from enum import StrEnum


class ScheduleCreateDevice(StrEnum):
    AUTO = "auto"
    CPU = "cpu"
    CUDA = "cuda"

    def __str__(self) -> str:
        return str(self.value)
