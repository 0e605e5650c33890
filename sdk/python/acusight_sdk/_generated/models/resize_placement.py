from __future__ import annotations

from enum import StrEnum


class ResizePlacement(StrEnum):
    CENTER = "center"
    TOP_LEFT = "top_left"

    def __str__(self) -> str:
        return str(self.value)
