from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

T = TypeVar("T", bound="InferenceScored")


@_attrs_define
class InferenceScored:
    """
    Attributes:
        label (str):
        score (float): 0-1
    """

    label: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        label = self.label

        score = self.score

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "label": label,
                "score": score,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        label = d.pop("label")

        score = d.pop("score")

        inference_scored = cls(
            label=label,
            score=score,
        )

        return inference_scored
