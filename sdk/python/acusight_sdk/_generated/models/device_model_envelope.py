from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.device_model import DeviceModel
    from ..models.device_model_envelope_data_type_0_type_0 import (
        DeviceModelEnvelopeDataType0Type0,
    )


T = TypeVar("T", bound="DeviceModelEnvelope")


@_attrs_define
class DeviceModelEnvelope:
    """
    Attributes:
        data (DeviceModel | DeviceModelEnvelopeDataType0Type0 | None | Unset):
        success (bool | Unset):  Example: True.
    """

    data: DeviceModel | DeviceModelEnvelopeDataType0Type0 | None | Unset = UNSET
    success: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.device_model import DeviceModel
        from ..models.device_model_envelope_data_type_0_type_0 import (
            DeviceModelEnvelopeDataType0Type0,
        )

        data: dict[str, Any] | None | Unset
        if isinstance(self.data, Unset):
            data = UNSET
        elif isinstance(self.data, DeviceModelEnvelopeDataType0Type0) or isinstance(
            self.data, DeviceModel
        ):
            data = self.data.to_dict()
        else:
            data = self.data

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
        from ..models.device_model import DeviceModel
        from ..models.device_model_envelope_data_type_0_type_0 import (
            DeviceModelEnvelopeDataType0Type0,
        )

        d = dict(src_dict)

        def _parse_data(
            data: object,
        ) -> DeviceModel | DeviceModelEnvelopeDataType0Type0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_0_type_0 = DeviceModelEnvelopeDataType0Type0.from_dict(data)

                return data_type_0_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_1 = DeviceModel.from_dict(data)

                return data_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                Union[DeviceModel, DeviceModelEnvelopeDataType0Type0, None, Unset], data
            )

        data = _parse_data(d.pop("data", UNSET))

        success = d.pop("success", UNSET)

        device_model_envelope = cls(
            data=data,
            success=success,
        )

        return device_model_envelope
