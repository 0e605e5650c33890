from __future__ import annotations

from enum import StrEnum


class ListImagesOrder(StrEnum):
    ASC = "asc"
    DESC = "desc"

    def __str__(self) -> str:
        return str(self.value)
