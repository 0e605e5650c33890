from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.training_job_status import TrainingJobStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.training_job_metrics_type_0 import TrainingJobMetricsType0
    from ..models.training_job_params import TrainingJobParams
    from ..models.training_job_progress_type_0 import TrainingJobProgressType0


T = TypeVar("T", bound="TrainingJob")


@_attrs_define
class TrainingJob:
    """
    Attributes:
        created_at (datetime.datetime | Unset):
        dataset_id (int | Unset):
        device (str | Unset):
        error (None | str | Unset):
        finished_at (datetime.datetime | None | Unset):
        flow_run_id (None | str | Unset):
        flow_run_url (None | str | Unset): The flow run in the Prefect UI; null without a run or a known Prefect UI
        id (int | Unset):
        metrics (None | TrainingJobMetricsType0 | Unset):
        model_id (Any | Unset):
        params (TrainingJobParams | Unset):
        progress (None | TrainingJobProgressType0 | Unset): The latest epoch's figures (epoch, total_epochs, losses,
            accuracy or mAP), and `history`: every epoch's figures so far, oldest first
        project_id (int | Unset):
        started_at (datetime.datetime | None | Unset):
        status (TrainingJobStatus | Unset):
        warnings (list[str] | Unset): What makes the job's figures weak, e.g. a split too small to measure
    """

    created_at: datetime.datetime | Unset = UNSET
    dataset_id: int | Unset = UNSET
    device: str | Unset = UNSET
    error: None | str | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    flow_run_id: None | str | Unset = UNSET
    flow_run_url: None | str | Unset = UNSET
    id: int | Unset = UNSET
    metrics: None | TrainingJobMetricsType0 | Unset = UNSET
    model_id: Any | Unset = UNSET
    params: TrainingJobParams | Unset = UNSET
    progress: None | TrainingJobProgressType0 | Unset = UNSET
    project_id: int | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    status: TrainingJobStatus | Unset = UNSET
    warnings: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.training_job_metrics_type_0 import TrainingJobMetricsType0
        from ..models.training_job_progress_type_0 import TrainingJobProgressType0

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        dataset_id = self.dataset_id

        device = self.device

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        elif isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        flow_run_id: None | str | Unset
        if isinstance(self.flow_run_id, Unset):
            flow_run_id = UNSET
        else:
            flow_run_id = self.flow_run_id

        flow_run_url: None | str | Unset
        if isinstance(self.flow_run_url, Unset):
            flow_run_url = UNSET
        else:
            flow_run_url = self.flow_run_url

        id = self.id

        metrics: dict[str, Any] | None | Unset
        if isinstance(self.metrics, Unset):
            metrics = UNSET
        elif isinstance(self.metrics, TrainingJobMetricsType0):
            metrics = self.metrics.to_dict()
        else:
            metrics = self.metrics

        model_id = self.model_id

        params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params.to_dict()

        progress: dict[str, Any] | None | Unset
        if isinstance(self.progress, Unset):
            progress = UNSET
        elif isinstance(self.progress, TrainingJobProgressType0):
            progress = self.progress.to_dict()
        else:
            progress = self.progress

        project_id = self.project_id

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        warnings: list[str] | Unset = UNSET
        if not isinstance(self.warnings, Unset):
            warnings = self.warnings

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if dataset_id is not UNSET:
            field_dict["dataset_id"] = dataset_id
        if device is not UNSET:
            field_dict["device"] = device
        if error is not UNSET:
            field_dict["error"] = error
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if flow_run_id is not UNSET:
            field_dict["flow_run_id"] = flow_run_id
        if flow_run_url is not UNSET:
            field_dict["flow_run_url"] = flow_run_url
        if id is not UNSET:
            field_dict["id"] = id
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if model_id is not UNSET:
            field_dict["model_id"] = model_id
        if params is not UNSET:
            field_dict["params"] = params
        if progress is not UNSET:
            field_dict["progress"] = progress
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if status is not UNSET:
            field_dict["status"] = status
        if warnings is not UNSET:
            field_dict["warnings"] = warnings

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.training_job_metrics_type_0 import TrainingJobMetricsType0
        from ..models.training_job_params import TrainingJobParams
        from ..models.training_job_progress_type_0 import TrainingJobProgressType0

        d = dict(src_dict)
        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        dataset_id = d.pop("dataset_id", UNSET)

        device = d.pop("device", UNSET)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_finished_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        finished_at = _parse_finished_at(d.pop("finished_at", UNSET))

        def _parse_flow_run_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        flow_run_id = _parse_flow_run_id(d.pop("flow_run_id", UNSET))

        def _parse_flow_run_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        flow_run_url = _parse_flow_run_url(d.pop("flow_run_url", UNSET))

        id = d.pop("id", UNSET)

        def _parse_metrics(data: object) -> None | TrainingJobMetricsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metrics_type_0 = TrainingJobMetricsType0.from_dict(data)

                return metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[None, TrainingJobMetricsType0, Unset], data)

        metrics = _parse_metrics(d.pop("metrics", UNSET))

        model_id = d.pop("model_id", UNSET)

        _params = d.pop("params", UNSET)
        params: TrainingJobParams | Unset
        if isinstance(_params, Unset):
            params = UNSET
        else:
            params = TrainingJobParams.from_dict(_params)

        def _parse_progress(data: object) -> None | TrainingJobProgressType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                progress_type_0 = TrainingJobProgressType0.from_dict(data)

                return progress_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[None, TrainingJobProgressType0, Unset], data)

        progress = _parse_progress(d.pop("progress", UNSET))

        project_id = d.pop("project_id", UNSET)

        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        started_at = _parse_started_at(d.pop("started_at", UNSET))

        _status = d.pop("status", UNSET)
        status: TrainingJobStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = TrainingJobStatus(_status)

        warnings = cast(list[str], d.pop("warnings", UNSET))

        training_job = cls(
            created_at=created_at,
            dataset_id=dataset_id,
            device=device,
            error=error,
            finished_at=finished_at,
            flow_run_id=flow_run_id,
            flow_run_url=flow_run_url,
            id=id,
            metrics=metrics,
            model_id=model_id,
            params=params,
            progress=progress,
            project_id=project_id,
            started_at=started_at,
            status=status,
            warnings=warnings,
        )

        return training_job
