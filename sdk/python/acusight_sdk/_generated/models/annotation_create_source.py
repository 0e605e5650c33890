from __future__ import annotations

from enum import StrEnum


class AnnotationCreateSource(StrEnum):
    LABEL_STUDIO = "label_studio"
    MANUAL = "manual"
    MODEL = "model"

    def __str__(self) -> str:
        return str(self.value)
