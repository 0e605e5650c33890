from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="PullQueueEntry")


@_attrs_define
class PullQueueEntry:
    """
    Attributes:
        id (int | Unset):
        task_id (int | Unset):
    """

    id: int | Unset = UNSET
    task_id: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        task_id = self.task_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if task_id is not UNSET:
            field_dict["task_id"] = task_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        task_id = d.pop("task_id", UNSET)

        pull_queue_entry = cls(
            id=id,
            task_id=task_id,
        )

        return pull_queue_entry
