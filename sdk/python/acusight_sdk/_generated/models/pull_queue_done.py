from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="PullQueueDone")


@_attrs_define
class PullQueueDone:
    """
    Attributes:
        entry_ids (list[int]):
        claim (None | str | Unset):
    """

    entry_ids: list[int]
    claim: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        entry_ids = self.entry_ids

        claim: None | str | Unset
        if isinstance(self.claim, Unset):
            claim = UNSET
        else:
            claim = self.claim

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "entry_ids": entry_ids,
            }
        )
        if claim is not UNSET:
            field_dict["claim"] = claim

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        entry_ids = cast(list[int], d.pop("entry_ids"))

        def _parse_claim(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        claim = _parse_claim(d.pop("claim", UNSET))

        pull_queue_done = cls(
            entry_ids=entry_ids,
            claim=claim,
        )

        return pull_queue_done
