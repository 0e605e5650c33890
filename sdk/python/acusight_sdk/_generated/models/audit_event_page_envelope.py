from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_event import AuditEvent
    from ..models.meta import Meta


T = TypeVar("T", bound="AuditEventPageEnvelope")


@_attrs_define
class AuditEventPageEnvelope:
    """
    Attributes:
        data (list[AuditEvent] | Unset):
        meta (Meta | Unset):
        success (bool | Unset):  Example: True.
    """

    data: list[AuditEvent] | Unset = UNSET
    meta: Meta | Unset = UNSET
    success: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        data: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = []
            for data_item_data in self.data:
                data_item = data_item_data.to_dict()
                data.append(data_item)

        meta: dict[str, Any] | Unset = UNSET
        if not isinstance(self.meta, Unset):
            meta = self.meta.to_dict()

        success = self.success

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if data is not UNSET:
            field_dict["data"] = data
        if meta is not UNSET:
            field_dict["meta"] = meta
        if success is not UNSET:
            field_dict["success"] = success

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.audit_event import AuditEvent
        from ..models.meta import Meta

        d = dict(src_dict)
        _data = d.pop("data", UNSET)
        data: list[AuditEvent] | Unset = UNSET
        if _data is not UNSET:
            data = []
            for data_item_data in _data:
                data_item = AuditEvent.from_dict(data_item_data)

                data.append(data_item)

        _meta = d.pop("meta", UNSET)
        meta: Meta | Unset
        if isinstance(_meta, Unset):
            meta = UNSET
        else:
            meta = Meta.from_dict(_meta)

        success = d.pop("success", UNSET)

        audit_event_page_envelope = cls(
            data=data,
            meta=meta,
            success=success,
        )

        return audit_event_page_envelope
