from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="SignInMethods")


@_attrs_define
class SignInMethods:
    """
    Attributes:
        login_link (bool | Unset): One-time links from `acusight users login-link`
        oidc (bool | Unset): Sign-in with the OpenID Connect provider is set up
    """

    login_link: bool | Unset = UNSET
    oidc: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        login_link = self.login_link

        oidc = self.oidc

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if login_link is not UNSET:
            field_dict["login_link"] = login_link
        if oidc is not UNSET:
            field_dict["oidc"] = oidc

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        login_link = d.pop("login_link", UNSET)

        oidc = d.pop("oidc", UNSET)

        sign_in_methods = cls(
            login_link=login_link,
            oidc=oidc,
        )

        return sign_in_methods
