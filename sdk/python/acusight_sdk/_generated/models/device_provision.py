from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="DeviceProvision")


@_attrs_define
class DeviceProvision:
    """
    Attributes:
        name (str):
        serial_number (str):
        token (str):
        firmware_version (None | str | Unset):
        model (None | str | Unset):
    """

    name: str
    serial_number: str
    token: str
    firmware_version: None | str | Unset = UNSET
    model: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        serial_number = self.serial_number

        token = self.token

        firmware_version: None | str | Unset
        if isinstance(self.firmware_version, Unset):
            firmware_version = UNSET
        else:
            firmware_version = self.firmware_version

        model: None | str | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        else:
            model = self.model

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "serial_number": serial_number,
                "token": token,
            }
        )
        if firmware_version is not UNSET:
            field_dict["firmware_version"] = firmware_version
        if model is not UNSET:
            field_dict["model"] = model

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        serial_number = d.pop("serial_number")

        token = d.pop("token")

        def _parse_firmware_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        firmware_version = _parse_firmware_version(d.pop("firmware_version", UNSET))

        def _parse_model(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        model = _parse_model(d.pop("model", UNSET))

        device_provision = cls(
            name=name,
            serial_number=serial_number,
            token=token,
            firmware_version=firmware_version,
            model=model,
        )

        return device_provision
