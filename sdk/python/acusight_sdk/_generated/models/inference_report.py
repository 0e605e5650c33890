from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

if TYPE_CHECKING:
    from ..models.inference_prediction import InferencePrediction


T = TypeVar("T", bound="InferenceReport")


@_attrs_define
class InferenceReport:
    """
    Attributes:
        batch_id (str): The device's id of this batch (1-100 printable ASCII): a resend counts once
        predictions (list[InferencePrediction]): 1 to 1000
    """

    batch_id: str
    predictions: list[InferencePrediction]

    def to_dict(self) -> dict[str, Any]:
        batch_id = self.batch_id

        predictions = []
        for predictions_item_data in self.predictions:
            predictions_item = predictions_item_data.to_dict()
            predictions.append(predictions_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "batch_id": batch_id,
                "predictions": predictions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.inference_prediction import InferencePrediction

        d = dict(src_dict)
        batch_id = d.pop("batch_id")

        predictions = []
        _predictions = d.pop("predictions")
        for predictions_item_data in _predictions:
            predictions_item = InferencePrediction.from_dict(predictions_item_data)

            predictions.append(predictions_item)

        inference_report = cls(
            batch_id=batch_id,
            predictions=predictions,
        )

        return inference_report
