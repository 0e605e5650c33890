from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.organization_counts import OrganizationCounts
    from ..models.organization_usage import OrganizationUsage


T = TypeVar("T", bound="Organization")


@_attrs_define
class Organization:
    """
    Attributes:
        counts (OrganizationCounts | Unset):
        created_at (datetime.datetime | Unset):
        id (int | Unset):
        name (str | Unset):
        slug (str | Unset):
        updated_at (datetime.datetime | Unset):
        usage (OrganizationUsage | Unset):
    """

    counts: OrganizationCounts | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    id: int | Unset = UNSET
    name: str | Unset = UNSET
    slug: str | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    usage: OrganizationUsage | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        counts: dict[str, Any] | Unset = UNSET
        if not isinstance(self.counts, Unset):
            counts = self.counts.to_dict()

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        id = self.id

        name = self.name

        slug = self.slug

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        usage: dict[str, Any] | Unset = UNSET
        if not isinstance(self.usage, Unset):
            usage = self.usage.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if counts is not UNSET:
            field_dict["counts"] = counts
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if slug is not UNSET:
            field_dict["slug"] = slug
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if usage is not UNSET:
            field_dict["usage"] = usage

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.organization_counts import OrganizationCounts
        from ..models.organization_usage import OrganizationUsage

        d = dict(src_dict)
        _counts = d.pop("counts", UNSET)
        counts: OrganizationCounts | Unset
        if isinstance(_counts, Unset):
            counts = UNSET
        else:
            counts = OrganizationCounts.from_dict(_counts)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        id = d.pop("id", UNSET)

        name = d.pop("name", UNSET)

        slug = d.pop("slug", UNSET)

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(_updated_at)

        _usage = d.pop("usage", UNSET)
        usage: OrganizationUsage | Unset
        if isinstance(_usage, Unset):
            usage = UNSET
        else:
            usage = OrganizationUsage.from_dict(_usage)

        organization = cls(
            counts=counts,
            created_at=created_at,
            id=id,
            name=name,
            slug=slug,
            updated_at=updated_at,
            usage=usage,
        )

        return organization
