from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.bins import Bins
    from ..models.bucket import Bucket
    from ..models.field_metrics_reference_type_1_type_0 import (
        FieldMetricsReferenceType1Type0,
    )
    from ..models.figures import Figures
    from ..models.reference import Reference


T = TypeVar("T", bound="FieldMetrics")


@_attrs_define
class FieldMetrics:
    """
    Attributes:
        bins (Bins | Unset):
        bucket (str | Unset):
        buckets (list[Bucket] | Unset): Oldest first; buckets with no predictions are left out
        device_id (int | None | Unset):
        devices_reporting (int | Unset): Devices that reported in the window
        export_id (int | Unset):
        from_ (datetime.datetime | Unset):
        low_confidence_threshold (float | Unset):
        project_id (int | Unset):
        reference (FieldMetricsReferenceType1Type0 | None | Reference | Unset): The same figures on the model's held-out
            images, at export (null: older export)
        summary (Figures | Unset):
        task (str | Unset):
        to (datetime.datetime | Unset):
        total_predictions (int | Unset):
    """

    bins: Bins | Unset = UNSET
    bucket: str | Unset = UNSET
    buckets: list[Bucket] | Unset = UNSET
    device_id: int | None | Unset = UNSET
    devices_reporting: int | Unset = UNSET
    export_id: int | Unset = UNSET
    from_: datetime.datetime | Unset = UNSET
    low_confidence_threshold: float | Unset = UNSET
    project_id: int | Unset = UNSET
    reference: FieldMetricsReferenceType1Type0 | None | Reference | Unset = UNSET
    summary: Figures | Unset = UNSET
    task: str | Unset = UNSET
    to: datetime.datetime | Unset = UNSET
    total_predictions: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.field_metrics_reference_type_1_type_0 import (
            FieldMetricsReferenceType1Type0,
        )
        from ..models.reference import Reference

        bins: dict[str, Any] | Unset = UNSET
        if not isinstance(self.bins, Unset):
            bins = self.bins.to_dict()

        bucket = self.bucket

        buckets: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.buckets, Unset):
            buckets = []
            for buckets_item_data in self.buckets:
                buckets_item = buckets_item_data.to_dict()
                buckets.append(buckets_item)

        device_id: int | None | Unset
        if isinstance(self.device_id, Unset):
            device_id = UNSET
        else:
            device_id = self.device_id

        devices_reporting = self.devices_reporting

        export_id = self.export_id

        from_: str | Unset = UNSET
        if not isinstance(self.from_, Unset):
            from_ = self.from_.isoformat()

        low_confidence_threshold = self.low_confidence_threshold

        project_id = self.project_id

        reference: dict[str, Any] | None | Unset
        if isinstance(self.reference, Unset):
            reference = UNSET
        elif isinstance(self.reference, Reference) or isinstance(
            self.reference, FieldMetricsReferenceType1Type0
        ):
            reference = self.reference.to_dict()
        else:
            reference = self.reference

        summary: dict[str, Any] | Unset = UNSET
        if not isinstance(self.summary, Unset):
            summary = self.summary.to_dict()

        task = self.task

        to: str | Unset = UNSET
        if not isinstance(self.to, Unset):
            to = self.to.isoformat()

        total_predictions = self.total_predictions

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if bins is not UNSET:
            field_dict["bins"] = bins
        if bucket is not UNSET:
            field_dict["bucket"] = bucket
        if buckets is not UNSET:
            field_dict["buckets"] = buckets
        if device_id is not UNSET:
            field_dict["device_id"] = device_id
        if devices_reporting is not UNSET:
            field_dict["devices_reporting"] = devices_reporting
        if export_id is not UNSET:
            field_dict["export_id"] = export_id
        if from_ is not UNSET:
            field_dict["from"] = from_
        if low_confidence_threshold is not UNSET:
            field_dict["low_confidence_threshold"] = low_confidence_threshold
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if reference is not UNSET:
            field_dict["reference"] = reference
        if summary is not UNSET:
            field_dict["summary"] = summary
        if task is not UNSET:
            field_dict["task"] = task
        if to is not UNSET:
            field_dict["to"] = to
        if total_predictions is not UNSET:
            field_dict["total_predictions"] = total_predictions

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.bins import Bins
        from ..models.bucket import Bucket
        from ..models.field_metrics_reference_type_1_type_0 import (
            FieldMetricsReferenceType1Type0,
        )
        from ..models.figures import Figures
        from ..models.reference import Reference

        d = dict(src_dict)
        _bins = d.pop("bins", UNSET)
        bins: Bins | Unset
        if isinstance(_bins, Unset):
            bins = UNSET
        else:
            bins = Bins.from_dict(_bins)

        bucket = d.pop("bucket", UNSET)

        _buckets = d.pop("buckets", UNSET)
        buckets: list[Bucket] | Unset = UNSET
        if _buckets is not UNSET:
            buckets = []
            for buckets_item_data in _buckets:
                buckets_item = Bucket.from_dict(buckets_item_data)

                buckets.append(buckets_item)

        def _parse_device_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        device_id = _parse_device_id(d.pop("device_id", UNSET))

        devices_reporting = d.pop("devices_reporting", UNSET)

        export_id = d.pop("export_id", UNSET)

        _from_ = d.pop("from", UNSET)
        from_: datetime.datetime | Unset
        if isinstance(_from_, Unset):
            from_ = UNSET
        else:
            from_ = datetime.datetime.fromisoformat(_from_)

        low_confidence_threshold = d.pop("low_confidence_threshold", UNSET)

        project_id = d.pop("project_id", UNSET)

        def _parse_reference(
            data: object,
        ) -> FieldMetricsReferenceType1Type0 | None | Reference | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reference_type_0 = Reference.from_dict(data)

                return reference_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reference_type_1_type_0 = FieldMetricsReferenceType1Type0.from_dict(
                    data
                )

                return reference_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                Union[FieldMetricsReferenceType1Type0, None, Reference, Unset], data
            )

        reference = _parse_reference(d.pop("reference", UNSET))

        _summary = d.pop("summary", UNSET)
        summary: Figures | Unset
        if isinstance(_summary, Unset):
            summary = UNSET
        else:
            summary = Figures.from_dict(_summary)

        task = d.pop("task", UNSET)

        _to = d.pop("to", UNSET)
        to: datetime.datetime | Unset
        if isinstance(_to, Unset):
            to = UNSET
        else:
            to = datetime.datetime.fromisoformat(_to)

        total_predictions = d.pop("total_predictions", UNSET)

        field_metrics = cls(
            bins=bins,
            bucket=bucket,
            buckets=buckets,
            device_id=device_id,
            devices_reporting=devices_reporting,
            export_id=export_id,
            from_=from_,
            low_confidence_threshold=low_confidence_threshold,
            project_id=project_id,
            reference=reference,
            summary=summary,
            task=task,
            to=to,
            total_predictions=total_predictions,
        )

        return field_metrics
