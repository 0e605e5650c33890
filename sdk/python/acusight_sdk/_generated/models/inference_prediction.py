from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.inference_box import InferenceBox
    from ..models.inference_scored import InferenceScored


T = TypeVar("T", bound="InferencePrediction")


@_attrs_define
class InferencePrediction:
    """
    Attributes:
        captured_at (datetime.datetime): ISO 8601 with an offset; at most a few minutes ahead
        export_id (int): The export that predicted
        latency_ms (float): The model's time for this frame
        detections (list[InferenceBox] | Unset): Detectors: what it kept ([]: nothing)
        image_sha256 (str | Unset): The frame's SHA-256, when it is (or will be) uploaded: links the two
        label (str | Unset): Classifiers: the top-1 label
        score (float | Unset): Classifiers: its probability, 0-1
        top_k (list[InferenceScored] | Unset): Classifiers
    """

    captured_at: datetime.datetime
    export_id: int
    latency_ms: float
    detections: list[InferenceBox] | Unset = UNSET
    image_sha256: str | Unset = UNSET
    label: str | Unset = UNSET
    score: float | Unset = UNSET
    top_k: list[InferenceScored] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        captured_at = self.captured_at.isoformat()

        export_id = self.export_id

        latency_ms = self.latency_ms

        detections: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.detections, Unset):
            detections = []
            for detections_item_data in self.detections:
                detections_item = detections_item_data.to_dict()
                detections.append(detections_item)

        image_sha256 = self.image_sha256

        label = self.label

        score = self.score

        top_k: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.top_k, Unset):
            top_k = []
            for top_k_item_data in self.top_k:
                top_k_item = top_k_item_data.to_dict()
                top_k.append(top_k_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "captured_at": captured_at,
                "export_id": export_id,
                "latency_ms": latency_ms,
            }
        )
        if detections is not UNSET:
            field_dict["detections"] = detections
        if image_sha256 is not UNSET:
            field_dict["image_sha256"] = image_sha256
        if label is not UNSET:
            field_dict["label"] = label
        if score is not UNSET:
            field_dict["score"] = score
        if top_k is not UNSET:
            field_dict["top_k"] = top_k

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.inference_box import InferenceBox
        from ..models.inference_scored import InferenceScored

        d = dict(src_dict)
        captured_at = datetime.datetime.fromisoformat(d.pop("captured_at"))

        export_id = d.pop("export_id")

        latency_ms = d.pop("latency_ms")

        _detections = d.pop("detections", UNSET)
        detections: list[InferenceBox] | Unset = UNSET
        if _detections is not UNSET:
            detections = []
            for detections_item_data in _detections:
                detections_item = InferenceBox.from_dict(detections_item_data)

                detections.append(detections_item)

        image_sha256 = d.pop("image_sha256", UNSET)

        label = d.pop("label", UNSET)

        score = d.pop("score", UNSET)

        _top_k = d.pop("top_k", UNSET)
        top_k: list[InferenceScored] | Unset = UNSET
        if _top_k is not UNSET:
            top_k = []
            for top_k_item_data in _top_k:
                top_k_item = InferenceScored.from_dict(top_k_item_data)

                top_k.append(top_k_item)

        inference_prediction = cls(
            captured_at=captured_at,
            export_id=export_id,
            latency_ms=latency_ms,
            detections=detections,
            image_sha256=image_sha256,
            label=label,
            score=score,
            top_k=top_k,
        )

        return inference_prediction
