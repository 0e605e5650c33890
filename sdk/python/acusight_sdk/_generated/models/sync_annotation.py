from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.sync_annotation_result_item import SyncAnnotationResultItem


T = TypeVar("T", bound="SyncAnnotation")


@_attrs_define
class SyncAnnotation:
    """
    Attributes:
        id (int):
        completed_by_email (None | str | Unset):
        result (list[SyncAnnotationResultItem] | Unset):
        was_cancelled (bool | Unset):  Default: False.
    """

    id: int
    completed_by_email: None | str | Unset = UNSET
    result: list[SyncAnnotationResultItem] | Unset = UNSET
    was_cancelled: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        completed_by_email: None | str | Unset
        if isinstance(self.completed_by_email, Unset):
            completed_by_email = UNSET
        else:
            completed_by_email = self.completed_by_email

        result: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.result, Unset):
            result = []
            for result_item_data in self.result:
                result_item = result_item_data.to_dict()
                result.append(result_item)

        was_cancelled = self.was_cancelled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if completed_by_email is not UNSET:
            field_dict["completed_by_email"] = completed_by_email
        if result is not UNSET:
            field_dict["result"] = result
        if was_cancelled is not UNSET:
            field_dict["was_cancelled"] = was_cancelled

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.sync_annotation_result_item import SyncAnnotationResultItem

        d = dict(src_dict)
        id = d.pop("id")

        def _parse_completed_by_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        completed_by_email = _parse_completed_by_email(
            d.pop("completed_by_email", UNSET)
        )

        _result = d.pop("result", UNSET)
        result: list[SyncAnnotationResultItem] | Unset = UNSET
        if _result is not UNSET:
            result = []
            for result_item_data in _result:
                result_item = SyncAnnotationResultItem.from_dict(result_item_data)

                result.append(result_item)

        was_cancelled = d.pop("was_cancelled", UNSET)

        sync_annotation = cls(
            id=id,
            completed_by_email=completed_by_email,
            result=result,
            was_cancelled=was_cancelled,
        )

        sync_annotation.additional_properties = d
        return sync_annotation

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
