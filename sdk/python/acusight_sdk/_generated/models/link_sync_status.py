from __future__ import annotations

from enum import StrEnum


class LinkSyncStatus(StrEnum):
    FAILED = "failed"
    LINKED = "linked"
    PULLING = "pulling"
    PUSHING = "pushing"
    SYNCED = "synced"

    def __str__(self) -> str:
        return str(self.value)
