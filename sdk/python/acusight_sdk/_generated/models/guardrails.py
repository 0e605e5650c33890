from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="Guardrails")


@_attrs_define
class Guardrails:
    """
    Attributes:
        max_class_psi (float | None | Unset): Largest population stability index of the class mix against the same
            devices' previous export (default: off; 0.25 is read as a large shift)
        max_failure_rate (float | None | Unset): Largest share of devices that could not load the export, or of
            inference runs that failed (default 0.05)
        max_low_confidence_share (float | None | Unset): Largest share of predictions under the project's low-confidence
            threshold (default: off)
        max_p95_latency_ms (float | None | Unset): Largest 95th-percentile inference latency on the devices (default:
            off)
        max_score_drop (float | None | Unset): Largest drop of the mean top score against the same devices' previous
            export (default 0.1)
    """

    max_class_psi: float | None | Unset = UNSET
    max_failure_rate: float | None | Unset = UNSET
    max_low_confidence_share: float | None | Unset = UNSET
    max_p95_latency_ms: float | None | Unset = UNSET
    max_score_drop: float | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        max_class_psi: float | None | Unset
        if isinstance(self.max_class_psi, Unset):
            max_class_psi = UNSET
        else:
            max_class_psi = self.max_class_psi

        max_failure_rate: float | None | Unset
        if isinstance(self.max_failure_rate, Unset):
            max_failure_rate = UNSET
        else:
            max_failure_rate = self.max_failure_rate

        max_low_confidence_share: float | None | Unset
        if isinstance(self.max_low_confidence_share, Unset):
            max_low_confidence_share = UNSET
        else:
            max_low_confidence_share = self.max_low_confidence_share

        max_p95_latency_ms: float | None | Unset
        if isinstance(self.max_p95_latency_ms, Unset):
            max_p95_latency_ms = UNSET
        else:
            max_p95_latency_ms = self.max_p95_latency_ms

        max_score_drop: float | None | Unset
        if isinstance(self.max_score_drop, Unset):
            max_score_drop = UNSET
        else:
            max_score_drop = self.max_score_drop

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if max_class_psi is not UNSET:
            field_dict["max_class_psi"] = max_class_psi
        if max_failure_rate is not UNSET:
            field_dict["max_failure_rate"] = max_failure_rate
        if max_low_confidence_share is not UNSET:
            field_dict["max_low_confidence_share"] = max_low_confidence_share
        if max_p95_latency_ms is not UNSET:
            field_dict["max_p95_latency_ms"] = max_p95_latency_ms
        if max_score_drop is not UNSET:
            field_dict["max_score_drop"] = max_score_drop

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_max_class_psi(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[float, None, Unset], data)

        max_class_psi = _parse_max_class_psi(d.pop("max_class_psi", UNSET))

        def _parse_max_failure_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[float, None, Unset], data)

        max_failure_rate = _parse_max_failure_rate(d.pop("max_failure_rate", UNSET))

        def _parse_max_low_confidence_share(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[float, None, Unset], data)

        max_low_confidence_share = _parse_max_low_confidence_share(
            d.pop("max_low_confidence_share", UNSET)
        )

        def _parse_max_p95_latency_ms(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[float, None, Unset], data)

        max_p95_latency_ms = _parse_max_p95_latency_ms(
            d.pop("max_p95_latency_ms", UNSET)
        )

        def _parse_max_score_drop(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[float, None, Unset], data)

        max_score_drop = _parse_max_score_drop(d.pop("max_score_drop", UNSET))

        guardrails = cls(
            max_class_psi=max_class_psi,
            max_failure_rate=max_failure_rate,
            max_low_confidence_share=max_low_confidence_share,
            max_p95_latency_ms=max_p95_latency_ms,
            max_score_drop=max_score_drop,
        )

        return guardrails
