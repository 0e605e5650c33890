from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="SamplingBoost")


@_attrs_define
class SamplingBoost:
    """
    Attributes:
        random_rate (float | Unset):
        until (str | Unset): ISO 8601, UTC
    """

    random_rate: float | Unset = UNSET
    until: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        random_rate = self.random_rate

        until = self.until

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if random_rate is not UNSET:
            field_dict["random_rate"] = random_rate
        if until is not UNSET:
            field_dict["until"] = until

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        random_rate = d.pop("random_rate", UNSET)

        until = d.pop("until", UNSET)

        sampling_boost = cls(
            random_rate=random_rate,
            until=until,
        )

        return sampling_boost
