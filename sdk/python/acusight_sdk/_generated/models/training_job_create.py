from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.training_job_create_device import TrainingJobCreateDevice
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.training_params import TrainingParams


T = TypeVar("T", bound="TrainingJobCreate")


@_attrs_define
class TrainingJobCreate:
    """
    Attributes:
        dataset_id (int):
        device (TrainingJobCreateDevice | Unset):  Default: TrainingJobCreateDevice.AUTO.
        params (TrainingParams | Unset):
    """

    dataset_id: int
    device: TrainingJobCreateDevice | Unset = TrainingJobCreateDevice.AUTO
    params: TrainingParams | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        dataset_id = self.dataset_id

        device: str | Unset = UNSET
        if not isinstance(self.device, Unset):
            device = self.device.value

        params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "dataset_id": dataset_id,
            }
        )
        if device is not UNSET:
            field_dict["device"] = device
        if params is not UNSET:
            field_dict["params"] = params

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.training_params import TrainingParams

        d = dict(src_dict)
        dataset_id = d.pop("dataset_id")

        _device = d.pop("device", UNSET)
        device: TrainingJobCreateDevice | Unset
        if isinstance(_device, Unset):
            device = UNSET
        else:
            device = TrainingJobCreateDevice(_device)

        _params = d.pop("params", UNSET)
        params: TrainingParams | Unset
        if isinstance(_params, Unset):
            params = UNSET
        else:
            params = TrainingParams.from_dict(_params)

        training_job_create = cls(
            dataset_id=dataset_id,
            device=device,
            params=params,
        )

        return training_job_create
