from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_event import AuditEvent


T = TypeVar("T", bound="AuditEventEnvelope")


@_attrs_define
class AuditEventEnvelope:
    """
    Attributes:
        data (AuditEvent | Unset):
        success (bool | Unset):  Example: True.
    """

    data: AuditEvent | Unset = UNSET
    success: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        success = self.success

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if data is not UNSET:
            field_dict["data"] = data
        if success is not UNSET:
            field_dict["success"] = success

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.audit_event import AuditEvent

        d = dict(src_dict)
        _data = d.pop("data", UNSET)
        data: AuditEvent | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = AuditEvent.from_dict(_data)

        success = d.pop("success", UNSET)

        audit_event_envelope = cls(
            data=data,
            success=success,
        )

        return audit_event_envelope
