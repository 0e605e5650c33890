from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="DeviceUpdate")


@_attrs_define
class DeviceUpdate:
    """
    Attributes:
        deployed_export_id (int | None | Unset): A succeeded export of the organization for it to run; null clears
        disabled (bool | Unset):
        name (str | Unset):
        project_id (int | None | Unset):
        tags (list[str] | Unset): Replaces the device's tags (at most 20; repeats dropped)
    """

    deployed_export_id: int | None | Unset = UNSET
    disabled: bool | Unset = UNSET
    name: str | Unset = UNSET
    project_id: int | None | Unset = UNSET
    tags: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        deployed_export_id: int | None | Unset
        if isinstance(self.deployed_export_id, Unset):
            deployed_export_id = UNSET
        else:
            deployed_export_id = self.deployed_export_id

        disabled = self.disabled

        name = self.name

        project_id: int | None | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if deployed_export_id is not UNSET:
            field_dict["deployed_export_id"] = deployed_export_id
        if disabled is not UNSET:
            field_dict["disabled"] = disabled
        if name is not UNSET:
            field_dict["name"] = name
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_deployed_export_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        deployed_export_id = _parse_deployed_export_id(
            d.pop("deployed_export_id", UNSET)
        )

        disabled = d.pop("disabled", UNSET)

        name = d.pop("name", UNSET)

        def _parse_project_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        tags = cast(list[str], d.pop("tags", UNSET))

        device_update = cls(
            deployed_export_id=deployed_export_id,
            disabled=disabled,
            name=name,
            project_id=project_id,
            tags=tags,
        )

        return device_update
