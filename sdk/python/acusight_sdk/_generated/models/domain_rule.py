from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.domain_rule_role import DomainRuleRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="DomainRule")


@_attrs_define
class DomainRule:
    """
    Attributes:
        created_at (datetime.datetime | Unset):
        domain (str | Unset):
        id (int | Unset):
        role (DomainRuleRole | Unset):
    """

    created_at: datetime.datetime | Unset = UNSET
    domain: str | Unset = UNSET
    id: int | Unset = UNSET
    role: DomainRuleRole | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        domain = self.domain

        id = self.id

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if domain is not UNSET:
            field_dict["domain"] = domain
        if id is not UNSET:
            field_dict["id"] = id
        if role is not UNSET:
            field_dict["role"] = role

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

        domain = d.pop("domain", UNSET)

        id = d.pop("id", UNSET)

        _role = d.pop("role", UNSET)
        role: DomainRuleRole | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = DomainRuleRole(_role)

        domain_rule = cls(
            created_at=created_at,
            domain=domain,
            id=id,
            role=role,
        )

        return domain_rule
