from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.schedule_dataset_params_image_statuses_item import (
    ScheduleDatasetParamsImageStatusesItem,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.splits import Splits


T = TypeVar("T", bound="ScheduleDatasetParams")


@_attrs_define
class ScheduleDatasetParams:
    """
    Attributes:
        image_size (int | Unset):
        image_statuses (list[ScheduleDatasetParamsImageStatusesItem] | Unset):
        seed (int | Unset):
        splits (Splits | Unset):
    """

    image_size: int | Unset = UNSET
    image_statuses: list[ScheduleDatasetParamsImageStatusesItem] | Unset = UNSET
    seed: int | Unset = UNSET
    splits: Splits | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        image_size = self.image_size

        image_statuses: list[str] | Unset = UNSET
        if not isinstance(self.image_statuses, Unset):
            image_statuses = []
            for image_statuses_item_data in self.image_statuses:
                image_statuses_item = image_statuses_item_data.value
                image_statuses.append(image_statuses_item)

        seed = self.seed

        splits: dict[str, Any] | Unset = UNSET
        if not isinstance(self.splits, Unset):
            splits = self.splits.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if image_size is not UNSET:
            field_dict["image_size"] = image_size
        if image_statuses is not UNSET:
            field_dict["image_statuses"] = image_statuses
        if seed is not UNSET:
            field_dict["seed"] = seed
        if splits is not UNSET:
            field_dict["splits"] = splits

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.splits import Splits

        d = dict(src_dict)
        image_size = d.pop("image_size", UNSET)

        _image_statuses = d.pop("image_statuses", UNSET)
        image_statuses: list[ScheduleDatasetParamsImageStatusesItem] | Unset = UNSET
        if _image_statuses is not UNSET:
            image_statuses = []
            for image_statuses_item_data in _image_statuses:
                image_statuses_item = ScheduleDatasetParamsImageStatusesItem(
                    image_statuses_item_data
                )

                image_statuses.append(image_statuses_item)

        seed = d.pop("seed", UNSET)

        _splits = d.pop("splits", UNSET)
        splits: Splits | Unset
        if isinstance(_splits, Unset):
            splits = UNSET
        else:
            splits = Splits.from_dict(_splits)

        schedule_dataset_params = cls(
            image_size=image_size,
            image_statuses=image_statuses,
            seed=seed,
            splits=splits,
        )

        return schedule_dataset_params
