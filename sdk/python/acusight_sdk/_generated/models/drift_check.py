from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="DriftCheck")


@_attrs_define
class DriftCheck:
    """
    Attributes:
        export_id (int | Unset):
        flow_run_id (str | Unset): The drift-check run (the Prefect UI shows it)
    """

    export_id: int | Unset = UNSET
    flow_run_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        export_id = self.export_id

        flow_run_id = self.flow_run_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if export_id is not UNSET:
            field_dict["export_id"] = export_id
        if flow_run_id is not UNSET:
            field_dict["flow_run_id"] = flow_run_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        export_id = d.pop("export_id", UNSET)

        flow_run_id = d.pop("flow_run_id", UNSET)

        drift_check = cls(
            export_id=export_id,
            flow_run_id=flow_run_id,
        )

        return drift_check
