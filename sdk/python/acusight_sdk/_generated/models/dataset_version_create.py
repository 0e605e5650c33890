from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.dataset_version_create_image_statuses_type_0_item import (
    DatasetVersionCreateImageStatusesType0Item,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dataset_version_create_resize_type_1_type_0 import (
        DatasetVersionCreateResizeType1Type0,
    )
    from ..models.dataset_version_create_splits_type_1_type_0 import (
        DatasetVersionCreateSplitsType1Type0,
    )
    from ..models.resize import Resize
    from ..models.splits import Splits


T = TypeVar("T", bound="DatasetVersionCreate")


@_attrs_define
class DatasetVersionCreate:
    """
    Attributes:
        project_id (int):
        batch_ids (list[int] | None | Unset):
        image_size (int | Unset):  Default: 64.
        image_statuses (list[DatasetVersionCreateImageStatusesType0Item] | None | Unset): Default: every status but
            rejected
        name (str | Unset):
        resize (DatasetVersionCreateResizeType1Type0 | None | Resize | Unset): Default: center_crop for classification;
            letterbox (centred, pad 114) for detection, whose boxes are mapped into the stored frames
        seed (int | Unset):  Default: 0.
        splits (DatasetVersionCreateSplitsType1Type0 | None | Splits | Unset):
    """

    project_id: int
    batch_ids: list[int] | None | Unset = UNSET
    image_size: int | Unset = 64
    image_statuses: list[DatasetVersionCreateImageStatusesType0Item] | None | Unset = (
        UNSET
    )
    name: str | Unset = UNSET
    resize: DatasetVersionCreateResizeType1Type0 | None | Resize | Unset = UNSET
    seed: int | Unset = 0
    splits: DatasetVersionCreateSplitsType1Type0 | None | Splits | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.dataset_version_create_resize_type_1_type_0 import (
            DatasetVersionCreateResizeType1Type0,
        )
        from ..models.dataset_version_create_splits_type_1_type_0 import (
            DatasetVersionCreateSplitsType1Type0,
        )
        from ..models.resize import Resize
        from ..models.splits import Splits

        project_id = self.project_id

        batch_ids: list[int] | None | Unset
        if isinstance(self.batch_ids, Unset):
            batch_ids = UNSET
        elif isinstance(self.batch_ids, list):
            batch_ids = self.batch_ids

        else:
            batch_ids = self.batch_ids

        image_size = self.image_size

        image_statuses: list[str] | None | Unset
        if isinstance(self.image_statuses, Unset):
            image_statuses = UNSET
        elif isinstance(self.image_statuses, list):
            image_statuses = []
            for image_statuses_type_0_item_data in self.image_statuses:
                image_statuses_type_0_item = image_statuses_type_0_item_data.value
                image_statuses.append(image_statuses_type_0_item)

        else:
            image_statuses = self.image_statuses

        name = self.name

        resize: dict[str, Any] | None | Unset
        if isinstance(self.resize, Unset):
            resize = UNSET
        elif isinstance(self.resize, Resize) or isinstance(
            self.resize, DatasetVersionCreateResizeType1Type0
        ):
            resize = self.resize.to_dict()
        else:
            resize = self.resize

        seed = self.seed

        splits: dict[str, Any] | None | Unset
        if isinstance(self.splits, Unset):
            splits = UNSET
        elif isinstance(self.splits, Splits) or isinstance(
            self.splits, DatasetVersionCreateSplitsType1Type0
        ):
            splits = self.splits.to_dict()
        else:
            splits = self.splits

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "project_id": project_id,
            }
        )
        if batch_ids is not UNSET:
            field_dict["batch_ids"] = batch_ids
        if image_size is not UNSET:
            field_dict["image_size"] = image_size
        if image_statuses is not UNSET:
            field_dict["image_statuses"] = image_statuses
        if name is not UNSET:
            field_dict["name"] = name
        if resize is not UNSET:
            field_dict["resize"] = resize
        if seed is not UNSET:
            field_dict["seed"] = seed
        if splits is not UNSET:
            field_dict["splits"] = splits

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.dataset_version_create_resize_type_1_type_0 import (
            DatasetVersionCreateResizeType1Type0,
        )
        from ..models.dataset_version_create_splits_type_1_type_0 import (
            DatasetVersionCreateSplitsType1Type0,
        )
        from ..models.resize import Resize
        from ..models.splits import Splits

        d = dict(src_dict)
        project_id = d.pop("project_id")

        def _parse_batch_ids(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                batch_ids_type_0 = cast(list[int], data)

                return batch_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[list[int], None, Unset], data)

        batch_ids = _parse_batch_ids(d.pop("batch_ids", UNSET))

        image_size = d.pop("image_size", UNSET)

        def _parse_image_statuses(
            data: object,
        ) -> list[DatasetVersionCreateImageStatusesType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                image_statuses_type_0 = []
                _image_statuses_type_0 = data
                for image_statuses_type_0_item_data in _image_statuses_type_0:
                    image_statuses_type_0_item = (
                        DatasetVersionCreateImageStatusesType0Item(
                            image_statuses_type_0_item_data
                        )
                    )

                    image_statuses_type_0.append(image_statuses_type_0_item)

                return image_statuses_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                Union[list[DatasetVersionCreateImageStatusesType0Item], None, Unset],
                data,
            )

        image_statuses = _parse_image_statuses(d.pop("image_statuses", UNSET))

        name = d.pop("name", UNSET)

        def _parse_resize(
            data: object,
        ) -> DatasetVersionCreateResizeType1Type0 | None | Resize | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                resize_type_0 = Resize.from_dict(data)

                return resize_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                resize_type_1_type_0 = DatasetVersionCreateResizeType1Type0.from_dict(
                    data
                )

                return resize_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                Union[DatasetVersionCreateResizeType1Type0, None, Resize, Unset], data
            )

        resize = _parse_resize(d.pop("resize", UNSET))

        seed = d.pop("seed", UNSET)

        def _parse_splits(
            data: object,
        ) -> DatasetVersionCreateSplitsType1Type0 | None | Splits | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                splits_type_0 = Splits.from_dict(data)

                return splits_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                splits_type_1_type_0 = DatasetVersionCreateSplitsType1Type0.from_dict(
                    data
                )

                return splits_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                Union[DatasetVersionCreateSplitsType1Type0, None, Splits, Unset], data
            )

        splits = _parse_splits(d.pop("splits", UNSET))

        dataset_version_create = cls(
            project_id=project_id,
            batch_ids=batch_ids,
            image_size=image_size,
            image_statuses=image_statuses,
            name=name,
            resize=resize,
            seed=seed,
            splits=splits,
        )

        return dataset_version_create
