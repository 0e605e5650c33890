from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.device import Device


T = TypeVar("T", bound="DeviceProvisioned")


@_attrs_define
class DeviceProvisioned:
    """
    Attributes:
        api_key (str | Unset): The device key, shown only in this response
        device (Device | Unset):
    """

    api_key: str | Unset = UNSET
    device: Device | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        api_key = self.api_key

        device: dict[str, Any] | Unset = UNSET
        if not isinstance(self.device, Unset):
            device = self.device.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if api_key is not UNSET:
            field_dict["api_key"] = api_key
        if device is not UNSET:
            field_dict["device"] = device

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.device import Device

        d = dict(src_dict)
        api_key = d.pop("api_key", UNSET)

        _device = d.pop("device", UNSET)
        device: Device | Unset
        if isinstance(_device, Unset):
            device = UNSET
        else:
            device = Device.from_dict(_device)

        device_provisioned = cls(
            api_key=api_key,
            device=device,
        )

        return device_provisioned
