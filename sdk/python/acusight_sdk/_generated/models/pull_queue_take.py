from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="PullQueueTake")


@_attrs_define
class PullQueueTake:
    """
    Attributes:
        claim (None | str | Unset): The claim the webhook gave this pull run; none for the scheduled pull
        limit (int | Unset):  Default: 500.
    """

    claim: None | str | Unset = UNSET
    limit: int | Unset = 500

    def to_dict(self) -> dict[str, Any]:
        claim: None | str | Unset
        if isinstance(self.claim, Unset):
            claim = UNSET
        else:
            claim = self.claim

        limit = self.limit

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if claim is not UNSET:
            field_dict["claim"] = claim
        if limit is not UNSET:
            field_dict["limit"] = limit

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_claim(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        claim = _parse_claim(d.pop("claim", UNSET))

        limit = d.pop("limit", UNSET)

        pull_queue_take = cls(
            claim=claim,
            limit=limit,
        )

        return pull_queue_take
