from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

T = TypeVar("T", bound="RolloutCheckCreate")


@_attrs_define
class RolloutCheckCreate:
    """
    Attributes:
        rollout_id (int): An active rollout
    """

    rollout_id: int

    def to_dict(self) -> dict[str, Any]:
        rollout_id = self.rollout_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "rollout_id": rollout_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        rollout_id = d.pop("rollout_id")

        rollout_check_create = cls(
            rollout_id=rollout_id,
        )

        return rollout_check_create
