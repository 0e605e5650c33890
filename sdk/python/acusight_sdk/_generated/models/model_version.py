from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.model_version_task_type import ModelVersionTaskType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.model_version_metrics import ModelVersionMetrics
    from ..models.model_version_params import ModelVersionParams
    from ..models.model_version_preprocessing import ModelVersionPreprocessing


T = TypeVar("T", bound="ModelVersion")


@_attrs_define
class ModelVersion:
    """
    Attributes:
        artifact_sha256 (str | Unset):
        artifact_size (int | Unset):
        created_at (datetime.datetime | Unset):
        dataset_id (int | Unset):
        id (int | Unset):
        image_size (int | Unset):
        labels (list[str] | Unset):
        metrics (ModelVersionMetrics | Unset): The train stage's figures and `test`: classifiers accuracy, per_class
            precision/recall and confusion_matrix {labels, matrix (rows actual, columns predicted)}; detectors COCO map,
            map50, map75 and per_class ap/ap50
        name (str | Unset):
        params (ModelVersionParams | Unset):
        preprocessing (ModelVersionPreprocessing | Unset):
        project_id (int | Unset):
        task_type (ModelVersionTaskType | Unset):
        training_job_id (int | Unset):
        version (int | Unset):
    """

    artifact_sha256: str | Unset = UNSET
    artifact_size: int | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    dataset_id: int | Unset = UNSET
    id: int | Unset = UNSET
    image_size: int | Unset = UNSET
    labels: list[str] | Unset = UNSET
    metrics: ModelVersionMetrics | Unset = UNSET
    name: str | Unset = UNSET
    params: ModelVersionParams | Unset = UNSET
    preprocessing: ModelVersionPreprocessing | Unset = UNSET
    project_id: int | Unset = UNSET
    task_type: ModelVersionTaskType | Unset = UNSET
    training_job_id: int | Unset = UNSET
    version: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        artifact_sha256 = self.artifact_sha256

        artifact_size = self.artifact_size

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        dataset_id = self.dataset_id

        id = self.id

        image_size = self.image_size

        labels: list[str] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels

        metrics: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metrics, Unset):
            metrics = self.metrics.to_dict()

        name = self.name

        params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params.to_dict()

        preprocessing: dict[str, Any] | Unset = UNSET
        if not isinstance(self.preprocessing, Unset):
            preprocessing = self.preprocessing.to_dict()

        project_id = self.project_id

        task_type: str | Unset = UNSET
        if not isinstance(self.task_type, Unset):
            task_type = self.task_type.value

        training_job_id = self.training_job_id

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if artifact_sha256 is not UNSET:
            field_dict["artifact_sha256"] = artifact_sha256
        if artifact_size is not UNSET:
            field_dict["artifact_size"] = artifact_size
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if dataset_id is not UNSET:
            field_dict["dataset_id"] = dataset_id
        if id is not UNSET:
            field_dict["id"] = id
        if image_size is not UNSET:
            field_dict["image_size"] = image_size
        if labels is not UNSET:
            field_dict["labels"] = labels
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if name is not UNSET:
            field_dict["name"] = name
        if params is not UNSET:
            field_dict["params"] = params
        if preprocessing is not UNSET:
            field_dict["preprocessing"] = preprocessing
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if task_type is not UNSET:
            field_dict["task_type"] = task_type
        if training_job_id is not UNSET:
            field_dict["training_job_id"] = training_job_id
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.model_version_metrics import ModelVersionMetrics
        from ..models.model_version_params import ModelVersionParams
        from ..models.model_version_preprocessing import ModelVersionPreprocessing

        d = dict(src_dict)
        artifact_sha256 = d.pop("artifact_sha256", UNSET)

        artifact_size = d.pop("artifact_size", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        dataset_id = d.pop("dataset_id", UNSET)

        id = d.pop("id", UNSET)

        image_size = d.pop("image_size", UNSET)

        labels = cast(list[str], d.pop("labels", UNSET))

        _metrics = d.pop("metrics", UNSET)
        metrics: ModelVersionMetrics | Unset
        if isinstance(_metrics, Unset):
            metrics = UNSET
        else:
            metrics = ModelVersionMetrics.from_dict(_metrics)

        name = d.pop("name", UNSET)

        _params = d.pop("params", UNSET)
        params: ModelVersionParams | Unset
        if isinstance(_params, Unset):
            params = UNSET
        else:
            params = ModelVersionParams.from_dict(_params)

        _preprocessing = d.pop("preprocessing", UNSET)
        preprocessing: ModelVersionPreprocessing | Unset
        if isinstance(_preprocessing, Unset):
            preprocessing = UNSET
        else:
            preprocessing = ModelVersionPreprocessing.from_dict(_preprocessing)

        project_id = d.pop("project_id", UNSET)

        _task_type = d.pop("task_type", UNSET)
        task_type: ModelVersionTaskType | Unset
        if isinstance(_task_type, Unset):
            task_type = UNSET
        else:
            task_type = ModelVersionTaskType(_task_type)

        training_job_id = d.pop("training_job_id", UNSET)

        version = d.pop("version", UNSET)

        model_version = cls(
            artifact_sha256=artifact_sha256,
            artifact_size=artifact_size,
            created_at=created_at,
            dataset_id=dataset_id,
            id=id,
            image_size=image_size,
            labels=labels,
            metrics=metrics,
            name=name,
            params=params,
            preprocessing=preprocessing,
            project_id=project_id,
            task_type=task_type,
            training_job_id=training_job_id,
            version=version,
        )

        return model_version
