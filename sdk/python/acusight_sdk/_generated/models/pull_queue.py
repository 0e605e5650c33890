from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.pull_queue_entry import PullQueueEntry


T = TypeVar("T", bound="PullQueue")


@_attrs_define
class PullQueue:
    """
    Attributes:
        entries (list[PullQueueEntry] | Unset):
        owned (bool | Unset): Whether the claim is still this run's
    """

    entries: list[PullQueueEntry] | Unset = UNSET
    owned: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        entries: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.entries, Unset):
            entries = []
            for entries_item_data in self.entries:
                entries_item = entries_item_data.to_dict()
                entries.append(entries_item)

        owned = self.owned

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if entries is not UNSET:
            field_dict["entries"] = entries
        if owned is not UNSET:
            field_dict["owned"] = owned

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.pull_queue_entry import PullQueueEntry

        d = dict(src_dict)
        _entries = d.pop("entries", UNSET)
        entries: list[PullQueueEntry] | Unset = UNSET
        if _entries is not UNSET:
            entries = []
            for entries_item_data in _entries:
                entries_item = PullQueueEntry.from_dict(entries_item_data)

                entries.append(entries_item)

        owned = d.pop("owned", UNSET)

        pull_queue = cls(
            entries=entries,
            owned=owned,
        )

        return pull_queue
