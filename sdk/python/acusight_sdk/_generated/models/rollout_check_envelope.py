from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.rollout_check import RolloutCheck


T = TypeVar("T", bound="RolloutCheckEnvelope")


@_attrs_define
class RolloutCheckEnvelope:
    """
    Attributes:
        data (RolloutCheck | Unset):
        success (bool | Unset):  Example: True.
    """

    data: RolloutCheck | Unset = UNSET
    success: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        success = self.success

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if data is not UNSET:
            field_dict["data"] = data
        if success is not UNSET:
            field_dict["success"] = success

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.rollout_check import RolloutCheck

        d = dict(src_dict)
        _data = d.pop("data", UNSET)
        data: RolloutCheck | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = RolloutCheck.from_dict(_data)

        success = d.pop("success", UNSET)

        rollout_check_envelope = cls(
            data=data,
            success=success,
        )

        return rollout_check_envelope
