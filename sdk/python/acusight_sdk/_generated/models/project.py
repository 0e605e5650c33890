from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.project_task_type import ProjectTaskType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.project_sampling_boost_type_0 import ProjectSamplingBoostType0
    from ..models.project_sampling_type_0_type_0 import ProjectSamplingType0Type0
    from ..models.sampling_policy import SamplingPolicy


T = TypeVar("T", bound="Project")


@_attrs_define
class Project:
    """
    Attributes:
        annotated_count (int | Unset): Of those, images with an annotation
        archived (bool | Unset):
        created_at (datetime.datetime | Unset):
        deployed_export_id (int | None | Unset): The model export the project's devices run, unless they have their own
        description (None | str | Unset):
        id (int | Unset):
        image_count (int | Unset): Images in the project's batches
        labels (list[str] | Unset):
        low_confidence_threshold (float | Unset): Field predictions scoring under this count as low confidence
        name (str | Unset):
        sampling (None | ProjectSamplingType0Type0 | SamplingPolicy | Unset):
        sampling_boost (None | ProjectSamplingBoostType0 | Unset): A raised random rate after drift: random_rate, until,
            export_id, drift_event_id
        task_type (ProjectTaskType | Unset):
        updated_at (datetime.datetime | Unset):
    """

    annotated_count: int | Unset = UNSET
    archived: bool | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    deployed_export_id: int | None | Unset = UNSET
    description: None | str | Unset = UNSET
    id: int | Unset = UNSET
    image_count: int | Unset = UNSET
    labels: list[str] | Unset = UNSET
    low_confidence_threshold: float | Unset = UNSET
    name: str | Unset = UNSET
    sampling: None | ProjectSamplingType0Type0 | SamplingPolicy | Unset = UNSET
    sampling_boost: None | ProjectSamplingBoostType0 | Unset = UNSET
    task_type: ProjectTaskType | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.project_sampling_boost_type_0 import ProjectSamplingBoostType0
        from ..models.project_sampling_type_0_type_0 import ProjectSamplingType0Type0
        from ..models.sampling_policy import SamplingPolicy

        annotated_count = self.annotated_count

        archived = self.archived

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        deployed_export_id: int | None | Unset
        if isinstance(self.deployed_export_id, Unset):
            deployed_export_id = UNSET
        else:
            deployed_export_id = self.deployed_export_id

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        id = self.id

        image_count = self.image_count

        labels: list[str] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels

        low_confidence_threshold = self.low_confidence_threshold

        name = self.name

        sampling: dict[str, Any] | None | Unset
        if isinstance(self.sampling, Unset):
            sampling = UNSET
        elif isinstance(self.sampling, ProjectSamplingType0Type0) or isinstance(
            self.sampling, SamplingPolicy
        ):
            sampling = self.sampling.to_dict()
        else:
            sampling = self.sampling

        sampling_boost: dict[str, Any] | None | Unset
        if isinstance(self.sampling_boost, Unset):
            sampling_boost = UNSET
        elif isinstance(self.sampling_boost, ProjectSamplingBoostType0):
            sampling_boost = self.sampling_boost.to_dict()
        else:
            sampling_boost = self.sampling_boost

        task_type: str | Unset = UNSET
        if not isinstance(self.task_type, Unset):
            task_type = self.task_type.value

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if annotated_count is not UNSET:
            field_dict["annotated_count"] = annotated_count
        if archived is not UNSET:
            field_dict["archived"] = archived
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if deployed_export_id is not UNSET:
            field_dict["deployed_export_id"] = deployed_export_id
        if description is not UNSET:
            field_dict["description"] = description
        if id is not UNSET:
            field_dict["id"] = id
        if image_count is not UNSET:
            field_dict["image_count"] = image_count
        if labels is not UNSET:
            field_dict["labels"] = labels
        if low_confidence_threshold is not UNSET:
            field_dict["low_confidence_threshold"] = low_confidence_threshold
        if name is not UNSET:
            field_dict["name"] = name
        if sampling is not UNSET:
            field_dict["sampling"] = sampling
        if sampling_boost is not UNSET:
            field_dict["sampling_boost"] = sampling_boost
        if task_type is not UNSET:
            field_dict["task_type"] = task_type
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.project_sampling_boost_type_0 import ProjectSamplingBoostType0
        from ..models.project_sampling_type_0_type_0 import ProjectSamplingType0Type0
        from ..models.sampling_policy import SamplingPolicy

        d = dict(src_dict)
        annotated_count = d.pop("annotated_count", UNSET)

        archived = d.pop("archived", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        def _parse_deployed_export_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        deployed_export_id = _parse_deployed_export_id(
            d.pop("deployed_export_id", UNSET)
        )

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        description = _parse_description(d.pop("description", UNSET))

        id = d.pop("id", UNSET)

        image_count = d.pop("image_count", UNSET)

        labels = cast(list[str], d.pop("labels", UNSET))

        low_confidence_threshold = d.pop("low_confidence_threshold", UNSET)

        name = d.pop("name", UNSET)

        def _parse_sampling(
            data: object,
        ) -> None | ProjectSamplingType0Type0 | SamplingPolicy | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                sampling_type_0_type_0 = ProjectSamplingType0Type0.from_dict(data)

                return sampling_type_0_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                sampling_type_1 = SamplingPolicy.from_dict(data)

                return sampling_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                Union[None, ProjectSamplingType0Type0, SamplingPolicy, Unset], data
            )

        sampling = _parse_sampling(d.pop("sampling", UNSET))

        def _parse_sampling_boost(
            data: object,
        ) -> None | ProjectSamplingBoostType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                sampling_boost_type_0 = ProjectSamplingBoostType0.from_dict(data)

                return sampling_boost_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[None, ProjectSamplingBoostType0, Unset], data)

        sampling_boost = _parse_sampling_boost(d.pop("sampling_boost", UNSET))

        _task_type = d.pop("task_type", UNSET)
        task_type: ProjectTaskType | Unset
        if isinstance(_task_type, Unset):
            task_type = UNSET
        else:
            task_type = ProjectTaskType(_task_type)

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(_updated_at)

        project = cls(
            annotated_count=annotated_count,
            archived=archived,
            created_at=created_at,
            deployed_export_id=deployed_export_id,
            description=description,
            id=id,
            image_count=image_count,
            labels=labels,
            low_confidence_threshold=low_confidence_threshold,
            name=name,
            sampling=sampling,
            sampling_boost=sampling_boost,
            task_type=task_type,
            updated_at=updated_at,
        )

        return project
