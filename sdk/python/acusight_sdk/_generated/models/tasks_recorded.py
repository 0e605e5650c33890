from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="TasksRecorded")


@_attrs_define
class TasksRecorded:
    """
    Attributes:
        new (int | Unset): Tasks not recorded before
    """

    new: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        new = self.new

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if new is not UNSET:
            field_dict["new"] = new

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        new = d.pop("new", UNSET)

        tasks_recorded = cls(
            new=new,
        )

        return tasks_recorded
