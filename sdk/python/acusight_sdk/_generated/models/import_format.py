from __future__ import annotations

from enum import StrEnum


class ImportFormat(StrEnum):
    COCO = "coco"
    CSV = "csv"
    YOLO = "yolo"

    def __str__(self) -> str:
        return str(self.value)
