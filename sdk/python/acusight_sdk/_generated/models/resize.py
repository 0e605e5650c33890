from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.resize_filter import ResizeFilter
from ..models.resize_mode import ResizeMode
from ..models.resize_placement import ResizePlacement
from ..types import UNSET, Unset

T = TypeVar("T", bound="Resize")


@_attrs_define
class Resize:
    """
    Attributes:
        mode (ResizeMode):
        filter_ (ResizeFilter | Unset):
        pad_value (list[int] | Unset): letterbox only: RGB of the padding (default [114, 114, 114])
        placement (ResizePlacement | Unset): letterbox only (default center)
    """

    mode: ResizeMode
    filter_: ResizeFilter | Unset = UNSET
    pad_value: list[int] | Unset = UNSET
    placement: ResizePlacement | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        mode = self.mode.value

        filter_: str | Unset = UNSET
        if not isinstance(self.filter_, Unset):
            filter_ = self.filter_.value

        pad_value: list[int] | Unset = UNSET
        if not isinstance(self.pad_value, Unset):
            pad_value = self.pad_value

        placement: str | Unset = UNSET
        if not isinstance(self.placement, Unset):
            placement = self.placement.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "mode": mode,
            }
        )
        if filter_ is not UNSET:
            field_dict["filter"] = filter_
        if pad_value is not UNSET:
            field_dict["pad_value"] = pad_value
        if placement is not UNSET:
            field_dict["placement"] = placement

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        mode = ResizeMode(d.pop("mode"))

        _filter_ = d.pop("filter", UNSET)
        filter_: ResizeFilter | Unset
        if isinstance(_filter_, Unset):
            filter_ = UNSET
        else:
            filter_ = ResizeFilter(_filter_)

        pad_value = cast(list[int], d.pop("pad_value", UNSET))

        _placement = d.pop("placement", UNSET)
        placement: ResizePlacement | Unset
        if isinstance(_placement, Unset):
            placement = UNSET
        else:
            placement = ResizePlacement(_placement)

        resize = cls(
            mode=mode,
            filter_=filter_,
            pad_value=pad_value,
            placement=placement,
        )

        return resize
