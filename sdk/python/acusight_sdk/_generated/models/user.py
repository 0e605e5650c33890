from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.user_role import UserRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="User")


@_attrs_define
class User:
    """
    Attributes:
        created_at (datetime.datetime | Unset):
        disabled (bool | Unset):
        email (str | Unset):
        id (int | Unset):
        last_login_at (datetime.datetime | None | Unset):
        name (None | str | Unset):
        oidc_issuer (None | str | Unset): The provider the user signs in with; null until linked
        role (UserRole | Unset):
        updated_at (datetime.datetime | Unset):
    """

    created_at: datetime.datetime | Unset = UNSET
    disabled: bool | Unset = UNSET
    email: str | Unset = UNSET
    id: int | Unset = UNSET
    last_login_at: datetime.datetime | None | Unset = UNSET
    name: None | str | Unset = UNSET
    oidc_issuer: None | str | Unset = UNSET
    role: UserRole | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        disabled = self.disabled

        email = self.email

        id = self.id

        last_login_at: None | str | Unset
        if isinstance(self.last_login_at, Unset):
            last_login_at = UNSET
        elif isinstance(self.last_login_at, datetime.datetime):
            last_login_at = self.last_login_at.isoformat()
        else:
            last_login_at = self.last_login_at

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        oidc_issuer: None | str | Unset
        if isinstance(self.oidc_issuer, Unset):
            oidc_issuer = UNSET
        else:
            oidc_issuer = self.oidc_issuer

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if disabled is not UNSET:
            field_dict["disabled"] = disabled
        if email is not UNSET:
            field_dict["email"] = email
        if id is not UNSET:
            field_dict["id"] = id
        if last_login_at is not UNSET:
            field_dict["last_login_at"] = last_login_at
        if name is not UNSET:
            field_dict["name"] = name
        if oidc_issuer is not UNSET:
            field_dict["oidc_issuer"] = oidc_issuer
        if role is not UNSET:
            field_dict["role"] = role
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        disabled = d.pop("disabled", UNSET)

        email = d.pop("email", UNSET)

        id = d.pop("id", UNSET)

        def _parse_last_login_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_login_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_login_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        last_login_at = _parse_last_login_at(d.pop("last_login_at", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_oidc_issuer(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        oidc_issuer = _parse_oidc_issuer(d.pop("oidc_issuer", UNSET))

        _role = d.pop("role", UNSET)
        role: UserRole | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = UserRole(_role)

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(_updated_at)

        user = cls(
            created_at=created_at,
            disabled=disabled,
            email=email,
            id=id,
            last_login_at=last_login_at,
            name=name,
            oidc_issuer=oidc_issuer,
            role=role,
            updated_at=updated_at,
        )

        return user
