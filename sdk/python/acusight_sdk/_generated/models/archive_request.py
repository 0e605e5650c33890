from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="ArchiveRequest")


@_attrs_define
class ArchiveRequest:
    """
    Attributes:
        sha256 (list[str] | None | Unset): Only these images (default: all of the version)
    """

    sha256: list[str] | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        sha256: list[str] | None | Unset
        if isinstance(self.sha256, Unset):
            sha256 = UNSET
        elif isinstance(self.sha256, list):
            sha256 = self.sha256

        else:
            sha256 = self.sha256

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if sha256 is not UNSET:
            field_dict["sha256"] = sha256

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_sha256(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                sha256_type_0 = cast(list[str], data)

                return sha256_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[list[str], None, Unset], data)

        sha256 = _parse_sha256(d.pop("sha256", UNSET))

        archive_request = cls(
            sha256=sha256,
        )

        return archive_request
