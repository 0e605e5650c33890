from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="LinkRef")


@_attrs_define
class LinkRef:
    """
    Attributes:
        organization_id (int | Unset):
        project_id (int | Unset):
    """

    organization_id: int | Unset = UNSET
    project_id: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        organization_id = self.organization_id

        project_id = self.project_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if organization_id is not UNSET:
            field_dict["organization_id"] = organization_id
        if project_id is not UNSET:
            field_dict["project_id"] = project_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        organization_id = d.pop("organization_id", UNSET)

        project_id = d.pop("project_id", UNSET)

        link_ref = cls(
            organization_id=organization_id,
            project_id=project_id,
        )

        return link_ref
