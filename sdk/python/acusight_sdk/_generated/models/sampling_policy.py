from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.sampling_policy_class_quotas import SamplingPolicyClassQuotas
    from ..models.sampling_policy_score_band_type_1_type_0 import (
        SamplingPolicyScoreBandType1Type0,
    )
    from ..models.score_band import ScoreBand


T = TypeVar("T", bound="SamplingPolicy")


@_attrs_define
class SamplingPolicy:
    """
    Attributes:
        class_quotas (SamplingPolicyClassQuotas | Unset): Uploads per predicted class per device and UTC day at most
            ("*": the rest)
        daily_budget (int | None | Unset): Uploads per device and UTC day at most (null: no limit)
        enabled (bool | Unset):  Default: True.
        random_rate (float | Unset): Upload this share of the other frames, at random Default: 0.0.
        score_band (None | SamplingPolicyScoreBandType1Type0 | ScoreBand | Unset): Upload a frame whose top score is in
            [low, high]
    """

    class_quotas: SamplingPolicyClassQuotas | Unset = UNSET
    daily_budget: int | None | Unset = UNSET
    enabled: bool | Unset = True
    random_rate: float | Unset = 0.0
    score_band: None | SamplingPolicyScoreBandType1Type0 | ScoreBand | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.sampling_policy_score_band_type_1_type_0 import (
            SamplingPolicyScoreBandType1Type0,
        )
        from ..models.score_band import ScoreBand

        class_quotas: dict[str, Any] | Unset = UNSET
        if not isinstance(self.class_quotas, Unset):
            class_quotas = self.class_quotas.to_dict()

        daily_budget: int | None | Unset
        if isinstance(self.daily_budget, Unset):
            daily_budget = UNSET
        else:
            daily_budget = self.daily_budget

        enabled = self.enabled

        random_rate = self.random_rate

        score_band: dict[str, Any] | None | Unset
        if isinstance(self.score_band, Unset):
            score_band = UNSET
        elif isinstance(self.score_band, ScoreBand) or isinstance(
            self.score_band, SamplingPolicyScoreBandType1Type0
        ):
            score_band = self.score_band.to_dict()
        else:
            score_band = self.score_band

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if class_quotas is not UNSET:
            field_dict["class_quotas"] = class_quotas
        if daily_budget is not UNSET:
            field_dict["daily_budget"] = daily_budget
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if random_rate is not UNSET:
            field_dict["random_rate"] = random_rate
        if score_band is not UNSET:
            field_dict["score_band"] = score_band

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.sampling_policy_class_quotas import SamplingPolicyClassQuotas
        from ..models.sampling_policy_score_band_type_1_type_0 import (
            SamplingPolicyScoreBandType1Type0,
        )
        from ..models.score_band import ScoreBand

        d = dict(src_dict)
        _class_quotas = d.pop("class_quotas", UNSET)
        class_quotas: SamplingPolicyClassQuotas | Unset
        if isinstance(_class_quotas, Unset):
            class_quotas = UNSET
        else:
            class_quotas = SamplingPolicyClassQuotas.from_dict(_class_quotas)

        def _parse_daily_budget(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        daily_budget = _parse_daily_budget(d.pop("daily_budget", UNSET))

        enabled = d.pop("enabled", UNSET)

        random_rate = d.pop("random_rate", UNSET)

        def _parse_score_band(
            data: object,
        ) -> None | SamplingPolicyScoreBandType1Type0 | ScoreBand | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                score_band_type_0 = ScoreBand.from_dict(data)

                return score_band_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                score_band_type_1_type_0 = SamplingPolicyScoreBandType1Type0.from_dict(
                    data
                )

                return score_band_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                Union[None, SamplingPolicyScoreBandType1Type0, ScoreBand, Unset], data
            )

        score_band = _parse_score_band(d.pop("score_band", UNSET))

        sampling_policy = cls(
            class_quotas=class_quotas,
            daily_budget=daily_budget,
            enabled=enabled,
            random_rate=random_rate,
            score_band=score_band,
        )

        return sampling_policy
