from __future__ import annotations

from enum import StrEnum


class StartLoginReturnTo(StrEnum):
    CONSOLE = "console"

    def __str__(self) -> str:
        return str(self.value)
