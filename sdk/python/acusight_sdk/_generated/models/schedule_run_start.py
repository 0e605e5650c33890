from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="ScheduleRunStart")


@_attrs_define
class ScheduleRunStart:
    """
    Attributes:
        dataset_id (int | Unset):
        new_annotations (int | Unset):
        reason (str | Unset):
        started (bool | Unset):
    """

    dataset_id: int | Unset = UNSET
    new_annotations: int | Unset = UNSET
    reason: str | Unset = UNSET
    started: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        dataset_id = self.dataset_id

        new_annotations = self.new_annotations

        reason = self.reason

        started = self.started

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if dataset_id is not UNSET:
            field_dict["dataset_id"] = dataset_id
        if new_annotations is not UNSET:
            field_dict["new_annotations"] = new_annotations
        if reason is not UNSET:
            field_dict["reason"] = reason
        if started is not UNSET:
            field_dict["started"] = started

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        dataset_id = d.pop("dataset_id", UNSET)

        new_annotations = d.pop("new_annotations", UNSET)

        reason = d.pop("reason", UNSET)

        started = d.pop("started", UNSET)

        schedule_run_start = cls(
            dataset_id=dataset_id,
            new_annotations=new_annotations,
            reason=reason,
            started=started,
        )

        return schedule_run_start
