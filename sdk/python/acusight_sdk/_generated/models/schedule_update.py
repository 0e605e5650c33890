from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.schedule_update_device import ScheduleUpdateDevice
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.schedule_dataset_params import ScheduleDatasetParams
    from ..models.training_params import TrainingParams


T = TypeVar("T", bound="ScheduleUpdate")


@_attrs_define
class ScheduleUpdate:
    """
    Attributes:
        active (bool | Unset): Pause (false) or resume (true), as in the Prefect UI
        cron (None | str | Unset): Must not fire more often than the server's minimum interval
        dataset_params (ScheduleDatasetParams | Unset):
        device (ScheduleUpdateDevice | Unset):
        interval_seconds (int | None | Unset): At least the server's minimum interval (ACUSIGHT_SCHEDULE_MIN_INTERVAL_S)
        min_new_annotations (int | Unset): Skip a run unless this many images were annotated since the last one (0
            counts as 1: a run with nothing new never cuts a version nor trains)
        name (str | Unset):
        timezone (str | Unset):
        training_params (TrainingParams | Unset):
    """

    active: bool | Unset = UNSET
    cron: None | str | Unset = UNSET
    dataset_params: ScheduleDatasetParams | Unset = UNSET
    device: ScheduleUpdateDevice | Unset = UNSET
    interval_seconds: int | None | Unset = UNSET
    min_new_annotations: int | Unset = UNSET
    name: str | Unset = UNSET
    timezone: str | Unset = UNSET
    training_params: TrainingParams | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        cron: None | str | Unset
        if isinstance(self.cron, Unset):
            cron = UNSET
        else:
            cron = self.cron

        dataset_params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.dataset_params, Unset):
            dataset_params = self.dataset_params.to_dict()

        device: str | Unset = UNSET
        if not isinstance(self.device, Unset):
            device = self.device.value

        interval_seconds: int | None | Unset
        if isinstance(self.interval_seconds, Unset):
            interval_seconds = UNSET
        else:
            interval_seconds = self.interval_seconds

        min_new_annotations = self.min_new_annotations

        name = self.name

        timezone = self.timezone

        training_params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.training_params, Unset):
            training_params = self.training_params.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if active is not UNSET:
            field_dict["active"] = active
        if cron is not UNSET:
            field_dict["cron"] = cron
        if dataset_params is not UNSET:
            field_dict["dataset_params"] = dataset_params
        if device is not UNSET:
            field_dict["device"] = device
        if interval_seconds is not UNSET:
            field_dict["interval_seconds"] = interval_seconds
        if min_new_annotations is not UNSET:
            field_dict["min_new_annotations"] = min_new_annotations
        if name is not UNSET:
            field_dict["name"] = name
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if training_params is not UNSET:
            field_dict["training_params"] = training_params

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.schedule_dataset_params import ScheduleDatasetParams
        from ..models.training_params import TrainingParams

        d = dict(src_dict)
        active = d.pop("active", UNSET)

        def _parse_cron(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        cron = _parse_cron(d.pop("cron", UNSET))

        _dataset_params = d.pop("dataset_params", UNSET)
        dataset_params: ScheduleDatasetParams | Unset
        if isinstance(_dataset_params, Unset):
            dataset_params = UNSET
        else:
            dataset_params = ScheduleDatasetParams.from_dict(_dataset_params)

        _device = d.pop("device", UNSET)
        device: ScheduleUpdateDevice | Unset
        if isinstance(_device, Unset):
            device = UNSET
        else:
            device = ScheduleUpdateDevice(_device)

        def _parse_interval_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        interval_seconds = _parse_interval_seconds(d.pop("interval_seconds", UNSET))

        min_new_annotations = d.pop("min_new_annotations", UNSET)

        name = d.pop("name", UNSET)

        timezone = d.pop("timezone", UNSET)

        _training_params = d.pop("training_params", UNSET)
        training_params: TrainingParams | Unset
        if isinstance(_training_params, Unset):
            training_params = UNSET
        else:
            training_params = TrainingParams.from_dict(_training_params)

        schedule_update = cls(
            active=active,
            cron=cron,
            dataset_params=dataset_params,
            device=device,
            interval_seconds=interval_seconds,
            min_new_annotations=min_new_annotations,
            name=name,
            timezone=timezone,
            training_params=training_params,
        )

        return schedule_update
