from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.batch_status import BatchStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_transition import BatchTransition


T = TypeVar("T", bound="Batch")


@_attrs_define
class Batch:
    """
    Attributes:
        annotated_count (int | Unset): Images of the batch with an annotation
        created_at (datetime.datetime | Unset):
        day (datetime.date | None | Unset):
        device_id (int | None | Unset):
        id (int | Unset):
        image_count (int | Unset):
        name (str | Unset):
        next_statuses (Any | Unset): The statuses this batch may move to
        notes (None | str | Unset):
        project_id (int | None | Unset):
        status (BatchStatus | Unset):
        transitions (list[BatchTransition] | Unset): Its status changes, oldest first (it was created open)
        updated_at (datetime.datetime | Unset):
    """

    annotated_count: int | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    day: datetime.date | None | Unset = UNSET
    device_id: int | None | Unset = UNSET
    id: int | Unset = UNSET
    image_count: int | Unset = UNSET
    name: str | Unset = UNSET
    next_statuses: Any | Unset = UNSET
    notes: None | str | Unset = UNSET
    project_id: int | None | Unset = UNSET
    status: BatchStatus | Unset = UNSET
    transitions: list[BatchTransition] | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        annotated_count = self.annotated_count

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        day: None | str | Unset
        if isinstance(self.day, Unset):
            day = UNSET
        elif isinstance(self.day, datetime.date):
            day = self.day.isoformat()
        else:
            day = self.day

        device_id: int | None | Unset
        if isinstance(self.device_id, Unset):
            device_id = UNSET
        else:
            device_id = self.device_id

        id = self.id

        image_count = self.image_count

        name = self.name

        next_statuses = self.next_statuses

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

        transitions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.transitions, Unset):
            transitions = []
            for transitions_item_data in self.transitions:
                transitions_item = transitions_item_data.to_dict()
                transitions.append(transitions_item)

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if annotated_count is not UNSET:
            field_dict["annotated_count"] = annotated_count
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if day is not UNSET:
            field_dict["day"] = day
        if device_id is not UNSET:
            field_dict["device_id"] = device_id
        if id is not UNSET:
            field_dict["id"] = id
        if image_count is not UNSET:
            field_dict["image_count"] = image_count
        if name is not UNSET:
            field_dict["name"] = name
        if next_statuses is not UNSET:
            field_dict["next_statuses"] = next_statuses
        if notes is not UNSET:
            field_dict["notes"] = notes
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if status is not UNSET:
            field_dict["status"] = status
        if transitions is not UNSET:
            field_dict["transitions"] = transitions
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.batch_transition import BatchTransition

        d = dict(src_dict)
        annotated_count = d.pop("annotated_count", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        def _parse_day(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                day_type_0 = datetime.date.fromisoformat(data)

                return day_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.date, None, Unset], data)

        day = _parse_day(d.pop("day", UNSET))

        def _parse_device_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        device_id = _parse_device_id(d.pop("device_id", UNSET))

        id = d.pop("id", UNSET)

        image_count = d.pop("image_count", UNSET)

        name = d.pop("name", UNSET)

        next_statuses = d.pop("next_statuses", UNSET)

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
        status: BatchStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = BatchStatus(_status)

        _transitions = d.pop("transitions", UNSET)
        transitions: list[BatchTransition] | Unset = UNSET
        if _transitions is not UNSET:
            transitions = []
            for transitions_item_data in _transitions:
                transitions_item = BatchTransition.from_dict(transitions_item_data)

                transitions.append(transitions_item)

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(_updated_at)

        batch = cls(
            annotated_count=annotated_count,
            created_at=created_at,
            day=day,
            device_id=device_id,
            id=id,
            image_count=image_count,
            name=name,
            next_statuses=next_statuses,
            notes=notes,
            project_id=project_id,
            status=status,
            transitions=transitions,
            updated_at=updated_at,
        )

        return batch
