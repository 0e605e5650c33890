from __future__ import annotations

from enum import StrEnum


class UserRole(StrEnum):
    ADMIN = "admin"
    ANNOTATOR = "annotator"
    ML_ENGINEER = "ml_engineer"
    VIEWER = "viewer"

    def __str__(self) -> str:
        return str(self.value)
