from __future__ import annotations

from enum import StrEnum


class AuditEventActorType(StrEnum):
    ANONYMOUS = "anonymous"
    DEVICE = "device"
    PROVISIONING_TOKEN = "provisioning_token"
    SERVICE_ACCOUNT = "service_account"
    SYSTEM = "system"
    USER = "user"

    def __str__(self) -> str:
        return str(self.value)
