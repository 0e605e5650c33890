from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_body_fields import ErrorBodyFields


T = TypeVar("T", bound="ErrorBody")


@_attrs_define
class ErrorBody:
    """
    Attributes:
        code (str | Unset):  Example: VALIDATION_ERROR.
        details (None | str | Unset):
        fields (ErrorBodyFields | Unset): Per-field messages, for validation errors
        message (str | Unset):
    """

    code: str | Unset = UNSET
    details: None | str | Unset = UNSET
    fields: ErrorBodyFields | Unset = UNSET
    message: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        details: None | str | Unset
        if isinstance(self.details, Unset):
            details = UNSET
        else:
            details = self.details

        fields: dict[str, Any] | Unset = UNSET
        if not isinstance(self.fields, Unset):
            fields = self.fields.to_dict()

        message = self.message

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if details is not UNSET:
            field_dict["details"] = details
        if fields is not UNSET:
            field_dict["fields"] = fields
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.error_body_fields import ErrorBodyFields

        d = dict(src_dict)
        code = d.pop("code", UNSET)

        def _parse_details(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        details = _parse_details(d.pop("details", UNSET))

        _fields = d.pop("fields", UNSET)
        fields: ErrorBodyFields | Unset
        if isinstance(_fields, Unset):
            fields = UNSET
        else:
            fields = ErrorBodyFields.from_dict(_fields)

        message = d.pop("message", UNSET)

        error_body = cls(
            code=code,
            details=details,
            fields=fields,
            message=message,
        )

        return error_body
