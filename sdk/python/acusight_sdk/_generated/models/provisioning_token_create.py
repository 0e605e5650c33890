from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="ProvisioningTokenCreate")


@_attrs_define
class ProvisioningTokenCreate:
    """
    Attributes:
        name (str):
        expires_in_hours (float | Unset):  Default: 24.0.
        max_uses (int | Unset):  Default: 1.
        project_id (int | None | Unset):
    """

    name: str
    expires_in_hours: float | Unset = 24.0
    max_uses: int | Unset = 1
    project_id: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        expires_in_hours = self.expires_in_hours

        max_uses = self.max_uses

        project_id: int | None | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if expires_in_hours is not UNSET:
            field_dict["expires_in_hours"] = expires_in_hours
        if max_uses is not UNSET:
            field_dict["max_uses"] = max_uses
        if project_id is not UNSET:
            field_dict["project_id"] = project_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        expires_in_hours = d.pop("expires_in_hours", UNSET)

        max_uses = d.pop("max_uses", UNSET)

        def _parse_project_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        provisioning_token_create = cls(
            name=name,
            expires_in_hours=expires_in_hours,
            max_uses=max_uses,
            project_id=project_id,
        )

        return provisioning_token_create
