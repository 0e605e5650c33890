from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_file_result import BatchFileResult


T = TypeVar("T", bound="ImagesUploaded")


@_attrs_define
class ImagesUploaded:
    """
    Attributes:
        created (int | Unset):
        duplicates (int | Unset):
        errors (int | Unset):
        results (list[BatchFileResult] | Unset): One per file, in order
    """

    created: int | Unset = UNSET
    duplicates: int | Unset = UNSET
    errors: int | Unset = UNSET
    results: list[BatchFileResult] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        created = self.created

        duplicates = self.duplicates

        errors = self.errors

        results: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.results, Unset):
            results = []
            for results_item_data in self.results:
                results_item = results_item_data.to_dict()
                results.append(results_item)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if created is not UNSET:
            field_dict["created"] = created
        if duplicates is not UNSET:
            field_dict["duplicates"] = duplicates
        if errors is not UNSET:
            field_dict["errors"] = errors
        if results is not UNSET:
            field_dict["results"] = results

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.batch_file_result import BatchFileResult

        d = dict(src_dict)
        created = d.pop("created", UNSET)

        duplicates = d.pop("duplicates", UNSET)

        errors = d.pop("errors", UNSET)

        _results = d.pop("results", UNSET)
        results: list[BatchFileResult] | Unset = UNSET
        if _results is not UNSET:
            results = []
            for results_item_data in _results:
                results_item = BatchFileResult.from_dict(results_item_data)

                results.append(results_item)

        images_uploaded = cls(
            created=created,
            duplicates=duplicates,
            errors=errors,
            results=results,
        )

        return images_uploaded
