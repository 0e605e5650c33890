from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.field_prediction_prediction import FieldPredictionPrediction


T = TypeVar("T", bound="FieldPrediction")


@_attrs_define
class FieldPrediction:
    """
    Attributes:
        captured_at (datetime.datetime | Unset):
        device_id (int | Unset):
        export_id (int | Unset):
        latency_ms (float | None | Unset):
        prediction (FieldPredictionPrediction | Unset): label, score (and top_k) of a classifier; detections of a
            detector
    """

    captured_at: datetime.datetime | Unset = UNSET
    device_id: int | Unset = UNSET
    export_id: int | Unset = UNSET
    latency_ms: float | None | Unset = UNSET
    prediction: FieldPredictionPrediction | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        captured_at: str | Unset = UNSET
        if not isinstance(self.captured_at, Unset):
            captured_at = self.captured_at.isoformat()

        device_id = self.device_id

        export_id = self.export_id

        latency_ms: float | None | Unset
        if isinstance(self.latency_ms, Unset):
            latency_ms = UNSET
        else:
            latency_ms = self.latency_ms

        prediction: dict[str, Any] | Unset = UNSET
        if not isinstance(self.prediction, Unset):
            prediction = self.prediction.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if captured_at is not UNSET:
            field_dict["captured_at"] = captured_at
        if device_id is not UNSET:
            field_dict["device_id"] = device_id
        if export_id is not UNSET:
            field_dict["export_id"] = export_id
        if latency_ms is not UNSET:
            field_dict["latency_ms"] = latency_ms
        if prediction is not UNSET:
            field_dict["prediction"] = prediction

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.field_prediction_prediction import FieldPredictionPrediction

        d = dict(src_dict)
        _captured_at = d.pop("captured_at", UNSET)
        captured_at: datetime.datetime | Unset
        if isinstance(_captured_at, Unset):
            captured_at = UNSET
        else:
            captured_at = datetime.datetime.fromisoformat(_captured_at)

        device_id = d.pop("device_id", UNSET)

        export_id = d.pop("export_id", UNSET)

        def _parse_latency_ms(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[float, None, Unset], data)

        latency_ms = _parse_latency_ms(d.pop("latency_ms", UNSET))

        _prediction = d.pop("prediction", UNSET)
        prediction: FieldPredictionPrediction | Unset
        if isinstance(_prediction, Unset):
            prediction = UNSET
        else:
            prediction = FieldPredictionPrediction.from_dict(_prediction)

        field_prediction = cls(
            captured_at=captured_at,
            device_id=device_id,
            export_id=export_id,
            latency_ms=latency_ms,
            prediction=prediction,
        )

        return field_prediction
