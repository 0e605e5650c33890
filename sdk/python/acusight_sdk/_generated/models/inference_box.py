from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

T = TypeVar("T", bound="InferenceBox")


@_attrs_define
class InferenceBox:
    """
    Attributes:
        height (float):
        label (str):
        score (float): 0-1
        width (float):
        x (float): Left edge, a fraction (0-1) of the frame
        y (float): Top edge, a fraction of the frame
    """

    height: float
    label: str
    score: float
    width: float
    x: float
    y: float

    def to_dict(self) -> dict[str, Any]:
        height = self.height

        label = self.label

        score = self.score

        width = self.width

        x = self.x

        y = self.y

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "height": height,
                "label": label,
                "score": score,
                "width": width,
                "x": x,
                "y": y,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        height = d.pop("height")

        label = d.pop("label")

        score = d.pop("score")

        width = d.pop("width")

        x = d.pop("x")

        y = d.pop("y")

        inference_box = cls(
            height=height,
            label=label,
            score=score,
            width=width,
            x=x,
            y=y,
        )

        return inference_box
