from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="InferenceReported")


@_attrs_define
class InferenceReported:
    """
    Attributes:
        accepted (int | Unset): Predictions in the batch
        batch_id (str | Unset):
        duplicate (bool | Unset): True when this batch was counted before: nothing was counted again
    """

    accepted: int | Unset = UNSET
    batch_id: str | Unset = UNSET
    duplicate: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        accepted = self.accepted

        batch_id = self.batch_id

        duplicate = self.duplicate

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if accepted is not UNSET:
            field_dict["accepted"] = accepted
        if batch_id is not UNSET:
            field_dict["batch_id"] = batch_id
        if duplicate is not UNSET:
            field_dict["duplicate"] = duplicate

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        accepted = d.pop("accepted", UNSET)

        batch_id = d.pop("batch_id", UNSET)

        duplicate = d.pop("duplicate", UNSET)

        inference_reported = cls(
            accepted=accepted,
            batch_id=batch_id,
            duplicate=duplicate,
        )

        return inference_reported
