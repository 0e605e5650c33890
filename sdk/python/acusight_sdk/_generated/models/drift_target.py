from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="DriftTarget")


@_attrs_define
class DriftTarget:
    """
    Attributes:
        export_id (int | Unset):
        organization_id (int | Unset):
        project_id (int | Unset):
    """

    export_id: int | Unset = UNSET
    organization_id: int | Unset = UNSET
    project_id: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        export_id = self.export_id

        organization_id = self.organization_id

        project_id = self.project_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if export_id is not UNSET:
            field_dict["export_id"] = export_id
        if organization_id is not UNSET:
            field_dict["organization_id"] = organization_id
        if project_id is not UNSET:
            field_dict["project_id"] = project_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        export_id = d.pop("export_id", UNSET)

        organization_id = d.pop("organization_id", UNSET)

        project_id = d.pop("project_id", UNSET)

        drift_target = cls(
            export_id=export_id,
            organization_id=organization_id,
            project_id=project_id,
        )

        return drift_target
