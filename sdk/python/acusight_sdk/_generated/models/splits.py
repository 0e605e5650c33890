from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

T = TypeVar("T", bound="Splits")


@_attrs_define
class Splits:
    """
    Attributes:
        test (float):
        train (float):
        val (float):
    """

    test: float
    train: float
    val: float

    def to_dict(self) -> dict[str, Any]:
        test = self.test

        train = self.train

        val = self.val

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "test": test,
                "train": train,
                "val": val,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        test = d.pop("test")

        train = d.pop("train")

        val = d.pop("val")

        splits = cls(
            test=test,
            train=train,
            val=val,
        )

        return splits
