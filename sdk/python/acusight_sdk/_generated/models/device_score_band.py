from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="DeviceScoreBand")


@_attrs_define
class DeviceScoreBand:
    """
    Attributes:
        high (float | Unset):
        low (float | Unset):
    """

    high: float | Unset = UNSET
    low: float | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        high = self.high

        low = self.low

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if high is not UNSET:
            field_dict["high"] = high
        if low is not UNSET:
            field_dict["low"] = low

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        high = d.pop("high", UNSET)

        low = d.pop("low", UNSET)

        device_score_band = cls(
            high=high,
            low=low,
        )

        return device_score_band
