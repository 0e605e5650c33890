from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.device_config_model_type_1_type_0 import DeviceConfigModelType1Type0
    from ..models.device_config_sampling_type_1_type_0 import (
        DeviceConfigSamplingType1Type0,
    )
    from ..models.device_model import DeviceModel
    from ..models.device_sampling import DeviceSampling
    from ..models.upload_policy import UploadPolicy


T = TypeVar("T", bound="DeviceConfig")


@_attrs_define
class DeviceConfig:
    """
    Attributes:
        checkin_interval_s (int | Unset):
        model (DeviceConfigModelType1Type0 | DeviceModel | None | Unset): The assigned model export, or null
        sampling (DeviceConfigSamplingType1Type0 | DeviceSampling | None | Unset): Which frames to upload (the project's
            sampling policy), or null
        upload_policy (UploadPolicy | Unset):
    """

    checkin_interval_s: int | Unset = UNSET
    model: DeviceConfigModelType1Type0 | DeviceModel | None | Unset = UNSET
    sampling: DeviceConfigSamplingType1Type0 | DeviceSampling | None | Unset = UNSET
    upload_policy: UploadPolicy | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.device_config_model_type_1_type_0 import (
            DeviceConfigModelType1Type0,
        )
        from ..models.device_config_sampling_type_1_type_0 import (
            DeviceConfigSamplingType1Type0,
        )
        from ..models.device_model import DeviceModel
        from ..models.device_sampling import DeviceSampling

        checkin_interval_s = self.checkin_interval_s

        model: dict[str, Any] | None | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        elif isinstance(self.model, DeviceModel) or isinstance(
            self.model, DeviceConfigModelType1Type0
        ):
            model = self.model.to_dict()
        else:
            model = self.model

        sampling: dict[str, Any] | None | Unset
        if isinstance(self.sampling, Unset):
            sampling = UNSET
        elif isinstance(self.sampling, DeviceSampling) or isinstance(
            self.sampling, DeviceConfigSamplingType1Type0
        ):
            sampling = self.sampling.to_dict()
        else:
            sampling = self.sampling

        upload_policy: dict[str, Any] | Unset = UNSET
        if not isinstance(self.upload_policy, Unset):
            upload_policy = self.upload_policy.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if checkin_interval_s is not UNSET:
            field_dict["checkin_interval_s"] = checkin_interval_s
        if model is not UNSET:
            field_dict["model"] = model
        if sampling is not UNSET:
            field_dict["sampling"] = sampling
        if upload_policy is not UNSET:
            field_dict["upload_policy"] = upload_policy

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.device_config_model_type_1_type_0 import (
            DeviceConfigModelType1Type0,
        )
        from ..models.device_config_sampling_type_1_type_0 import (
            DeviceConfigSamplingType1Type0,
        )
        from ..models.device_model import DeviceModel
        from ..models.device_sampling import DeviceSampling
        from ..models.upload_policy import UploadPolicy

        d = dict(src_dict)
        checkin_interval_s = d.pop("checkin_interval_s", UNSET)

        def _parse_model(
            data: object,
        ) -> DeviceConfigModelType1Type0 | DeviceModel | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                model_type_0 = DeviceModel.from_dict(data)

                return model_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                model_type_1_type_0 = DeviceConfigModelType1Type0.from_dict(data)

                return model_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                Union[DeviceConfigModelType1Type0, DeviceModel, None, Unset], data
            )

        model = _parse_model(d.pop("model", UNSET))

        def _parse_sampling(
            data: object,
        ) -> DeviceConfigSamplingType1Type0 | DeviceSampling | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                sampling_type_0 = DeviceSampling.from_dict(data)

                return sampling_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                sampling_type_1_type_0 = DeviceConfigSamplingType1Type0.from_dict(data)

                return sampling_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                Union[DeviceConfigSamplingType1Type0, DeviceSampling, None, Unset], data
            )

        sampling = _parse_sampling(d.pop("sampling", UNSET))

        _upload_policy = d.pop("upload_policy", UNSET)
        upload_policy: UploadPolicy | Unset
        if isinstance(_upload_policy, Unset):
            upload_policy = UNSET
        else:
            upload_policy = UploadPolicy.from_dict(_upload_policy)

        device_config = cls(
            checkin_interval_s=checkin_interval_s,
            model=model,
            sampling=sampling,
            upload_policy=upload_policy,
        )

        return device_config
