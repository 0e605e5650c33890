from __future__ import annotations

from enum import StrEnum


class DecisionDecidedBy(StrEnum):
    FLOW = "flow"
    USER = "user"

    def __str__(self) -> str:
        return str(self.value)
