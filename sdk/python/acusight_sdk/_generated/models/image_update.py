from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.image_update_status import ImageUpdateStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="ImageUpdate")


@_attrs_define
class ImageUpdate:
    """
    Attributes:
        notes (None | str | Unset):
        status (ImageUpdateStatus | Unset):
        tags (list[str] | Unset):
    """

    notes: None | str | Unset = UNSET
    status: ImageUpdateStatus | Unset = UNSET
    tags: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if notes is not UNSET:
            field_dict["notes"] = notes
        if status is not UNSET:
            field_dict["status"] = status
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        notes = _parse_notes(d.pop("notes", UNSET))

        _status = d.pop("status", UNSET)
        status: ImageUpdateStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = ImageUpdateStatus(_status)

        tags = cast(list[str], d.pop("tags", UNSET))

        image_update = cls(
            notes=notes,
            status=status,
            tags=tags,
        )

        return image_update
