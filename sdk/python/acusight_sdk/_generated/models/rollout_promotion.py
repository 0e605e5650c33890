from __future__ import annotations

from enum import StrEnum


class RolloutPromotion(StrEnum):
    AUTO = "auto"
    MANUAL = "manual"

    def __str__(self) -> str:
        return str(self.value)
