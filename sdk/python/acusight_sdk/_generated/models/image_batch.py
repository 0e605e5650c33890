from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from .. import types
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="ImageBatch")


@_attrs_define
class ImageBatch:
    """
    Attributes:
        files (list[File]): 1 to 32 JPEG, PNG or WebP images, each a part named files
        batch (str | Unset): Group the upload into this named batch instead of the day's
        manifest (str | Unset): A JSON list, one entry per file in the order of the files: null or an object of the
            file's optional sha256, captured_at, metadata (an object), prediction (an object) and sampling_reason, meaning
            what the single upload's fields of those names mean. An entry with other keys or bad values refuses its file
            only; a manifest that is not such a list, or not one entry per file, refuses the request (400). At most 1 MB
    """

    files: list[File]
    batch: str | Unset = UNSET
    manifest: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        files = []
        for files_item_data in self.files:
            files_item = files_item_data.to_tuple()

            files.append(files_item)

        batch = self.batch

        manifest = self.manifest

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "files": files,
            }
        )
        if batch is not UNSET:
            field_dict["batch"] = batch
        if manifest is not UNSET:
            field_dict["manifest"] = manifest

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        for files_item_element in self.files:
            files.append(("files", files_item_element.to_tuple()))

        if not isinstance(self.batch, Unset):
            files.append(("batch", (None, str(self.batch).encode(), "text/plain")))

        if not isinstance(self.manifest, Unset):
            files.append(
                ("manifest", (None, str(self.manifest).encode(), "text/plain"))
            )

        return files

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        files = []
        _files = d.pop("files")
        for files_item_data in _files:
            files_item = File(payload=BytesIO(files_item_data))

            files.append(files_item)

        batch = d.pop("batch", UNSET)

        manifest = d.pop("manifest", UNSET)

        image_batch = cls(
            files=files,
            batch=batch,
            manifest=manifest,
        )

        return image_batch
