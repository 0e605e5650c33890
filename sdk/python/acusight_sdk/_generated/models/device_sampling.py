from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.device_sampling_boost_type_1_type_0 import (
        DeviceSamplingBoostType1Type0,
    )
    from ..models.device_sampling_class_quotas import DeviceSamplingClassQuotas
    from ..models.device_sampling_score_band_type_1_type_0 import (
        DeviceSamplingScoreBandType1Type0,
    )
    from ..models.device_score_band import DeviceScoreBand
    from ..models.sampling_boost import SamplingBoost


T = TypeVar("T", bound="DeviceSampling")


@_attrs_define
class DeviceSampling:
    """
    Attributes:
        boost (DeviceSamplingBoostType1Type0 | None | SamplingBoost | Unset): A raised random rate after drift, until
            the time given (already applied)
        class_quotas (DeviceSamplingClassQuotas | Unset): Uploads per predicted class per UTC day at most ("*": classes
            not named)
        daily_budget (int | None | Unset): Uploads per UTC day at most
        enabled (bool | Unset):
        low_confidence_threshold (float | Unset):
        random_rate (float | Unset): Upload this share of the other frames, at random
        score_band (DeviceSamplingScoreBandType1Type0 | DeviceScoreBand | None | Unset): Upload when the top score is in
            [low, high]
    """

    boost: DeviceSamplingBoostType1Type0 | None | SamplingBoost | Unset = UNSET
    class_quotas: DeviceSamplingClassQuotas | Unset = UNSET
    daily_budget: int | None | Unset = UNSET
    enabled: bool | Unset = UNSET
    low_confidence_threshold: float | Unset = UNSET
    random_rate: float | Unset = UNSET
    score_band: DeviceSamplingScoreBandType1Type0 | DeviceScoreBand | None | Unset = (
        UNSET
    )

    def to_dict(self) -> dict[str, Any]:
        from ..models.device_sampling_boost_type_1_type_0 import (
            DeviceSamplingBoostType1Type0,
        )
        from ..models.device_sampling_score_band_type_1_type_0 import (
            DeviceSamplingScoreBandType1Type0,
        )
        from ..models.device_score_band import DeviceScoreBand
        from ..models.sampling_boost import SamplingBoost

        boost: dict[str, Any] | None | Unset
        if isinstance(self.boost, Unset):
            boost = UNSET
        elif isinstance(self.boost, SamplingBoost) or isinstance(
            self.boost, DeviceSamplingBoostType1Type0
        ):
            boost = self.boost.to_dict()
        else:
            boost = self.boost

        class_quotas: dict[str, Any] | Unset = UNSET
        if not isinstance(self.class_quotas, Unset):
            class_quotas = self.class_quotas.to_dict()

        daily_budget: int | None | Unset
        if isinstance(self.daily_budget, Unset):
            daily_budget = UNSET
        else:
            daily_budget = self.daily_budget

        enabled = self.enabled

        low_confidence_threshold = self.low_confidence_threshold

        random_rate = self.random_rate

        score_band: dict[str, Any] | None | Unset
        if isinstance(self.score_band, Unset):
            score_band = UNSET
        elif isinstance(self.score_band, DeviceScoreBand) or isinstance(
            self.score_band, DeviceSamplingScoreBandType1Type0
        ):
            score_band = self.score_band.to_dict()
        else:
            score_band = self.score_band

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if boost is not UNSET:
            field_dict["boost"] = boost
        if class_quotas is not UNSET:
            field_dict["class_quotas"] = class_quotas
        if daily_budget is not UNSET:
            field_dict["daily_budget"] = daily_budget
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if low_confidence_threshold is not UNSET:
            field_dict["low_confidence_threshold"] = low_confidence_threshold
        if random_rate is not UNSET:
            field_dict["random_rate"] = random_rate
        if score_band is not UNSET:
            field_dict["score_band"] = score_band

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.device_sampling_boost_type_1_type_0 import (
            DeviceSamplingBoostType1Type0,
        )
        from ..models.device_sampling_class_quotas import DeviceSamplingClassQuotas
        from ..models.device_sampling_score_band_type_1_type_0 import (
            DeviceSamplingScoreBandType1Type0,
        )
        from ..models.device_score_band import DeviceScoreBand
        from ..models.sampling_boost import SamplingBoost

        d = dict(src_dict)

        def _parse_boost(
            data: object,
        ) -> DeviceSamplingBoostType1Type0 | None | SamplingBoost | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                boost_type_0 = SamplingBoost.from_dict(data)

                return boost_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                boost_type_1_type_0 = DeviceSamplingBoostType1Type0.from_dict(data)

                return boost_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                Union[DeviceSamplingBoostType1Type0, None, SamplingBoost, Unset], data
            )

        boost = _parse_boost(d.pop("boost", UNSET))

        _class_quotas = d.pop("class_quotas", UNSET)
        class_quotas: DeviceSamplingClassQuotas | Unset
        if isinstance(_class_quotas, Unset):
            class_quotas = UNSET
        else:
            class_quotas = DeviceSamplingClassQuotas.from_dict(_class_quotas)

        def _parse_daily_budget(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        daily_budget = _parse_daily_budget(d.pop("daily_budget", UNSET))

        enabled = d.pop("enabled", UNSET)

        low_confidence_threshold = d.pop("low_confidence_threshold", UNSET)

        random_rate = d.pop("random_rate", UNSET)

        def _parse_score_band(
            data: object,
        ) -> DeviceSamplingScoreBandType1Type0 | DeviceScoreBand | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                score_band_type_0 = DeviceScoreBand.from_dict(data)

                return score_band_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                score_band_type_1_type_0 = DeviceSamplingScoreBandType1Type0.from_dict(
                    data
                )

                return score_band_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                Union[DeviceSamplingScoreBandType1Type0, DeviceScoreBand, None, Unset],
                data,
            )

        score_band = _parse_score_band(d.pop("score_band", UNSET))

        device_sampling = cls(
            boost=boost,
            class_quotas=class_quotas,
            daily_budget=daily_budget,
            enabled=enabled,
            low_confidence_threshold=low_confidence_threshold,
            random_rate=random_rate,
            score_band=score_band,
        )

        return device_sampling
