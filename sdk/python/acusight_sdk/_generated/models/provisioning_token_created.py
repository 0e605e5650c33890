from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.provisioning_token_created_status import ProvisioningTokenCreatedStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="ProvisioningTokenCreated")


@_attrs_define
class ProvisioningTokenCreated:
    """
    Attributes:
        created_at (datetime.datetime | Unset):
        expires_at (datetime.datetime | Unset):
        id (int | Unset):
        last_used_at (datetime.datetime | None | Unset):
        max_uses (int | Unset):
        name (str | Unset):
        prefix (str | Unset): Public part
        project_id (int | None | Unset):
        revoked_at (datetime.datetime | None | Unset):
        status (ProvisioningTokenCreatedStatus | Unset):
        token (str | Unset): The secret, shown only in this response
        use_count (int | Unset):
    """

    created_at: datetime.datetime | Unset = UNSET
    expires_at: datetime.datetime | Unset = UNSET
    id: int | Unset = UNSET
    last_used_at: datetime.datetime | None | Unset = UNSET
    max_uses: int | Unset = UNSET
    name: str | Unset = UNSET
    prefix: str | Unset = UNSET
    project_id: int | None | Unset = UNSET
    revoked_at: datetime.datetime | None | Unset = UNSET
    status: ProvisioningTokenCreatedStatus | Unset = UNSET
    token: str | Unset = UNSET
    use_count: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        id = self.id

        last_used_at: None | str | Unset
        if isinstance(self.last_used_at, Unset):
            last_used_at = UNSET
        elif isinstance(self.last_used_at, datetime.datetime):
            last_used_at = self.last_used_at.isoformat()
        else:
            last_used_at = self.last_used_at

        max_uses = self.max_uses

        name = self.name

        prefix = self.prefix

        project_id: int | None | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        revoked_at: None | str | Unset
        if isinstance(self.revoked_at, Unset):
            revoked_at = UNSET
        elif isinstance(self.revoked_at, datetime.datetime):
            revoked_at = self.revoked_at.isoformat()
        else:
            revoked_at = self.revoked_at

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        token = self.token

        use_count = self.use_count

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if id is not UNSET:
            field_dict["id"] = id
        if last_used_at is not UNSET:
            field_dict["last_used_at"] = last_used_at
        if max_uses is not UNSET:
            field_dict["max_uses"] = max_uses
        if name is not UNSET:
            field_dict["name"] = name
        if prefix is not UNSET:
            field_dict["prefix"] = prefix
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if revoked_at is not UNSET:
            field_dict["revoked_at"] = revoked_at
        if status is not UNSET:
            field_dict["status"] = status
        if token is not UNSET:
            field_dict["token"] = token
        if use_count is not UNSET:
            field_dict["use_count"] = use_count

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

        _expires_at = d.pop("expires_at", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)

        id = d.pop("id", UNSET)

        def _parse_last_used_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_used_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_used_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        last_used_at = _parse_last_used_at(d.pop("last_used_at", UNSET))

        max_uses = d.pop("max_uses", UNSET)

        name = d.pop("name", UNSET)

        prefix = d.pop("prefix", UNSET)

        def _parse_project_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        def _parse_revoked_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                revoked_at_type_0 = datetime.datetime.fromisoformat(data)

                return revoked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        revoked_at = _parse_revoked_at(d.pop("revoked_at", UNSET))

        _status = d.pop("status", UNSET)
        status: ProvisioningTokenCreatedStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = ProvisioningTokenCreatedStatus(_status)

        token = d.pop("token", UNSET)

        use_count = d.pop("use_count", UNSET)

        provisioning_token_created = cls(
            created_at=created_at,
            expires_at=expires_at,
            id=id,
            last_used_at=last_used_at,
            max_uses=max_uses,
            name=name,
            prefix=prefix,
            project_id=project_id,
            revoked_at=revoked_at,
            status=status,
            token=token,
            use_count=use_count,
        )

        return provisioning_token_created
