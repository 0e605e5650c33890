from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="PushResult")


@_attrs_define
class PushResult:
    """
    Attributes:
        batch_id (int | Unset):
        flow_run_id (str | Unset):
        project_id (int | Unset):
    """

    batch_id: int | Unset = UNSET
    flow_run_id: str | Unset = UNSET
    project_id: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        batch_id = self.batch_id

        flow_run_id = self.flow_run_id

        project_id = self.project_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if batch_id is not UNSET:
            field_dict["batch_id"] = batch_id
        if flow_run_id is not UNSET:
            field_dict["flow_run_id"] = flow_run_id
        if project_id is not UNSET:
            field_dict["project_id"] = project_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        batch_id = d.pop("batch_id", UNSET)

        flow_run_id = d.pop("flow_run_id", UNSET)

        project_id = d.pop("project_id", UNSET)

        push_result = cls(
            batch_id=batch_id,
            flow_run_id=flow_run_id,
            project_id=project_id,
        )

        return push_result
