from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="StaleTask")


@_attrs_define
class StaleTask:
    """
    Attributes:
        image_id (int | Unset):
        task_id (int | Unset):
        url (str | Unset):
        url_expires_at (datetime.datetime | Unset):
    """

    image_id: int | Unset = UNSET
    task_id: int | Unset = UNSET
    url: str | Unset = UNSET
    url_expires_at: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        image_id = self.image_id

        task_id = self.task_id

        url = self.url

        url_expires_at: str | Unset = UNSET
        if not isinstance(self.url_expires_at, Unset):
            url_expires_at = self.url_expires_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if image_id is not UNSET:
            field_dict["image_id"] = image_id
        if task_id is not UNSET:
            field_dict["task_id"] = task_id
        if url is not UNSET:
            field_dict["url"] = url
        if url_expires_at is not UNSET:
            field_dict["url_expires_at"] = url_expires_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        image_id = d.pop("image_id", UNSET)

        task_id = d.pop("task_id", UNSET)

        url = d.pop("url", UNSET)

        _url_expires_at = d.pop("url_expires_at", UNSET)
        url_expires_at: datetime.datetime | Unset
        if isinstance(_url_expires_at, Unset):
            url_expires_at = UNSET
        else:
            url_expires_at = datetime.datetime.fromisoformat(_url_expires_at)

        stale_task = cls(
            image_id=image_id,
            task_id=task_id,
            url=url,
            url_expires_at=url_expires_at,
        )

        return stale_task
