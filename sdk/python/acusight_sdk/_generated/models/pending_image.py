from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.pending_image_device_prediction_type_0 import (
        PendingImageDevicePredictionType0,
    )


T = TypeVar("T", bound="PendingImage")


@_attrs_define
class PendingImage:
    """
    Attributes:
        device_prediction (None | PendingImageDevicePredictionType0 | Unset): What the camera's model predicted, for a
            frame sampled by the policy
        height (int | Unset):
        image_id (int | Unset):
        url (str | Unset): Signed, expiring URL of the image's bytes
        url_expires_at (datetime.datetime | Unset):
        width (int | Unset):
    """

    device_prediction: None | PendingImageDevicePredictionType0 | Unset = UNSET
    height: int | Unset = UNSET
    image_id: int | Unset = UNSET
    url: str | Unset = UNSET
    url_expires_at: datetime.datetime | Unset = UNSET
    width: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.pending_image_device_prediction_type_0 import (
            PendingImageDevicePredictionType0,
        )

        device_prediction: dict[str, Any] | None | Unset
        if isinstance(self.device_prediction, Unset):
            device_prediction = UNSET
        elif isinstance(self.device_prediction, PendingImageDevicePredictionType0):
            device_prediction = self.device_prediction.to_dict()
        else:
            device_prediction = self.device_prediction

        height = self.height

        image_id = self.image_id

        url = self.url

        url_expires_at: str | Unset = UNSET
        if not isinstance(self.url_expires_at, Unset):
            url_expires_at = self.url_expires_at.isoformat()

        width = self.width

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if device_prediction is not UNSET:
            field_dict["device_prediction"] = device_prediction
        if height is not UNSET:
            field_dict["height"] = height
        if image_id is not UNSET:
            field_dict["image_id"] = image_id
        if url is not UNSET:
            field_dict["url"] = url
        if url_expires_at is not UNSET:
            field_dict["url_expires_at"] = url_expires_at
        if width is not UNSET:
            field_dict["width"] = width

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.pending_image_device_prediction_type_0 import (
            PendingImageDevicePredictionType0,
        )

        d = dict(src_dict)

        def _parse_device_prediction(
            data: object,
        ) -> None | PendingImageDevicePredictionType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                device_prediction_type_0 = PendingImageDevicePredictionType0.from_dict(
                    data
                )

                return device_prediction_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[None, PendingImageDevicePredictionType0, Unset], data)

        device_prediction = _parse_device_prediction(d.pop("device_prediction", UNSET))

        height = d.pop("height", UNSET)

        image_id = d.pop("image_id", UNSET)

        url = d.pop("url", UNSET)

        _url_expires_at = d.pop("url_expires_at", UNSET)
        url_expires_at: datetime.datetime | Unset
        if isinstance(_url_expires_at, Unset):
            url_expires_at = UNSET
        else:
            url_expires_at = datetime.datetime.fromisoformat(_url_expires_at)

        width = d.pop("width", UNSET)

        pending_image = cls(
            device_prediction=device_prediction,
            height=height,
            image_id=image_id,
            url=url,
            url_expires_at=url_expires_at,
            width=width,
        )

        return pending_image
