from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.invitation_create_role import InvitationCreateRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="InvitationCreate")


@_attrs_define
class InvitationCreate:
    """
    Attributes:
        email (str):
        role (InvitationCreateRole):
        expires_in_days (int | Unset): Default: ACUSIGHT_INVITATION_DAYS (7)
    """

    email: str
    role: InvitationCreateRole
    expires_in_days: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        role = self.role.value

        expires_in_days = self.expires_in_days

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
                "role": role,
            }
        )
        if expires_in_days is not UNSET:
            field_dict["expires_in_days"] = expires_in_days

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        email = d.pop("email")

        role = InvitationCreateRole(d.pop("role"))

        expires_in_days = d.pop("expires_in_days", UNSET)

        invitation_create = cls(
            email=email,
            role=role,
            expires_in_days=expires_in_days,
        )

        return invitation_create
