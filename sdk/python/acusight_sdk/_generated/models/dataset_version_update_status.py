from __future__ import annotations

from enum import StrEnum


class DatasetVersionUpdateStatus(StrEnum):
    FAILED = "failed"
    QUEUED = "queued"
    READY = "ready"
    RUNNING = "running"

    def __str__(self) -> str:
        return str(self.value)
