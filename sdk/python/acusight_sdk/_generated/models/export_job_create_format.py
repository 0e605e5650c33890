from __future__ import annotations

from enum import StrEnum


class ExportJobCreateFormat(StrEnum):
    ONNX = "onnx"

    def __str__(self) -> str:
        return str(self.value)
