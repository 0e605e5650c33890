from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="ProjectRef")


@_attrs_define
class ProjectRef:
    """
    Attributes:
        id (int | Unset):
        name (str | Unset):
        task_type (str | Unset):
    """

    id: int | Unset = UNSET
    name: str | Unset = UNSET
    task_type: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        task_type = self.task_type

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if task_type is not UNSET:
            field_dict["task_type"] = task_type

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        name = d.pop("name", UNSET)

        task_type = d.pop("task_type", UNSET)

        project_ref = cls(
            id=id,
            name=name,
            task_type=task_type,
        )

        return project_ref
