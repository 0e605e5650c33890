from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="BatchFileError")


@_attrs_define
class BatchFileError:
    """
    Attributes:
        code (str | Unset):  Example: VALIDATION_ERROR.
        details (None | str | Unset):
        message (str | Unset):
    """

    code: str | Unset = UNSET
    details: None | str | Unset = UNSET
    message: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        details: None | str | Unset
        if isinstance(self.details, Unset):
            details = UNSET
        else:
            details = self.details

        message = self.message

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if details is not UNSET:
            field_dict["details"] = details
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        code = d.pop("code", UNSET)

        def _parse_details(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        details = _parse_details(d.pop("details", UNSET))

        message = d.pop("message", UNSET)

        batch_file_error = cls(
            code=code,
            details=details,
            message=message,
        )

        return batch_file_error
