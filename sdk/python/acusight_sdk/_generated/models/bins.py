from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="Bins")


@_attrs_define
class Bins:
    """
    Attributes:
        confidence (list[float] | Unset):
        latency_ms (list[float] | Unset): Upper edges; the last bin is open
    """

    confidence: list[float] | Unset = UNSET
    latency_ms: list[float] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        confidence: list[float] | Unset = UNSET
        if not isinstance(self.confidence, Unset):
            confidence = self.confidence

        latency_ms: list[float] | Unset = UNSET
        if not isinstance(self.latency_ms, Unset):
            latency_ms = self.latency_ms

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if confidence is not UNSET:
            field_dict["confidence"] = confidence
        if latency_ms is not UNSET:
            field_dict["latency_ms"] = latency_ms

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        confidence = cast(list[float], d.pop("confidence", UNSET))

        latency_ms = cast(list[float], d.pop("latency_ms", UNSET))

        bins = cls(
            confidence=confidence,
            latency_ms=latency_ms,
        )

        return bins
