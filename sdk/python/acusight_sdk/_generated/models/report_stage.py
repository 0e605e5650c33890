from __future__ import annotations

from enum import StrEnum


class ReportStage(StrEnum):
    PULL = "pull"
    PUSH = "push"

    def __str__(self) -> str:
        return str(self.value)
