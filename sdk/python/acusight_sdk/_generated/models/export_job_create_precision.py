from __future__ import annotations

from enum import StrEnum


class ExportJobCreatePrecision(StrEnum):
    FP16 = "fp16"
    FP32 = "fp32"
    INT8 = "int8"

    def __str__(self) -> str:
        return str(self.value)
