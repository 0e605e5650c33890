from __future__ import annotations

from enum import StrEnum


class ImageStatus(StrEnum):
    ACCEPTED = "accepted"
    NEW = "new"
    REJECTED = "rejected"

    def __str__(self) -> str:
        return str(self.value)
