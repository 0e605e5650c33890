from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, File, Unset

T = TypeVar("T", bound="ArtifactUpload")


@_attrs_define
class ArtifactUpload:
    """
    Attributes:
        file (File): The .onnx file
        sha256 (str | Unset): The flow's SHA-256 of the file; a mismatch refuses the upload
    """

    file: File
    sha256: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()

        sha256 = self.sha256

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "file": file,
            }
        )
        if sha256 is not UNSET:
            field_dict["sha256"] = sha256

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        file = File(payload=BytesIO(d.pop("file")))

        sha256 = d.pop("sha256", UNSET)

        artifact_upload = cls(
            file=file,
            sha256=sha256,
        )

        return artifact_upload
