from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="OrganizationCounts")


@_attrs_define
class OrganizationCounts:
    """
    Attributes:
        devices (int | Unset):
        projects (int | Unset):
        users (int | Unset):
    """

    devices: int | Unset = UNSET
    projects: int | Unset = UNSET
    users: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        devices = self.devices

        projects = self.projects

        users = self.users

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if devices is not UNSET:
            field_dict["devices"] = devices
        if projects is not UNSET:
            field_dict["projects"] = projects
        if users is not UNSET:
            field_dict["users"] = users

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        devices = d.pop("devices", UNSET)

        projects = d.pop("projects", UNSET)

        users = d.pop("users", UNSET)

        organization_counts = cls(
            devices=devices,
            projects=projects,
            users=users,
        )

        return organization_counts
