from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.training_job_report_status import TrainingJobReportStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.training_job_report_metrics_type_0 import (
        TrainingJobReportMetricsType0,
    )
    from ..models.training_job_report_progress_type_0 import (
        TrainingJobReportProgressType0,
    )


T = TypeVar("T", bound="TrainingJobReport")


@_attrs_define
class TrainingJobReport:
    """
    Attributes:
        error (None | str | Unset):
        metrics (None | TrainingJobReportMetricsType0 | Unset):
        progress (None | TrainingJobReportProgressType0 | Unset):
        status (TrainingJobReportStatus | Unset):
    """

    error: None | str | Unset = UNSET
    metrics: None | TrainingJobReportMetricsType0 | Unset = UNSET
    progress: None | TrainingJobReportProgressType0 | Unset = UNSET
    status: TrainingJobReportStatus | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.training_job_report_metrics_type_0 import (
            TrainingJobReportMetricsType0,
        )
        from ..models.training_job_report_progress_type_0 import (
            TrainingJobReportProgressType0,
        )

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        metrics: dict[str, Any] | None | Unset
        if isinstance(self.metrics, Unset):
            metrics = UNSET
        elif isinstance(self.metrics, TrainingJobReportMetricsType0):
            metrics = self.metrics.to_dict()
        else:
            metrics = self.metrics

        progress: dict[str, Any] | None | Unset
        if isinstance(self.progress, Unset):
            progress = UNSET
        elif isinstance(self.progress, TrainingJobReportProgressType0):
            progress = self.progress.to_dict()
        else:
            progress = self.progress

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if error is not UNSET:
            field_dict["error"] = error
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if progress is not UNSET:
            field_dict["progress"] = progress
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.training_job_report_metrics_type_0 import (
            TrainingJobReportMetricsType0,
        )
        from ..models.training_job_report_progress_type_0 import (
            TrainingJobReportProgressType0,
        )

        d = dict(src_dict)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_metrics(
            data: object,
        ) -> None | TrainingJobReportMetricsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metrics_type_0 = TrainingJobReportMetricsType0.from_dict(data)

                return metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[None, TrainingJobReportMetricsType0, Unset], data)

        metrics = _parse_metrics(d.pop("metrics", UNSET))

        def _parse_progress(
            data: object,
        ) -> None | TrainingJobReportProgressType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                progress_type_0 = TrainingJobReportProgressType0.from_dict(data)

                return progress_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[None, TrainingJobReportProgressType0, Unset], data)

        progress = _parse_progress(d.pop("progress", UNSET))

        _status = d.pop("status", UNSET)
        status: TrainingJobReportStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = TrainingJobReportStatus(_status)

        training_job_report = cls(
            error=error,
            metrics=metrics,
            progress=progress,
            status=status,
        )

        return training_job_report
