from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.dataset_version_status import DatasetVersionStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dataset_version_counts_type_0 import DatasetVersionCountsType0
    from ..models.dataset_version_params import DatasetVersionParams


T = TypeVar("T", bound="DatasetVersion")


@_attrs_define
class DatasetVersion:
    """
    Attributes:
        bytes_stored (int | None | Unset):
        checkout (Any | Unset):
        counts (DatasetVersionCountsType0 | None | Unset):
        created_at (datetime.datetime | Unset):
        dvc_hash (None | str | Unset):
        dvc_path (None | str | Unset):
        error (None | str | Unset):
        finished_at (datetime.datetime | None | Unset):
        flow_run_id (None | str | Unset):
        flow_run_url (None | str | Unset): The flow run in the Prefect UI; null without a run or a known Prefect UI
        git_rev (None | str | Unset):
        git_tag (None | str | Unset):
        id (int | Unset):
        image_count (int | Unset):
        labels (list[str] | Unset):
        name (str | Unset):
        params (DatasetVersionParams | Unset):
        progress (float | None | Unset):
        project_id (int | Unset):
        started_at (datetime.datetime | None | Unset):
        status (DatasetVersionStatus | Unset):
        task_type (str | Unset):
        version (int | Unset):
    """

    bytes_stored: int | None | Unset = UNSET
    checkout: Any | Unset = UNSET
    counts: DatasetVersionCountsType0 | None | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    dvc_hash: None | str | Unset = UNSET
    dvc_path: None | str | Unset = UNSET
    error: None | str | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    flow_run_id: None | str | Unset = UNSET
    flow_run_url: None | str | Unset = UNSET
    git_rev: None | str | Unset = UNSET
    git_tag: None | str | Unset = UNSET
    id: int | Unset = UNSET
    image_count: int | Unset = UNSET
    labels: list[str] | Unset = UNSET
    name: str | Unset = UNSET
    params: DatasetVersionParams | Unset = UNSET
    progress: float | None | Unset = UNSET
    project_id: int | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    status: DatasetVersionStatus | Unset = UNSET
    task_type: str | Unset = UNSET
    version: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.dataset_version_counts_type_0 import DatasetVersionCountsType0

        bytes_stored: int | None | Unset
        if isinstance(self.bytes_stored, Unset):
            bytes_stored = UNSET
        else:
            bytes_stored = self.bytes_stored

        checkout = self.checkout

        counts: dict[str, Any] | None | Unset
        if isinstance(self.counts, Unset):
            counts = UNSET
        elif isinstance(self.counts, DatasetVersionCountsType0):
            counts = self.counts.to_dict()
        else:
            counts = self.counts

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        dvc_hash: None | str | Unset
        if isinstance(self.dvc_hash, Unset):
            dvc_hash = UNSET
        else:
            dvc_hash = self.dvc_hash

        dvc_path: None | str | Unset
        if isinstance(self.dvc_path, Unset):
            dvc_path = UNSET
        else:
            dvc_path = self.dvc_path

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        elif isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        flow_run_id: None | str | Unset
        if isinstance(self.flow_run_id, Unset):
            flow_run_id = UNSET
        else:
            flow_run_id = self.flow_run_id

        flow_run_url: None | str | Unset
        if isinstance(self.flow_run_url, Unset):
            flow_run_url = UNSET
        else:
            flow_run_url = self.flow_run_url

        git_rev: None | str | Unset
        if isinstance(self.git_rev, Unset):
            git_rev = UNSET
        else:
            git_rev = self.git_rev

        git_tag: None | str | Unset
        if isinstance(self.git_tag, Unset):
            git_tag = UNSET
        else:
            git_tag = self.git_tag

        id = self.id

        image_count = self.image_count

        labels: list[str] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels

        name = self.name

        params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params.to_dict()

        progress: float | None | Unset
        if isinstance(self.progress, Unset):
            progress = UNSET
        else:
            progress = self.progress

        project_id = self.project_id

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        task_type = self.task_type

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if bytes_stored is not UNSET:
            field_dict["bytes_stored"] = bytes_stored
        if checkout is not UNSET:
            field_dict["checkout"] = checkout
        if counts is not UNSET:
            field_dict["counts"] = counts
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if dvc_hash is not UNSET:
            field_dict["dvc_hash"] = dvc_hash
        if dvc_path is not UNSET:
            field_dict["dvc_path"] = dvc_path
        if error is not UNSET:
            field_dict["error"] = error
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if flow_run_id is not UNSET:
            field_dict["flow_run_id"] = flow_run_id
        if flow_run_url is not UNSET:
            field_dict["flow_run_url"] = flow_run_url
        if git_rev is not UNSET:
            field_dict["git_rev"] = git_rev
        if git_tag is not UNSET:
            field_dict["git_tag"] = git_tag
        if id is not UNSET:
            field_dict["id"] = id
        if image_count is not UNSET:
            field_dict["image_count"] = image_count
        if labels is not UNSET:
            field_dict["labels"] = labels
        if name is not UNSET:
            field_dict["name"] = name
        if params is not UNSET:
            field_dict["params"] = params
        if progress is not UNSET:
            field_dict["progress"] = progress
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if status is not UNSET:
            field_dict["status"] = status
        if task_type is not UNSET:
            field_dict["task_type"] = task_type
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.dataset_version_counts_type_0 import DatasetVersionCountsType0
        from ..models.dataset_version_params import DatasetVersionParams

        d = dict(src_dict)

        def _parse_bytes_stored(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        bytes_stored = _parse_bytes_stored(d.pop("bytes_stored", UNSET))

        checkout = d.pop("checkout", UNSET)

        def _parse_counts(data: object) -> DatasetVersionCountsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                counts_type_0 = DatasetVersionCountsType0.from_dict(data)

                return counts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[DatasetVersionCountsType0, None, Unset], data)

        counts = _parse_counts(d.pop("counts", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        def _parse_dvc_hash(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        dvc_hash = _parse_dvc_hash(d.pop("dvc_hash", UNSET))

        def _parse_dvc_path(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        dvc_path = _parse_dvc_path(d.pop("dvc_path", UNSET))

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_finished_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        finished_at = _parse_finished_at(d.pop("finished_at", UNSET))

        def _parse_flow_run_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        flow_run_id = _parse_flow_run_id(d.pop("flow_run_id", UNSET))

        def _parse_flow_run_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        flow_run_url = _parse_flow_run_url(d.pop("flow_run_url", UNSET))

        def _parse_git_rev(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        git_rev = _parse_git_rev(d.pop("git_rev", UNSET))

        def _parse_git_tag(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        git_tag = _parse_git_tag(d.pop("git_tag", UNSET))

        id = d.pop("id", UNSET)

        image_count = d.pop("image_count", UNSET)

        labels = cast(list[str], d.pop("labels", UNSET))

        name = d.pop("name", UNSET)

        _params = d.pop("params", UNSET)
        params: DatasetVersionParams | Unset
        if isinstance(_params, Unset):
            params = UNSET
        else:
            params = DatasetVersionParams.from_dict(_params)

        def _parse_progress(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[float, None, Unset], data)

        progress = _parse_progress(d.pop("progress", UNSET))

        project_id = d.pop("project_id", UNSET)

        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        started_at = _parse_started_at(d.pop("started_at", UNSET))

        _status = d.pop("status", UNSET)
        status: DatasetVersionStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = DatasetVersionStatus(_status)

        task_type = d.pop("task_type", UNSET)

        version = d.pop("version", UNSET)

        dataset_version = cls(
            bytes_stored=bytes_stored,
            checkout=checkout,
            counts=counts,
            created_at=created_at,
            dvc_hash=dvc_hash,
            dvc_path=dvc_path,
            error=error,
            finished_at=finished_at,
            flow_run_id=flow_run_id,
            flow_run_url=flow_run_url,
            git_rev=git_rev,
            git_tag=git_tag,
            id=id,
            image_count=image_count,
            labels=labels,
            name=name,
            params=params,
            progress=progress,
            project_id=project_id,
            started_at=started_at,
            status=status,
            task_type=task_type,
            version=version,
        )

        return dataset_version
