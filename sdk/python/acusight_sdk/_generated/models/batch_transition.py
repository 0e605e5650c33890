from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.batch_transition_from_status import BatchTransitionFromStatus
from ..models.batch_transition_to_status import BatchTransitionToStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="BatchTransition")


@_attrs_define
class BatchTransition:
    """
    Attributes:
        at (datetime.datetime | Unset):
        by (None | str | Unset): The person who moved it; null for a service account
        from_status (BatchTransitionFromStatus | Unset):
        to_status (BatchTransitionToStatus | Unset):
    """

    at: datetime.datetime | Unset = UNSET
    by: None | str | Unset = UNSET
    from_status: BatchTransitionFromStatus | Unset = UNSET
    to_status: BatchTransitionToStatus | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        at: str | Unset = UNSET
        if not isinstance(self.at, Unset):
            at = self.at.isoformat()

        by: None | str | Unset
        if isinstance(self.by, Unset):
            by = UNSET
        else:
            by = self.by

        from_status: str | Unset = UNSET
        if not isinstance(self.from_status, Unset):
            from_status = self.from_status.value

        to_status: str | Unset = UNSET
        if not isinstance(self.to_status, Unset):
            to_status = self.to_status.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if at is not UNSET:
            field_dict["at"] = at
        if by is not UNSET:
            field_dict["by"] = by
        if from_status is not UNSET:
            field_dict["from_status"] = from_status
        if to_status is not UNSET:
            field_dict["to_status"] = to_status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _at = d.pop("at", UNSET)
        at: datetime.datetime | Unset
        if isinstance(_at, Unset):
            at = UNSET
        else:
            at = datetime.datetime.fromisoformat(_at)

        def _parse_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        by = _parse_by(d.pop("by", UNSET))

        _from_status = d.pop("from_status", UNSET)
        from_status: BatchTransitionFromStatus | Unset
        if isinstance(_from_status, Unset):
            from_status = UNSET
        else:
            from_status = BatchTransitionFromStatus(_from_status)

        _to_status = d.pop("to_status", UNSET)
        to_status: BatchTransitionToStatus | Unset
        if isinstance(_to_status, Unset):
            to_status = UNSET
        else:
            to_status = BatchTransitionToStatus(_to_status)

        batch_transition = cls(
            at=at,
            by=by,
            from_status=from_status,
            to_status=to_status,
        )

        return batch_transition
