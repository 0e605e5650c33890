from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.drift_event_figures import DriftEventFigures
    from ..models.drift_event_sampling_boost_type_0 import DriftEventSamplingBoostType0


T = TypeVar("T", bound="DriftEvent")


@_attrs_define
class DriftEvent:
    """
    Attributes:
        class_psi (float | Unset): Population stability index of the class mix
        confidence_psi (float | Unset): Of the confidence histogram
        created_at (datetime.datetime | Unset):
        export_id (int | Unset):
        figures (DriftEventFigures | Unset): The distributions compared, field and reference
        id (int | Unset):
        predictions (int | Unset):
        project_id (int | Unset):
        sampling_boost (DriftEventSamplingBoostType0 | None | Unset): The raised sampling it started (null: one was
            already on)
        threshold (float | Unset):
        window_from (datetime.datetime | Unset):
        window_to (datetime.datetime | Unset):
    """

    class_psi: float | Unset = UNSET
    confidence_psi: float | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    export_id: int | Unset = UNSET
    figures: DriftEventFigures | Unset = UNSET
    id: int | Unset = UNSET
    predictions: int | Unset = UNSET
    project_id: int | Unset = UNSET
    sampling_boost: DriftEventSamplingBoostType0 | None | Unset = UNSET
    threshold: float | Unset = UNSET
    window_from: datetime.datetime | Unset = UNSET
    window_to: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.drift_event_sampling_boost_type_0 import (
            DriftEventSamplingBoostType0,
        )

        class_psi = self.class_psi

        confidence_psi = self.confidence_psi

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        export_id = self.export_id

        figures: dict[str, Any] | Unset = UNSET
        if not isinstance(self.figures, Unset):
            figures = self.figures.to_dict()

        id = self.id

        predictions = self.predictions

        project_id = self.project_id

        sampling_boost: dict[str, Any] | None | Unset
        if isinstance(self.sampling_boost, Unset):
            sampling_boost = UNSET
        elif isinstance(self.sampling_boost, DriftEventSamplingBoostType0):
            sampling_boost = self.sampling_boost.to_dict()
        else:
            sampling_boost = self.sampling_boost

        threshold = self.threshold

        window_from: str | Unset = UNSET
        if not isinstance(self.window_from, Unset):
            window_from = self.window_from.isoformat()

        window_to: str | Unset = UNSET
        if not isinstance(self.window_to, Unset):
            window_to = self.window_to.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if class_psi is not UNSET:
            field_dict["class_psi"] = class_psi
        if confidence_psi is not UNSET:
            field_dict["confidence_psi"] = confidence_psi
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if export_id is not UNSET:
            field_dict["export_id"] = export_id
        if figures is not UNSET:
            field_dict["figures"] = figures
        if id is not UNSET:
            field_dict["id"] = id
        if predictions is not UNSET:
            field_dict["predictions"] = predictions
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if sampling_boost is not UNSET:
            field_dict["sampling_boost"] = sampling_boost
        if threshold is not UNSET:
            field_dict["threshold"] = threshold
        if window_from is not UNSET:
            field_dict["window_from"] = window_from
        if window_to is not UNSET:
            field_dict["window_to"] = window_to

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.drift_event_figures import DriftEventFigures
        from ..models.drift_event_sampling_boost_type_0 import (
            DriftEventSamplingBoostType0,
        )

        d = dict(src_dict)
        class_psi = d.pop("class_psi", UNSET)

        confidence_psi = d.pop("confidence_psi", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        export_id = d.pop("export_id", UNSET)

        _figures = d.pop("figures", UNSET)
        figures: DriftEventFigures | Unset
        if isinstance(_figures, Unset):
            figures = UNSET
        else:
            figures = DriftEventFigures.from_dict(_figures)

        id = d.pop("id", UNSET)

        predictions = d.pop("predictions", UNSET)

        project_id = d.pop("project_id", UNSET)

        def _parse_sampling_boost(
            data: object,
        ) -> DriftEventSamplingBoostType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                sampling_boost_type_0 = DriftEventSamplingBoostType0.from_dict(data)

                return sampling_boost_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[DriftEventSamplingBoostType0, None, Unset], data)

        sampling_boost = _parse_sampling_boost(d.pop("sampling_boost", UNSET))

        threshold = d.pop("threshold", UNSET)

        _window_from = d.pop("window_from", UNSET)
        window_from: datetime.datetime | Unset
        if isinstance(_window_from, Unset):
            window_from = UNSET
        else:
            window_from = datetime.datetime.fromisoformat(_window_from)

        _window_to = d.pop("window_to", UNSET)
        window_to: datetime.datetime | Unset
        if isinstance(_window_to, Unset):
            window_to = UNSET
        else:
            window_to = datetime.datetime.fromisoformat(_window_to)

        drift_event = cls(
            class_psi=class_psi,
            confidence_psi=confidence_psi,
            created_at=created_at,
            export_id=export_id,
            figures=figures,
            id=id,
            predictions=predictions,
            project_id=project_id,
            sampling_boost=sampling_boost,
            threshold=threshold,
            window_from=window_from,
            window_to=window_to,
        )

        return drift_event
