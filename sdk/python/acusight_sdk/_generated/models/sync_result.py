from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="SyncResult")


@_attrs_define
class SyncResult:
    """
    Attributes:
        batches_completed (list[int] | Unset):
        created (int | Unset):
        deleted (int | Unset):
        errors (list[str] | Unset):
        unchanged (int | Unset):
        unknown_tasks (int | Unset): Tasks that show no Acusight image
        updated (int | Unset):
    """

    batches_completed: list[int] | Unset = UNSET
    created: int | Unset = UNSET
    deleted: int | Unset = UNSET
    errors: list[str] | Unset = UNSET
    unchanged: int | Unset = UNSET
    unknown_tasks: int | Unset = UNSET
    updated: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        batches_completed: list[int] | Unset = UNSET
        if not isinstance(self.batches_completed, Unset):
            batches_completed = self.batches_completed

        created = self.created

        deleted = self.deleted

        errors: list[str] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = self.errors

        unchanged = self.unchanged

        unknown_tasks = self.unknown_tasks

        updated = self.updated

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if batches_completed is not UNSET:
            field_dict["batches_completed"] = batches_completed
        if created is not UNSET:
            field_dict["created"] = created
        if deleted is not UNSET:
            field_dict["deleted"] = deleted
        if errors is not UNSET:
            field_dict["errors"] = errors
        if unchanged is not UNSET:
            field_dict["unchanged"] = unchanged
        if unknown_tasks is not UNSET:
            field_dict["unknown_tasks"] = unknown_tasks
        if updated is not UNSET:
            field_dict["updated"] = updated

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        batches_completed = cast(list[int], d.pop("batches_completed", UNSET))

        created = d.pop("created", UNSET)

        deleted = d.pop("deleted", UNSET)

        errors = cast(list[str], d.pop("errors", UNSET))

        unchanged = d.pop("unchanged", UNSET)

        unknown_tasks = d.pop("unknown_tasks", UNSET)

        updated = d.pop("updated", UNSET)

        sync_result = cls(
            batches_completed=batches_completed,
            created=created,
            deleted=deleted,
            errors=errors,
            unchanged=unchanged,
            unknown_tasks=unknown_tasks,
            updated=updated,
        )

        return sync_result
