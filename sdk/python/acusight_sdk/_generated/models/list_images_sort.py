from __future__ import annotations

from enum import StrEnum


class ListImagesSort(StrEnum):
    CAPTURED = "captured"
    CREATED = "created"

    def __str__(self) -> str:
        return str(self.value)
