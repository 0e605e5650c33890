from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.checkin_ref import CheckinRef
    from ..models.device_config import DeviceConfig
    from ..models.device_self import DeviceSelf


T = TypeVar("T", bound="CheckinResponse")


@_attrs_define
class CheckinResponse:
    """
    Attributes:
        checkin (CheckinRef | Unset):
        config (DeviceConfig | Unset):
        device (DeviceSelf | Unset):
    """

    checkin: CheckinRef | Unset = UNSET
    config: DeviceConfig | Unset = UNSET
    device: DeviceSelf | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        checkin: dict[str, Any] | Unset = UNSET
        if not isinstance(self.checkin, Unset):
            checkin = self.checkin.to_dict()

        config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.config, Unset):
            config = self.config.to_dict()

        device: dict[str, Any] | Unset = UNSET
        if not isinstance(self.device, Unset):
            device = self.device.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if checkin is not UNSET:
            field_dict["checkin"] = checkin
        if config is not UNSET:
            field_dict["config"] = config
        if device is not UNSET:
            field_dict["device"] = device

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.checkin_ref import CheckinRef
        from ..models.device_config import DeviceConfig
        from ..models.device_self import DeviceSelf

        d = dict(src_dict)
        _checkin = d.pop("checkin", UNSET)
        checkin: CheckinRef | Unset
        if isinstance(_checkin, Unset):
            checkin = UNSET
        else:
            checkin = CheckinRef.from_dict(_checkin)

        _config = d.pop("config", UNSET)
        config: DeviceConfig | Unset
        if isinstance(_config, Unset):
            config = UNSET
        else:
            config = DeviceConfig.from_dict(_config)

        _device = d.pop("device", UNSET)
        device: DeviceSelf | Unset
        if isinstance(_device, Unset):
            device = UNSET
        else:
            device = DeviceSelf.from_dict(_device)

        checkin_response = cls(
            checkin=checkin,
            config=config,
            device=device,
        )

        return checkin_response
