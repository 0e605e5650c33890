from __future__ import annotations

from enum import StrEnum


class DecisionAction(StrEnum):
    COMPLETE = "complete"
    HOLD = "hold"
    PAUSE = "pause"
    PROMOTE = "promote"
    RESUME = "resume"
    ROLLBACK = "rollback"

    def __str__(self) -> str:
        return str(self.value)
