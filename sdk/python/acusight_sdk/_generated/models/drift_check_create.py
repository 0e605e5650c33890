from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

T = TypeVar("T", bound="DriftCheckCreate")


@_attrs_define
class DriftCheckCreate:
    """
    Attributes:
        export_id (int): A deployed export
    """

    export_id: int

    def to_dict(self) -> dict[str, Any]:
        export_id = self.export_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "export_id": export_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        export_id = d.pop("export_id")

        drift_check_create = cls(
            export_id=export_id,
        )

        return drift_check_create
