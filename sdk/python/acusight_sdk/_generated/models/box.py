from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

T = TypeVar("T", bound="Box")


@_attrs_define
class Box:
    """
    Attributes:
        height (float):
        label (str):
        width (float):
        x (float):
        y (float):
    """

    height: float
    label: str
    width: float
    x: float
    y: float

    def to_dict(self) -> dict[str, Any]:
        height = self.height

        label = self.label

        width = self.width

        x = self.x

        y = self.y

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "height": height,
                "label": label,
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

        width = d.pop("width")

        x = d.pop("x")

        y = d.pop("y")

        box = cls(
            height=height,
            label=label,
            width=width,
            x=x,
            y=y,
        )

        return box
