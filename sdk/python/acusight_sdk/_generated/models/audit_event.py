from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.audit_event_action import AuditEventAction
from ..models.audit_event_actor_type import AuditEventActorType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_event_changes import AuditEventChanges


T = TypeVar("T", bound="AuditEvent")


@_attrs_define
class AuditEvent:
    """
    Attributes:
        action (AuditEventAction | Unset):
        actor_display (None | str | Unset): The actor as it was then: email, name; the command for `system`
        actor_id (int | None | Unset): The user's, service account's, device's or token's id
        actor_type (AuditEventActorType | Unset):
        changes (AuditEventChanges | Unset): Per column, [before, after]; secrets as "[redacted]"
        created_at (datetime.datetime | Unset):
        id (int | Unset):
        method (None | str | Unset):
        organization_id (int | None | Unset):
        path (None | str | Unset):
        remote_addr (None | str | Unset): The client's address
        request_id (None | str | Unset): The same for every event of one request
        resource_display (None | str | Unset): Its name, email…
        resource_id (str | Unset): The record's id (a composite key's values joined with `:`)
        resource_type (str | Unset): The record's table, e.g. `devices`
    """

    action: AuditEventAction | Unset = UNSET
    actor_display: None | str | Unset = UNSET
    actor_id: int | None | Unset = UNSET
    actor_type: AuditEventActorType | Unset = UNSET
    changes: AuditEventChanges | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    id: int | Unset = UNSET
    method: None | str | Unset = UNSET
    organization_id: int | None | Unset = UNSET
    path: None | str | Unset = UNSET
    remote_addr: None | str | Unset = UNSET
    request_id: None | str | Unset = UNSET
    resource_display: None | str | Unset = UNSET
    resource_id: str | Unset = UNSET
    resource_type: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        action: str | Unset = UNSET
        if not isinstance(self.action, Unset):
            action = self.action.value

        actor_display: None | str | Unset
        if isinstance(self.actor_display, Unset):
            actor_display = UNSET
        else:
            actor_display = self.actor_display

        actor_id: int | None | Unset
        if isinstance(self.actor_id, Unset):
            actor_id = UNSET
        else:
            actor_id = self.actor_id

        actor_type: str | Unset = UNSET
        if not isinstance(self.actor_type, Unset):
            actor_type = self.actor_type.value

        changes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.changes, Unset):
            changes = self.changes.to_dict()

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        id = self.id

        method: None | str | Unset
        if isinstance(self.method, Unset):
            method = UNSET
        else:
            method = self.method

        organization_id: int | None | Unset
        if isinstance(self.organization_id, Unset):
            organization_id = UNSET
        else:
            organization_id = self.organization_id

        path: None | str | Unset
        if isinstance(self.path, Unset):
            path = UNSET
        else:
            path = self.path

        remote_addr: None | str | Unset
        if isinstance(self.remote_addr, Unset):
            remote_addr = UNSET
        else:
            remote_addr = self.remote_addr

        request_id: None | str | Unset
        if isinstance(self.request_id, Unset):
            request_id = UNSET
        else:
            request_id = self.request_id

        resource_display: None | str | Unset
        if isinstance(self.resource_display, Unset):
            resource_display = UNSET
        else:
            resource_display = self.resource_display

        resource_id = self.resource_id

        resource_type = self.resource_type

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if action is not UNSET:
            field_dict["action"] = action
        if actor_display is not UNSET:
            field_dict["actor_display"] = actor_display
        if actor_id is not UNSET:
            field_dict["actor_id"] = actor_id
        if actor_type is not UNSET:
            field_dict["actor_type"] = actor_type
        if changes is not UNSET:
            field_dict["changes"] = changes
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if id is not UNSET:
            field_dict["id"] = id
        if method is not UNSET:
            field_dict["method"] = method
        if organization_id is not UNSET:
            field_dict["organization_id"] = organization_id
        if path is not UNSET:
            field_dict["path"] = path
        if remote_addr is not UNSET:
            field_dict["remote_addr"] = remote_addr
        if request_id is not UNSET:
            field_dict["request_id"] = request_id
        if resource_display is not UNSET:
            field_dict["resource_display"] = resource_display
        if resource_id is not UNSET:
            field_dict["resource_id"] = resource_id
        if resource_type is not UNSET:
            field_dict["resource_type"] = resource_type

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.audit_event_changes import AuditEventChanges

        d = dict(src_dict)
        _action = d.pop("action", UNSET)
        action: AuditEventAction | Unset
        if isinstance(_action, Unset):
            action = UNSET
        else:
            action = AuditEventAction(_action)

        def _parse_actor_display(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        actor_display = _parse_actor_display(d.pop("actor_display", UNSET))

        def _parse_actor_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        actor_id = _parse_actor_id(d.pop("actor_id", UNSET))

        _actor_type = d.pop("actor_type", UNSET)
        actor_type: AuditEventActorType | Unset
        if isinstance(_actor_type, Unset):
            actor_type = UNSET
        else:
            actor_type = AuditEventActorType(_actor_type)

        _changes = d.pop("changes", UNSET)
        changes: AuditEventChanges | Unset
        if isinstance(_changes, Unset):
            changes = UNSET
        else:
            changes = AuditEventChanges.from_dict(_changes)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        id = d.pop("id", UNSET)

        def _parse_method(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        method = _parse_method(d.pop("method", UNSET))

        def _parse_organization_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        organization_id = _parse_organization_id(d.pop("organization_id", UNSET))

        def _parse_path(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        path = _parse_path(d.pop("path", UNSET))

        def _parse_remote_addr(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        remote_addr = _parse_remote_addr(d.pop("remote_addr", UNSET))

        def _parse_request_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        request_id = _parse_request_id(d.pop("request_id", UNSET))

        def _parse_resource_display(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        resource_display = _parse_resource_display(d.pop("resource_display", UNSET))

        resource_id = d.pop("resource_id", UNSET)

        resource_type = d.pop("resource_type", UNSET)

        audit_event = cls(
            action=action,
            actor_display=actor_display,
            actor_id=actor_id,
            actor_type=actor_type,
            changes=changes,
            created_at=created_at,
            id=id,
            method=method,
            organization_id=organization_id,
            path=path,
            remote_addr=remote_addr,
            request_id=request_id,
            resource_display=resource_display,
            resource_id=resource_id,
            resource_type=resource_type,
        )

        return audit_event
