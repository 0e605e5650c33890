from __future__ import annotations

from enum import StrEnum


class BatchFileResultStatus(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"
    ERROR = "error"

    def __str__(self) -> str:
        return str(self.value)
