from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

if TYPE_CHECKING:
    from ..models.drift_event_create_figures import DriftEventCreateFigures


T = TypeVar("T", bound="DriftEventCreate")


@_attrs_define
class DriftEventCreate:
    """
    Attributes:
        class_psi (float):
        confidence_psi (float):
        export_id (int):
        figures (DriftEventCreateFigures):
        predictions (int):
        threshold (float):
        window_from (datetime.datetime):
        window_to (datetime.datetime):
    """

    class_psi: float
    confidence_psi: float
    export_id: int
    figures: DriftEventCreateFigures
    predictions: int
    threshold: float
    window_from: datetime.datetime
    window_to: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        class_psi = self.class_psi

        confidence_psi = self.confidence_psi

        export_id = self.export_id

        figures = self.figures.to_dict()

        predictions = self.predictions

        threshold = self.threshold

        window_from = self.window_from.isoformat()

        window_to = self.window_to.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "class_psi": class_psi,
                "confidence_psi": confidence_psi,
                "export_id": export_id,
                "figures": figures,
                "predictions": predictions,
                "threshold": threshold,
                "window_from": window_from,
                "window_to": window_to,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.drift_event_create_figures import DriftEventCreateFigures

        d = dict(src_dict)
        class_psi = d.pop("class_psi")

        confidence_psi = d.pop("confidence_psi")

        export_id = d.pop("export_id")

        figures = DriftEventCreateFigures.from_dict(d.pop("figures"))

        predictions = d.pop("predictions")

        threshold = d.pop("threshold")

        window_from = datetime.datetime.fromisoformat(d.pop("window_from"))

        window_to = datetime.datetime.fromisoformat(d.pop("window_to"))

        drift_event_create = cls(
            class_psi=class_psi,
            confidence_psi=confidence_psi,
            export_id=export_id,
            figures=figures,
            predictions=predictions,
            threshold=threshold,
            window_from=window_from,
            window_to=window_to,
        )

        return drift_event_create
