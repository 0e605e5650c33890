from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="ImportReport")


@_attrs_define
class ImportReport:
    """
    Attributes:
        created (int | Unset): Annotations created (on a dry run: to create)
        dry_run (bool | Unset):
        errors (list[str] | Unset):
        format_ (str | Unset):
        invalid (int | Unset): Invalid records (any one stops the import)
        matched (int | Unset): Records matched to an image of the project
        records (int | Unset): Images the file labels
        unchanged (int | Unset): Matched images already labeled so
        unmatched (int | Unset): Records matching no image (skipped)
        unmatched_samples (list[str] | Unset):
    """

    created: int | Unset = UNSET
    dry_run: bool | Unset = UNSET
    errors: list[str] | Unset = UNSET
    format_: str | Unset = UNSET
    invalid: int | Unset = UNSET
    matched: int | Unset = UNSET
    records: int | Unset = UNSET
    unchanged: int | Unset = UNSET
    unmatched: int | Unset = UNSET
    unmatched_samples: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        created = self.created

        dry_run = self.dry_run

        errors: list[str] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = self.errors

        format_ = self.format_

        invalid = self.invalid

        matched = self.matched

        records = self.records

        unchanged = self.unchanged

        unmatched = self.unmatched

        unmatched_samples: list[str] | Unset = UNSET
        if not isinstance(self.unmatched_samples, Unset):
            unmatched_samples = self.unmatched_samples

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if created is not UNSET:
            field_dict["created"] = created
        if dry_run is not UNSET:
            field_dict["dry_run"] = dry_run
        if errors is not UNSET:
            field_dict["errors"] = errors
        if format_ is not UNSET:
            field_dict["format"] = format_
        if invalid is not UNSET:
            field_dict["invalid"] = invalid
        if matched is not UNSET:
            field_dict["matched"] = matched
        if records is not UNSET:
            field_dict["records"] = records
        if unchanged is not UNSET:
            field_dict["unchanged"] = unchanged
        if unmatched is not UNSET:
            field_dict["unmatched"] = unmatched
        if unmatched_samples is not UNSET:
            field_dict["unmatched_samples"] = unmatched_samples

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        created = d.pop("created", UNSET)

        dry_run = d.pop("dry_run", UNSET)

        errors = cast(list[str], d.pop("errors", UNSET))

        format_ = d.pop("format", UNSET)

        invalid = d.pop("invalid", UNSET)

        matched = d.pop("matched", UNSET)

        records = d.pop("records", UNSET)

        unchanged = d.pop("unchanged", UNSET)

        unmatched = d.pop("unmatched", UNSET)

        unmatched_samples = cast(list[str], d.pop("unmatched_samples", UNSET))

        import_report = cls(
            created=created,
            dry_run=dry_run,
            errors=errors,
            format_=format_,
            invalid=invalid,
            matched=matched,
            records=records,
            unchanged=unchanged,
            unmatched=unmatched,
            unmatched_samples=unmatched_samples,
        )

        return import_report
