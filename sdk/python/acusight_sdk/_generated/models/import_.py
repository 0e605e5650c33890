from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from .. import types
from ..models.import_format import ImportFormat
from ..models.import_source import ImportSource
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="Import")


@_attrs_define
class Import:
    """
    Attributes:
        file (File):
        format_ (ImportFormat): csv (classification: sha256,label), coco (detection JSON), yolo (detection, a zip)
        dry_run (bool | Unset): Match and validate, report, write nothing Default: False.
        source (ImportSource | Unset):  Default: ImportSource.MANUAL.
    """

    file: File
    format_: ImportFormat
    dry_run: bool | Unset = False
    source: ImportSource | Unset = ImportSource.MANUAL

    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()

        format_ = self.format_.value

        dry_run = self.dry_run

        source: str | Unset = UNSET
        if not isinstance(self.source, Unset):
            source = self.source.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "file": file,
                "format": format_,
            }
        )
        if dry_run is not UNSET:
            field_dict["dry_run"] = dry_run
        if source is not UNSET:
            field_dict["source"] = source

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))

        files.append(("format", (None, str(self.format_.value).encode(), "text/plain")))

        if not isinstance(self.dry_run, Unset):
            files.append(("dry_run", (None, str(self.dry_run).encode(), "text/plain")))

        if not isinstance(self.source, Unset):
            files.append(
                ("source", (None, str(self.source.value).encode(), "text/plain"))
            )

        return files

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        file = File(payload=BytesIO(d.pop("file")))

        format_ = ImportFormat(d.pop("format"))

        dry_run = d.pop("dry_run", UNSET)

        _source = d.pop("source", UNSET)
        source: ImportSource | Unset
        if isinstance(_source, Unset):
            source = UNSET
        else:
            source = ImportSource(_source)

        import_ = cls(
            file=file,
            format_=format_,
            dry_run=dry_run,
            source=source,
        )

        return import_
