from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.figures_class_counts import FiguresClassCounts
    from ..models.figures_class_mix import FiguresClassMix
    from ..models.latency import Latency


T = TypeVar("T", bound="Figures")


@_attrs_define
class Figures:
    """
    Attributes:
        class_counts (FiguresClassCounts | Unset):
        class_mix (FiguresClassMix | Unset): Share
        confidence_histogram (list[int] | Unset): Scores per fixed bin (edges in data.bins.confidence)
        latency_ms (Latency | Unset):
        low_confidence_share (float | None | Unset): Share of scores under the project's low-confidence threshold
        mean_confidence (float | None | Unset): Read at the bins' centres
        predictions (int | Unset): Frames the model ran on
        scores (int | Unset): Scores counted: one per frame for a classifier, one per detection for a detector
    """

    class_counts: FiguresClassCounts | Unset = UNSET
    class_mix: FiguresClassMix | Unset = UNSET
    confidence_histogram: list[int] | Unset = UNSET
    latency_ms: Latency | Unset = UNSET
    low_confidence_share: float | None | Unset = UNSET
    mean_confidence: float | None | Unset = UNSET
    predictions: int | Unset = UNSET
    scores: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        class_counts: dict[str, Any] | Unset = UNSET
        if not isinstance(self.class_counts, Unset):
            class_counts = self.class_counts.to_dict()

        class_mix: dict[str, Any] | Unset = UNSET
        if not isinstance(self.class_mix, Unset):
            class_mix = self.class_mix.to_dict()

        confidence_histogram: list[int] | Unset = UNSET
        if not isinstance(self.confidence_histogram, Unset):
            confidence_histogram = self.confidence_histogram

        latency_ms: dict[str, Any] | Unset = UNSET
        if not isinstance(self.latency_ms, Unset):
            latency_ms = self.latency_ms.to_dict()

        low_confidence_share: float | None | Unset
        if isinstance(self.low_confidence_share, Unset):
            low_confidence_share = UNSET
        else:
            low_confidence_share = self.low_confidence_share

        mean_confidence: float | None | Unset
        if isinstance(self.mean_confidence, Unset):
            mean_confidence = UNSET
        else:
            mean_confidence = self.mean_confidence

        predictions = self.predictions

        scores = self.scores

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if class_counts is not UNSET:
            field_dict["class_counts"] = class_counts
        if class_mix is not UNSET:
            field_dict["class_mix"] = class_mix
        if confidence_histogram is not UNSET:
            field_dict["confidence_histogram"] = confidence_histogram
        if latency_ms is not UNSET:
            field_dict["latency_ms"] = latency_ms
        if low_confidence_share is not UNSET:
            field_dict["low_confidence_share"] = low_confidence_share
        if mean_confidence is not UNSET:
            field_dict["mean_confidence"] = mean_confidence
        if predictions is not UNSET:
            field_dict["predictions"] = predictions
        if scores is not UNSET:
            field_dict["scores"] = scores

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.figures_class_counts import FiguresClassCounts
        from ..models.figures_class_mix import FiguresClassMix
        from ..models.latency import Latency

        d = dict(src_dict)
        _class_counts = d.pop("class_counts", UNSET)
        class_counts: FiguresClassCounts | Unset
        if isinstance(_class_counts, Unset):
            class_counts = UNSET
        else:
            class_counts = FiguresClassCounts.from_dict(_class_counts)

        _class_mix = d.pop("class_mix", UNSET)
        class_mix: FiguresClassMix | Unset
        if isinstance(_class_mix, Unset):
            class_mix = UNSET
        else:
            class_mix = FiguresClassMix.from_dict(_class_mix)

        confidence_histogram = cast(list[int], d.pop("confidence_histogram", UNSET))

        _latency_ms = d.pop("latency_ms", UNSET)
        latency_ms: Latency | Unset
        if isinstance(_latency_ms, Unset):
            latency_ms = UNSET
        else:
            latency_ms = Latency.from_dict(_latency_ms)

        def _parse_low_confidence_share(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[float, None, Unset], data)

        low_confidence_share = _parse_low_confidence_share(
            d.pop("low_confidence_share", UNSET)
        )

        def _parse_mean_confidence(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[float, None, Unset], data)

        mean_confidence = _parse_mean_confidence(d.pop("mean_confidence", UNSET))

        predictions = d.pop("predictions", UNSET)

        scores = d.pop("scores", UNSET)

        figures = cls(
            class_counts=class_counts,
            class_mix=class_mix,
            confidence_histogram=confidence_histogram,
            latency_ms=latency_ms,
            low_confidence_share=low_confidence_share,
            mean_confidence=mean_confidence,
            predictions=predictions,
            scores=scores,
        )

        return figures
