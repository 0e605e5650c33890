from __future__ import annotations

from enum import StrEnum


class BatchTransitionFromStatus(StrEnum):
    ANNOTATED = "annotated"
    ANNOTATING = "annotating"
    ARCHIVED = "archived"
    OPEN = "open"
    READY = "ready"

    def __str__(self) -> str:
        return str(self.value)
