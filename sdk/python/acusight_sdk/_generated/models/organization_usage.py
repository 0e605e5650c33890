from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.organization_jobs import OrganizationJobs


T = TypeVar("T", bound="OrganizationUsage")


@_attrs_define
class OrganizationUsage:
    """
    Attributes:
        image_bytes (int | Unset): Bytes of its stored images
        image_bytes_quota (int | None | Unset):
        images (int | Unset): Its stored images
        images_quota (int | None | Unset):
        jobs (OrganizationJobs | Unset):
        max_jobs (int | None | Unset): Of each kind below, at most this many queued or running
    """

    image_bytes: int | Unset = UNSET
    image_bytes_quota: int | None | Unset = UNSET
    images: int | Unset = UNSET
    images_quota: int | None | Unset = UNSET
    jobs: OrganizationJobs | Unset = UNSET
    max_jobs: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        image_bytes = self.image_bytes

        image_bytes_quota: int | None | Unset
        if isinstance(self.image_bytes_quota, Unset):
            image_bytes_quota = UNSET
        else:
            image_bytes_quota = self.image_bytes_quota

        images = self.images

        images_quota: int | None | Unset
        if isinstance(self.images_quota, Unset):
            images_quota = UNSET
        else:
            images_quota = self.images_quota

        jobs: dict[str, Any] | Unset = UNSET
        if not isinstance(self.jobs, Unset):
            jobs = self.jobs.to_dict()

        max_jobs: int | None | Unset
        if isinstance(self.max_jobs, Unset):
            max_jobs = UNSET
        else:
            max_jobs = self.max_jobs

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if image_bytes is not UNSET:
            field_dict["image_bytes"] = image_bytes
        if image_bytes_quota is not UNSET:
            field_dict["image_bytes_quota"] = image_bytes_quota
        if images is not UNSET:
            field_dict["images"] = images
        if images_quota is not UNSET:
            field_dict["images_quota"] = images_quota
        if jobs is not UNSET:
            field_dict["jobs"] = jobs
        if max_jobs is not UNSET:
            field_dict["max_jobs"] = max_jobs

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.organization_jobs import OrganizationJobs

        d = dict(src_dict)
        image_bytes = d.pop("image_bytes", UNSET)

        def _parse_image_bytes_quota(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        image_bytes_quota = _parse_image_bytes_quota(d.pop("image_bytes_quota", UNSET))

        images = d.pop("images", UNSET)

        def _parse_images_quota(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        images_quota = _parse_images_quota(d.pop("images_quota", UNSET))

        _jobs = d.pop("jobs", UNSET)
        jobs: OrganizationJobs | Unset
        if isinstance(_jobs, Unset):
            jobs = UNSET
        else:
            jobs = OrganizationJobs.from_dict(_jobs)

        def _parse_max_jobs(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        max_jobs = _parse_max_jobs(d.pop("max_jobs", UNSET))

        organization_usage = cls(
            image_bytes=image_bytes,
            image_bytes_quota=image_bytes_quota,
            images=images,
            images_quota=images_quota,
            jobs=jobs,
            max_jobs=max_jobs,
        )

        return organization_usage
