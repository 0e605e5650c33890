from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.user_update_role import UserUpdateRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="UserUpdate")


@_attrs_define
class UserUpdate:
    """
    Attributes:
        disabled (bool | Unset): A disabled user's tokens stop working at once
        name (str | Unset):
        role (UserUpdateRole | Unset):
    """

    disabled: bool | Unset = UNSET
    name: str | Unset = UNSET
    role: UserUpdateRole | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        disabled = self.disabled

        name = self.name

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if disabled is not UNSET:
            field_dict["disabled"] = disabled
        if name is not UNSET:
            field_dict["name"] = name
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        disabled = d.pop("disabled", UNSET)

        name = d.pop("name", UNSET)

        _role = d.pop("role", UNSET)
        role: UserUpdateRole | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = UserUpdateRole(_role)

        user_update = cls(
            disabled=disabled,
            name=name,
            role=role,
        )

        return user_update
