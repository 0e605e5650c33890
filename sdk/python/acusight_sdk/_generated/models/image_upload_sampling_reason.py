from __future__ import annotations

from enum import StrEnum


class ImageUploadSamplingReason(StrEnum):
    DRIFT = "drift"
    MANUAL = "manual"
    QUOTA = "quota"
    RANDOM = "random"
    UNCERTAIN = "uncertain"

    def __str__(self) -> str:
        return str(self.value)
