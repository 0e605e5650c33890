from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="PullQueueDoneResult")


@_attrs_define
class PullQueueDoneResult:
    """
    Attributes:
        owned (bool | Unset):
        released (bool | Unset): The queue was empty: the claim is let go
        remaining (int | Unset): Entries still queued (queued meanwhile)
    """

    owned: bool | Unset = UNSET
    released: bool | Unset = UNSET
    remaining: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        owned = self.owned

        released = self.released

        remaining = self.remaining

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if owned is not UNSET:
            field_dict["owned"] = owned
        if released is not UNSET:
            field_dict["released"] = released
        if remaining is not UNSET:
            field_dict["remaining"] = remaining

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        owned = d.pop("owned", UNSET)

        released = d.pop("released", UNSET)

        remaining = d.pop("remaining", UNSET)

        pull_queue_done_result = cls(
            owned=owned,
            released=released,
            remaining=remaining,
        )

        return pull_queue_done_result
