from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="UploadPolicy")


@_attrs_define
class UploadPolicy:
    """
    Attributes:
        accepted_formats (list[str] | Unset):
        enabled (bool | Unset):
        max_bytes (int | Unset): Largest file accepted
        min_interval_s (int | Unset): Upload no more often than this
        project_id (int | None | Unset): Where uploads land
    """

    accepted_formats: list[str] | Unset = UNSET
    enabled: bool | Unset = UNSET
    max_bytes: int | Unset = UNSET
    min_interval_s: int | Unset = UNSET
    project_id: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        accepted_formats: list[str] | Unset = UNSET
        if not isinstance(self.accepted_formats, Unset):
            accepted_formats = self.accepted_formats

        enabled = self.enabled

        max_bytes = self.max_bytes

        min_interval_s = self.min_interval_s

        project_id: int | None | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if accepted_formats is not UNSET:
            field_dict["accepted_formats"] = accepted_formats
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if max_bytes is not UNSET:
            field_dict["max_bytes"] = max_bytes
        if min_interval_s is not UNSET:
            field_dict["min_interval_s"] = min_interval_s
        if project_id is not UNSET:
            field_dict["project_id"] = project_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        accepted_formats = cast(list[str], d.pop("accepted_formats", UNSET))

        enabled = d.pop("enabled", UNSET)

        max_bytes = d.pop("max_bytes", UNSET)

        min_interval_s = d.pop("min_interval_s", UNSET)

        def _parse_project_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        upload_policy = cls(
            accepted_formats=accepted_formats,
            enabled=enabled,
            max_bytes=max_bytes,
            min_interval_s=min_interval_s,
            project_id=project_id,
        )

        return upload_policy
