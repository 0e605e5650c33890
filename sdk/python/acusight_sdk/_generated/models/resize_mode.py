from __future__ import annotations

from enum import StrEnum


class ResizeMode(StrEnum):
    CENTER_CROP = "center_crop"
    LETTERBOX = "letterbox"
    STRETCH = "stretch"

    def __str__(self) -> str:
        return str(self.value)
