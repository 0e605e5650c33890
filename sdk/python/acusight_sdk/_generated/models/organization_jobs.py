from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="OrganizationJobs")


@_attrs_define
class OrganizationJobs:
    """
    Attributes:
        dataset_versions (int | Unset):
        exports (int | Unset):
        training_jobs (int | Unset):
    """

    dataset_versions: int | Unset = UNSET
    exports: int | Unset = UNSET
    training_jobs: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        dataset_versions = self.dataset_versions

        exports = self.exports

        training_jobs = self.training_jobs

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if dataset_versions is not UNSET:
            field_dict["dataset_versions"] = dataset_versions
        if exports is not UNSET:
            field_dict["exports"] = exports
        if training_jobs is not UNSET:
            field_dict["training_jobs"] = training_jobs

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        dataset_versions = d.pop("dataset_versions", UNSET)

        exports = d.pop("exports", UNSET)

        training_jobs = d.pop("training_jobs", UNSET)

        organization_jobs = cls(
            dataset_versions=dataset_versions,
            exports=exports,
            training_jobs=training_jobs,
        )

        return organization_jobs
