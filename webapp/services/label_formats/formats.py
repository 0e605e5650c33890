"""The label file formats: which task type each carries, and how its file is served."""

from __future__ import annotations

from webapp.errors import ValidationError

# Which task type each format carries.
FORMATS = {"csv": "classification", "coco": "detection", "yolo": "detection"}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "coco": "application/json", "yolo": "application/zip"}
EXTENSIONS = {"csv": "csv", "coco": "json", "yolo": "zip"}


def check_format(task_type: str, fmt: str) -> None:
    """Refuse a format that does not carry the project's task type."""
    if FORMATS[fmt] != task_type:
        usable = ", ".join(f for f, kind in FORMATS.items() if kind == task_type)
        raise ValidationError(f"Format {fmt} is not for {task_type} projects", f"use one of: {usable}")
