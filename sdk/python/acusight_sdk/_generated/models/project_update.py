from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.project_update_task_type import ProjectUpdateTaskType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.project_update_sampling_type_1_type_0 import (
        ProjectUpdateSamplingType1Type0,
    )
    from ..models.sampling_policy import SamplingPolicy


T = TypeVar("T", bound="ProjectUpdate")


@_attrs_define
class ProjectUpdate:
    """
    Attributes:
        archived (bool | Unset):
        deployed_export_id (int | None | Unset): A succeeded export of one of this project's models; null clears
        description (None | str | Unset):
        labels (list[str] | Unset): Class names, in class-id order
        low_confidence_threshold (float | Unset):
        name (str | Unset):
        sampling (None | ProjectUpdateSamplingType1Type0 | SamplingPolicy | Unset): Active learning's policy; null: none
        task_type (ProjectUpdateTaskType | Unset):
    """

    archived: bool | Unset = UNSET
    deployed_export_id: int | None | Unset = UNSET
    description: None | str | Unset = UNSET
    labels: list[str] | Unset = UNSET
    low_confidence_threshold: float | Unset = UNSET
    name: str | Unset = UNSET
    sampling: None | ProjectUpdateSamplingType1Type0 | SamplingPolicy | Unset = UNSET
    task_type: ProjectUpdateTaskType | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.project_update_sampling_type_1_type_0 import (
            ProjectUpdateSamplingType1Type0,
        )
        from ..models.sampling_policy import SamplingPolicy

        archived = self.archived

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

        labels: list[str] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels

        low_confidence_threshold = self.low_confidence_threshold

        name = self.name

        sampling: dict[str, Any] | None | Unset
        if isinstance(self.sampling, Unset):
            sampling = UNSET
        elif isinstance(self.sampling, SamplingPolicy) or isinstance(
            self.sampling, ProjectUpdateSamplingType1Type0
        ):
            sampling = self.sampling.to_dict()
        else:
            sampling = self.sampling

        task_type: str | Unset = UNSET
        if not isinstance(self.task_type, Unset):
            task_type = self.task_type.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if archived is not UNSET:
            field_dict["archived"] = archived
        if deployed_export_id is not UNSET:
            field_dict["deployed_export_id"] = deployed_export_id
        if description is not UNSET:
            field_dict["description"] = description
        if labels is not UNSET:
            field_dict["labels"] = labels
        if low_confidence_threshold is not UNSET:
            field_dict["low_confidence_threshold"] = low_confidence_threshold
        if name is not UNSET:
            field_dict["name"] = name
        if sampling is not UNSET:
            field_dict["sampling"] = sampling
        if task_type is not UNSET:
            field_dict["task_type"] = task_type

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.project_update_sampling_type_1_type_0 import (
            ProjectUpdateSamplingType1Type0,
        )
        from ..models.sampling_policy import SamplingPolicy

        d = dict(src_dict)
        archived = d.pop("archived", UNSET)

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

        labels = cast(list[str], d.pop("labels", UNSET))

        low_confidence_threshold = d.pop("low_confidence_threshold", UNSET)

        name = d.pop("name", UNSET)

        def _parse_sampling(
            data: object,
        ) -> None | ProjectUpdateSamplingType1Type0 | SamplingPolicy | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                sampling_type_0 = SamplingPolicy.from_dict(data)

                return sampling_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                sampling_type_1_type_0 = ProjectUpdateSamplingType1Type0.from_dict(data)

                return sampling_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                Union[None, ProjectUpdateSamplingType1Type0, SamplingPolicy, Unset],
                data,
            )

        sampling = _parse_sampling(d.pop("sampling", UNSET))

        _task_type = d.pop("task_type", UNSET)
        task_type: ProjectUpdateTaskType | Unset
        if isinstance(_task_type, Unset):
            task_type = UNSET
        else:
            task_type = ProjectUpdateTaskType(_task_type)

        project_update = cls(
            archived=archived,
            deployed_export_id=deployed_export_id,
            description=description,
            labels=labels,
            low_confidence_threshold=low_confidence_threshold,
            name=name,
            sampling=sampling,
            task_type=task_type,
        )

        return project_update
