from __future__ import annotations

from enum import StrEnum


class ViewSignedImageVariant(StrEnum):
    FILE = "file"
    THUMBNAIL = "thumbnail"

    def __str__(self) -> str:
        return str(self.value)
