from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.webhook_delivery import WebhookDelivery


T = TypeVar("T", bound="WebhookDeliveryEnvelope")


@_attrs_define
class WebhookDeliveryEnvelope:
    """
    Attributes:
        data (WebhookDelivery | Unset):
        success (bool | Unset):  Example: True.
    """

    data: WebhookDelivery | Unset = UNSET
    success: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        success = self.success

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if data is not UNSET:
            field_dict["data"] = data
        if success is not UNSET:
            field_dict["success"] = success

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.webhook_delivery import WebhookDelivery

        d = dict(src_dict)
        _data = d.pop("data", UNSET)
        data: WebhookDelivery | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = WebhookDelivery.from_dict(_data)

        success = d.pop("success", UNSET)

        webhook_delivery_envelope = cls(
            data=data,
            success=success,
        )

        return webhook_delivery_envelope
