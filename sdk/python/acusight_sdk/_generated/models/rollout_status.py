from __future__ import annotations

from enum import StrEnum


class RolloutStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    PAUSED = "paused"
    ROLLED_BACK = "rolled_back"
    SUPERSEDED = "superseded"

    def __str__(self) -> str:
        return str(self.value)
