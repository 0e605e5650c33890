from __future__ import annotations

from enum import StrEnum


class GetFieldMetricsBucket(StrEnum):
    DAY = "day"
    HOUR = "hour"
    MINUTE = "minute"

    def __str__(self) -> str:
        return str(self.value)
