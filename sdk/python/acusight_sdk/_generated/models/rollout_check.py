from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="RolloutCheck")


@_attrs_define
class RolloutCheck:
    """
    Attributes:
        flow_run_id (str | Unset):
        rollout_id (int | Unset):
    """

    flow_run_id: str | Unset = UNSET
    rollout_id: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        flow_run_id = self.flow_run_id

        rollout_id = self.rollout_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if flow_run_id is not UNSET:
            field_dict["flow_run_id"] = flow_run_id
        if rollout_id is not UNSET:
            field_dict["rollout_id"] = rollout_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        flow_run_id = d.pop("flow_run_id", UNSET)

        rollout_id = d.pop("rollout_id", UNSET)

        rollout_check = cls(
            flow_run_id=flow_run_id,
            rollout_id=rollout_id,
        )

        return rollout_check
