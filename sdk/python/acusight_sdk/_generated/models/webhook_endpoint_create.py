from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.webhook_endpoint_create_events_item import WebhookEndpointCreateEventsItem

T = TypeVar("T", bound="WebhookEndpointCreate")


@_attrs_define
class WebhookEndpointCreate:
    """
    Attributes:
        events (list[WebhookEndpointCreateEventsItem]): The events the endpoint hears; "*": all of them
        url (str): http or https, no user or password; a public address unless the server allows private ones
            (ACUSIGHT_WEBHOOK_ALLOW_PRIVATE_URLS) Example: https://hooks.example.com/acusight.
    """

    events: list[WebhookEndpointCreateEventsItem]
    url: str

    def to_dict(self) -> dict[str, Any]:
        events = []
        for events_item_data in self.events:
            events_item = events_item_data.value
            events.append(events_item)

        url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "events": events,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = WebhookEndpointCreateEventsItem(events_item_data)

            events.append(events_item)

        url = d.pop("url")

        webhook_endpoint_create = cls(
            events=events,
            url=url,
        )

        return webhook_endpoint_create
