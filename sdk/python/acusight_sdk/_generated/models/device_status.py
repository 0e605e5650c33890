from __future__ import annotations

from enum import StrEnum


class DeviceStatus(StrEnum):
    DISABLED = "disabled"
    NEVER_SEEN = "never_seen"
    OFFLINE = "offline"
    ONLINE = "online"

    def __str__(self) -> str:
        return str(self.value)
