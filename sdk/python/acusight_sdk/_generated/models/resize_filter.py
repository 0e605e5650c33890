from __future__ import annotations

from enum import StrEnum


class ResizeFilter(StrEnum):
    BICUBIC = "bicubic"
    BILINEAR = "bilinear"
    LANCZOS = "lanczos"
    NEAREST = "nearest"

    def __str__(self) -> str:
        return str(self.value)
