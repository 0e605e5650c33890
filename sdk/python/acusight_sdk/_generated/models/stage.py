from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="Stage")


@_attrs_define
class Stage:
    """
    Attributes:
        percent (float): Share of the target devices in this stage, above 0 and at most 100
        min_devices (int | Unset): Devices of the stage that must have reported predictions of the export before it is
            promoted, and before its figures can roll it back Default: 1.
        min_duration_s (int | Unset): The stage lasts at least this long before it may be promoted Default: 3600.
    """

    percent: float
    min_devices: int | Unset = 1
    min_duration_s: int | Unset = 3600

    def to_dict(self) -> dict[str, Any]:
        percent = self.percent

        min_devices = self.min_devices

        min_duration_s = self.min_duration_s

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "percent": percent,
            }
        )
        if min_devices is not UNSET:
            field_dict["min_devices"] = min_devices
        if min_duration_s is not UNSET:
            field_dict["min_duration_s"] = min_duration_s

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        percent = d.pop("percent")

        min_devices = d.pop("min_devices", UNSET)

        min_duration_s = d.pop("min_duration_s", UNSET)

        stage = cls(
            percent=percent,
            min_devices=min_devices,
            min_duration_s=min_duration_s,
        )

        return stage
