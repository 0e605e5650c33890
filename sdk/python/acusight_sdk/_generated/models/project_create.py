from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.project_create_task_type import ProjectCreateTaskType
from ..types import UNSET, Unset

T = TypeVar("T", bound="ProjectCreate")


@_attrs_define
class ProjectCreate:
    """
    Attributes:
        name (str):
        description (None | str | Unset):
        labels (list[str] | Unset): Class names, in class-id order
        task_type (ProjectCreateTaskType | Unset):  Default: ProjectCreateTaskType.CLASSIFICATION.
    """

    name: str
    description: None | str | Unset = UNSET
    labels: list[str] | Unset = UNSET
    task_type: ProjectCreateTaskType | Unset = ProjectCreateTaskType.CLASSIFICATION

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        labels: list[str] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels

        task_type: str | Unset = UNSET
        if not isinstance(self.task_type, Unset):
            task_type = self.task_type.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if labels is not UNSET:
            field_dict["labels"] = labels
        if task_type is not UNSET:
            field_dict["task_type"] = task_type

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        description = _parse_description(d.pop("description", UNSET))

        labels = cast(list[str], d.pop("labels", UNSET))

        _task_type = d.pop("task_type", UNSET)
        task_type: ProjectCreateTaskType | Unset
        if isinstance(_task_type, Unset):
            task_type = UNSET
        else:
            task_type = ProjectCreateTaskType(_task_type)

        project_create = cls(
            name=name,
            description=description,
            labels=labels,
            task_type=task_type,
        )

        return project_create
