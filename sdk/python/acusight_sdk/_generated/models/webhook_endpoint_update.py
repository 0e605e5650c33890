from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.webhook_endpoint_update_events_item import WebhookEndpointUpdateEventsItem
from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookEndpointUpdate")


@_attrs_define
class WebhookEndpointUpdate:
    """
    Attributes:
        active (bool | Unset): Off: nothing is sent; on again: what waited is
        events (list[WebhookEndpointUpdateEventsItem] | Unset): The events the endpoint hears; "*": all of them
        url (str | Unset): http or https, no user or password; a public address unless the server allows private ones
            (ACUSIGHT_WEBHOOK_ALLOW_PRIVATE_URLS) Example: https://hooks.example.com/acusight.
    """

    active: bool | Unset = UNSET
    events: list[WebhookEndpointUpdateEventsItem] | Unset = UNSET
    url: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        events: list[str] | Unset = UNSET
        if not isinstance(self.events, Unset):
            events = []
            for events_item_data in self.events:
                events_item = events_item_data.value
                events.append(events_item)

        url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if active is not UNSET:
            field_dict["active"] = active
        if events is not UNSET:
            field_dict["events"] = events
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        active = d.pop("active", UNSET)

        _events = d.pop("events", UNSET)
        events: list[WebhookEndpointUpdateEventsItem] | Unset = UNSET
        if _events is not UNSET:
            events = []
            for events_item_data in _events:
                events_item = WebhookEndpointUpdateEventsItem(events_item_data)

                events.append(events_item)

        url = d.pop("url", UNSET)

        webhook_endpoint_update = cls(
            active=active,
            events=events,
            url=url,
        )

        return webhook_endpoint_update
