from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.batch_update_status import BatchUpdateStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="BatchUpdate")


@_attrs_define
class BatchUpdate:
    """
    Attributes:
        name (str | Unset):
        notes (None | str | Unset):
        project_id (int | None | Unset): Move the batch and its images (unannotated batches only)
        status (BatchUpdateStatus | Unset):
    """

    name: str | Unset = UNSET
    notes: None | str | Unset = UNSET
    project_id: int | None | Unset = UNSET
    status: BatchUpdateStatus | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        project_id: int | None | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if notes is not UNSET:
            field_dict["notes"] = notes
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        notes = _parse_notes(d.pop("notes", UNSET))

        def _parse_project_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        _status = d.pop("status", UNSET)
        status: BatchUpdateStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = BatchUpdateStatus(_status)

        batch_update = cls(
            name=name,
            notes=notes,
            project_id=project_id,
            status=status,
        )

        return batch_update
