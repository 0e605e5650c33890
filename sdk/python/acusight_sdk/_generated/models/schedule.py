from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.schedule_dataset_params import ScheduleDatasetParams
    from ..models.training_params import TrainingParams


T = TypeVar("T", bound="Schedule")


@_attrs_define
class Schedule:
    """
    Attributes:
        active (bool | None | Unset): As Prefect reports it; null when Prefect can't be reached
        created_at (datetime.datetime | Unset):
        cron (None | str | Unset):
        dataset_params (ScheduleDatasetParams | Unset):
        device (str | Unset):
        id (int | Unset):
        interval_seconds (int | None | Unset):
        last_dataset_id (int | None | Unset):
        last_outcome (None | str | Unset):
        last_run_at (datetime.datetime | None | Unset):
        last_training_job_id (int | None | Unset):
        min_new_annotations (int | Unset):
        name (str | Unset):
        prefect_schedule_id (None | str | Unset):
        project_id (int | Unset):
        timezone (str | Unset):
        training_params (TrainingParams | Unset):
    """

    active: bool | None | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    cron: None | str | Unset = UNSET
    dataset_params: ScheduleDatasetParams | Unset = UNSET
    device: str | Unset = UNSET
    id: int | Unset = UNSET
    interval_seconds: int | None | Unset = UNSET
    last_dataset_id: int | None | Unset = UNSET
    last_outcome: None | str | Unset = UNSET
    last_run_at: datetime.datetime | None | Unset = UNSET
    last_training_job_id: int | None | Unset = UNSET
    min_new_annotations: int | Unset = UNSET
    name: str | Unset = UNSET
    prefect_schedule_id: None | str | Unset = UNSET
    project_id: int | Unset = UNSET
    timezone: str | Unset = UNSET
    training_params: TrainingParams | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        active: bool | None | Unset
        if isinstance(self.active, Unset):
            active = UNSET
        else:
            active = self.active

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        cron: None | str | Unset
        if isinstance(self.cron, Unset):
            cron = UNSET
        else:
            cron = self.cron

        dataset_params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.dataset_params, Unset):
            dataset_params = self.dataset_params.to_dict()

        device = self.device

        id = self.id

        interval_seconds: int | None | Unset
        if isinstance(self.interval_seconds, Unset):
            interval_seconds = UNSET
        else:
            interval_seconds = self.interval_seconds

        last_dataset_id: int | None | Unset
        if isinstance(self.last_dataset_id, Unset):
            last_dataset_id = UNSET
        else:
            last_dataset_id = self.last_dataset_id

        last_outcome: None | str | Unset
        if isinstance(self.last_outcome, Unset):
            last_outcome = UNSET
        else:
            last_outcome = self.last_outcome

        last_run_at: None | str | Unset
        if isinstance(self.last_run_at, Unset):
            last_run_at = UNSET
        elif isinstance(self.last_run_at, datetime.datetime):
            last_run_at = self.last_run_at.isoformat()
        else:
            last_run_at = self.last_run_at

        last_training_job_id: int | None | Unset
        if isinstance(self.last_training_job_id, Unset):
            last_training_job_id = UNSET
        else:
            last_training_job_id = self.last_training_job_id

        min_new_annotations = self.min_new_annotations

        name = self.name

        prefect_schedule_id: None | str | Unset
        if isinstance(self.prefect_schedule_id, Unset):
            prefect_schedule_id = UNSET
        else:
            prefect_schedule_id = self.prefect_schedule_id

        project_id = self.project_id

        timezone = self.timezone

        training_params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.training_params, Unset):
            training_params = self.training_params.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if active is not UNSET:
            field_dict["active"] = active
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if cron is not UNSET:
            field_dict["cron"] = cron
        if dataset_params is not UNSET:
            field_dict["dataset_params"] = dataset_params
        if device is not UNSET:
            field_dict["device"] = device
        if id is not UNSET:
            field_dict["id"] = id
        if interval_seconds is not UNSET:
            field_dict["interval_seconds"] = interval_seconds
        if last_dataset_id is not UNSET:
            field_dict["last_dataset_id"] = last_dataset_id
        if last_outcome is not UNSET:
            field_dict["last_outcome"] = last_outcome
        if last_run_at is not UNSET:
            field_dict["last_run_at"] = last_run_at
        if last_training_job_id is not UNSET:
            field_dict["last_training_job_id"] = last_training_job_id
        if min_new_annotations is not UNSET:
            field_dict["min_new_annotations"] = min_new_annotations
        if name is not UNSET:
            field_dict["name"] = name
        if prefect_schedule_id is not UNSET:
            field_dict["prefect_schedule_id"] = prefect_schedule_id
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
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

        def _parse_active(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[bool, None, Unset], data)

        active = _parse_active(d.pop("active", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

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

        device = d.pop("device", UNSET)

        id = d.pop("id", UNSET)

        def _parse_interval_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        interval_seconds = _parse_interval_seconds(d.pop("interval_seconds", UNSET))

        def _parse_last_dataset_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        last_dataset_id = _parse_last_dataset_id(d.pop("last_dataset_id", UNSET))

        def _parse_last_outcome(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        last_outcome = _parse_last_outcome(d.pop("last_outcome", UNSET))

        def _parse_last_run_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_run_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_run_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        last_run_at = _parse_last_run_at(d.pop("last_run_at", UNSET))

        def _parse_last_training_job_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        last_training_job_id = _parse_last_training_job_id(
            d.pop("last_training_job_id", UNSET)
        )

        min_new_annotations = d.pop("min_new_annotations", UNSET)

        name = d.pop("name", UNSET)

        def _parse_prefect_schedule_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        prefect_schedule_id = _parse_prefect_schedule_id(
            d.pop("prefect_schedule_id", UNSET)
        )

        project_id = d.pop("project_id", UNSET)

        timezone = d.pop("timezone", UNSET)

        _training_params = d.pop("training_params", UNSET)
        training_params: TrainingParams | Unset
        if isinstance(_training_params, Unset):
            training_params = UNSET
        else:
            training_params = TrainingParams.from_dict(_training_params)

        schedule = cls(
            active=active,
            created_at=created_at,
            cron=cron,
            dataset_params=dataset_params,
            device=device,
            id=id,
            interval_seconds=interval_seconds,
            last_dataset_id=last_dataset_id,
            last_outcome=last_outcome,
            last_run_at=last_run_at,
            last_training_job_id=last_training_job_id,
            min_new_annotations=min_new_annotations,
            name=name,
            prefect_schedule_id=prefect_schedule_id,
            project_id=project_id,
            timezone=timezone,
            training_params=training_params,
        )

        return schedule
