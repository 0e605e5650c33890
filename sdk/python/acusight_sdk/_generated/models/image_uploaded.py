from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="ImageUploaded")


@_attrs_define
class ImageUploaded:
    """
    Attributes:
        batch_id (int | None | Unset):
        byte_size (int | Unset):
        captured_at (datetime.datetime | None | Unset):
        created_at (datetime.datetime | Unset):
        duplicate (bool | Unset): True when these bytes were already stored: this is that image
        format_ (str | Unset):
        height (int | Unset):
        id (int | Unset):
        project_id (int | None | Unset):
        sha256 (str | Unset):
        width (int | Unset):
    """

    batch_id: int | None | Unset = UNSET
    byte_size: int | Unset = UNSET
    captured_at: datetime.datetime | None | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    duplicate: bool | Unset = UNSET
    format_: str | Unset = UNSET
    height: int | Unset = UNSET
    id: int | Unset = UNSET
    project_id: int | None | Unset = UNSET
    sha256: str | Unset = UNSET
    width: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        batch_id: int | None | Unset
        if isinstance(self.batch_id, Unset):
            batch_id = UNSET
        else:
            batch_id = self.batch_id

        byte_size = self.byte_size

        captured_at: None | str | Unset
        if isinstance(self.captured_at, Unset):
            captured_at = UNSET
        elif isinstance(self.captured_at, datetime.datetime):
            captured_at = self.captured_at.isoformat()
        else:
            captured_at = self.captured_at

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        duplicate = self.duplicate

        format_ = self.format_

        height = self.height

        id = self.id

        project_id: int | None | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        sha256 = self.sha256

        width = self.width

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if batch_id is not UNSET:
            field_dict["batch_id"] = batch_id
        if byte_size is not UNSET:
            field_dict["byte_size"] = byte_size
        if captured_at is not UNSET:
            field_dict["captured_at"] = captured_at
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if duplicate is not UNSET:
            field_dict["duplicate"] = duplicate
        if format_ is not UNSET:
            field_dict["format"] = format_
        if height is not UNSET:
            field_dict["height"] = height
        if id is not UNSET:
            field_dict["id"] = id
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if sha256 is not UNSET:
            field_dict["sha256"] = sha256
        if width is not UNSET:
            field_dict["width"] = width

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_batch_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        batch_id = _parse_batch_id(d.pop("batch_id", UNSET))

        byte_size = d.pop("byte_size", UNSET)

        def _parse_captured_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                captured_at_type_0 = datetime.datetime.fromisoformat(data)

                return captured_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        captured_at = _parse_captured_at(d.pop("captured_at", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        duplicate = d.pop("duplicate", UNSET)

        format_ = d.pop("format", UNSET)

        height = d.pop("height", UNSET)

        id = d.pop("id", UNSET)

        def _parse_project_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        sha256 = d.pop("sha256", UNSET)

        width = d.pop("width", UNSET)

        image_uploaded = cls(
            batch_id=batch_id,
            byte_size=byte_size,
            captured_at=captured_at,
            created_at=created_at,
            duplicate=duplicate,
            format_=format_,
            height=height,
            id=id,
            project_id=project_id,
            sha256=sha256,
            width=width,
        )

        return image_uploaded
