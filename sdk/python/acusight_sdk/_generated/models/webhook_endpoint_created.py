from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.webhook_endpoint_created_events_item import (
    WebhookEndpointCreatedEventsItem,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookEndpointCreated")


@_attrs_define
class WebhookEndpointCreated:
    """
    Attributes:
        active (bool | Unset):
        created_at (datetime.datetime | Unset):
        created_by_id (int | None | Unset):
        disabled_reason (None | str | Unset): Why the platform turned it off (a 410 Gone answer)
        events (list[WebhookEndpointCreatedEventsItem] | Unset):
        id (int | Unset):
        secret (str | Unset): The signing secret (whsec_…), shown this once: keep it with the receiver
        updated_at (datetime.datetime | Unset):
        url (str | Unset):
    """

    active: bool | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    created_by_id: int | None | Unset = UNSET
    disabled_reason: None | str | Unset = UNSET
    events: list[WebhookEndpointCreatedEventsItem] | Unset = UNSET
    id: int | Unset = UNSET
    secret: str | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    url: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        created_by_id: int | None | Unset
        if isinstance(self.created_by_id, Unset):
            created_by_id = UNSET
        else:
            created_by_id = self.created_by_id

        disabled_reason: None | str | Unset
        if isinstance(self.disabled_reason, Unset):
            disabled_reason = UNSET
        else:
            disabled_reason = self.disabled_reason

        events: list[str] | Unset = UNSET
        if not isinstance(self.events, Unset):
            events = []
            for events_item_data in self.events:
                events_item = events_item_data.value
                events.append(events_item)

        id = self.id

        secret = self.secret

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if active is not UNSET:
            field_dict["active"] = active
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if created_by_id is not UNSET:
            field_dict["created_by_id"] = created_by_id
        if disabled_reason is not UNSET:
            field_dict["disabled_reason"] = disabled_reason
        if events is not UNSET:
            field_dict["events"] = events
        if id is not UNSET:
            field_dict["id"] = id
        if secret is not UNSET:
            field_dict["secret"] = secret
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        active = d.pop("active", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        def _parse_created_by_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        created_by_id = _parse_created_by_id(d.pop("created_by_id", UNSET))

        def _parse_disabled_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason", UNSET))

        _events = d.pop("events", UNSET)
        events: list[WebhookEndpointCreatedEventsItem] | Unset = UNSET
        if _events is not UNSET:
            events = []
            for events_item_data in _events:
                events_item = WebhookEndpointCreatedEventsItem(events_item_data)

                events.append(events_item)

        id = d.pop("id", UNSET)

        secret = d.pop("secret", UNSET)

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(_updated_at)

        url = d.pop("url", UNSET)

        webhook_endpoint_created = cls(
            active=active,
            created_at=created_at,
            created_by_id=created_by_id,
            disabled_reason=disabled_reason,
            events=events,
            id=id,
            secret=secret,
            updated_at=updated_at,
            url=url,
        )

        return webhook_endpoint_created
