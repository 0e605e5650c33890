from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="ScheduleOutcome")


@_attrs_define
class ScheduleOutcome:
    """
    Attributes:
        last_outcome (str | Unset):
        last_training_job_id (int | None | Unset):
    """

    last_outcome: str | Unset = UNSET
    last_training_job_id: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        last_outcome = self.last_outcome

        last_training_job_id: int | None | Unset
        if isinstance(self.last_training_job_id, Unset):
            last_training_job_id = UNSET
        else:
            last_training_job_id = self.last_training_job_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if last_outcome is not UNSET:
            field_dict["last_outcome"] = last_outcome
        if last_training_job_id is not UNSET:
            field_dict["last_training_job_id"] = last_training_job_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        last_outcome = d.pop("last_outcome", UNSET)

        def _parse_last_training_job_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        last_training_job_id = _parse_last_training_job_id(
            d.pop("last_training_job_id", UNSET)
        )

        schedule_outcome = cls(
            last_outcome=last_outcome,
            last_training_job_id=last_training_job_id,
        )

        return schedule_outcome
