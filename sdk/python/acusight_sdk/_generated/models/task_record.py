from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

T = TypeVar("T", bound="TaskRecord")


@_attrs_define
class TaskRecord:
    """
    Attributes:
        image_id (int):
        task_id (int):
        url_expires_at (datetime.datetime):
    """

    image_id: int
    task_id: int
    url_expires_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        image_id = self.image_id

        task_id = self.task_id

        url_expires_at = self.url_expires_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "image_id": image_id,
                "task_id": task_id,
                "url_expires_at": url_expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        image_id = d.pop("image_id")

        task_id = d.pop("task_id")

        url_expires_at = datetime.datetime.fromisoformat(d.pop("url_expires_at"))

        task_record = cls(
            image_id=image_id,
            task_id=task_id,
            url_expires_at=url_expires_at,
        )

        return task_record
