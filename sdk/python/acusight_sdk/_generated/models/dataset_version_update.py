from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.dataset_version_update_status import DatasetVersionUpdateStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dataset_version_update_counts_type_0 import (
        DatasetVersionUpdateCountsType0,
    )


T = TypeVar("T", bound="DatasetVersionUpdate")


@_attrs_define
class DatasetVersionUpdate:
    """
    Attributes:
        bytes_stored (int | None | Unset):
        counts (DatasetVersionUpdateCountsType0 | None | Unset):
        dvc_hash (None | str | Unset):
        dvc_path (None | str | Unset):
        error (None | str | Unset):
        git_rev (None | str | Unset):
        git_tag (None | str | Unset):
        name (str | Unset):
        progress (float | None | Unset):
        status (DatasetVersionUpdateStatus | Unset):
    """

    bytes_stored: int | None | Unset = UNSET
    counts: DatasetVersionUpdateCountsType0 | None | Unset = UNSET
    dvc_hash: None | str | Unset = UNSET
    dvc_path: None | str | Unset = UNSET
    error: None | str | Unset = UNSET
    git_rev: None | str | Unset = UNSET
    git_tag: None | str | Unset = UNSET
    name: str | Unset = UNSET
    progress: float | None | Unset = UNSET
    status: DatasetVersionUpdateStatus | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.dataset_version_update_counts_type_0 import (
            DatasetVersionUpdateCountsType0,
        )

        bytes_stored: int | None | Unset
        if isinstance(self.bytes_stored, Unset):
            bytes_stored = UNSET
        else:
            bytes_stored = self.bytes_stored

        counts: dict[str, Any] | None | Unset
        if isinstance(self.counts, Unset):
            counts = UNSET
        elif isinstance(self.counts, DatasetVersionUpdateCountsType0):
            counts = self.counts.to_dict()
        else:
            counts = self.counts

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

        name = self.name

        progress: float | None | Unset
        if isinstance(self.progress, Unset):
            progress = UNSET
        else:
            progress = self.progress

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if bytes_stored is not UNSET:
            field_dict["bytes_stored"] = bytes_stored
        if counts is not UNSET:
            field_dict["counts"] = counts
        if dvc_hash is not UNSET:
            field_dict["dvc_hash"] = dvc_hash
        if dvc_path is not UNSET:
            field_dict["dvc_path"] = dvc_path
        if error is not UNSET:
            field_dict["error"] = error
        if git_rev is not UNSET:
            field_dict["git_rev"] = git_rev
        if git_tag is not UNSET:
            field_dict["git_tag"] = git_tag
        if name is not UNSET:
            field_dict["name"] = name
        if progress is not UNSET:
            field_dict["progress"] = progress
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.dataset_version_update_counts_type_0 import (
            DatasetVersionUpdateCountsType0,
        )

        d = dict(src_dict)

        def _parse_bytes_stored(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        bytes_stored = _parse_bytes_stored(d.pop("bytes_stored", UNSET))

        def _parse_counts(
            data: object,
        ) -> DatasetVersionUpdateCountsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                counts_type_0 = DatasetVersionUpdateCountsType0.from_dict(data)

                return counts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[DatasetVersionUpdateCountsType0, None, Unset], data)

        counts = _parse_counts(d.pop("counts", UNSET))

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

        name = d.pop("name", UNSET)

        def _parse_progress(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[float, None, Unset], data)

        progress = _parse_progress(d.pop("progress", UNSET))

        _status = d.pop("status", UNSET)
        status: DatasetVersionUpdateStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = DatasetVersionUpdateStatus(_status)

        dataset_version_update = cls(
            bytes_stored=bytes_stored,
            counts=counts,
            dvc_hash=dvc_hash,
            dvc_path=dvc_path,
            error=error,
            git_rev=git_rev,
            git_tag=git_tag,
            name=name,
            progress=progress,
            status=status,
        )

        return dataset_version_update
