from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, File, Unset

T = TypeVar("T", bound="ModelUpload")


@_attrs_define
class ModelUpload:
    """
    Attributes:
        file (File): The checkpoint
        metrics (str):
        params (str | Unset):  Default: '{}'.
        preprocessing (str | Unset):  Default: '{}'.
    """

    file: File
    metrics: str
    params: str | Unset = "{}"
    preprocessing: str | Unset = "{}"

    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()

        metrics = self.metrics

        params = self.params

        preprocessing = self.preprocessing

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "file": file,
                "metrics": metrics,
            }
        )
        if params is not UNSET:
            field_dict["params"] = params
        if preprocessing is not UNSET:
            field_dict["preprocessing"] = preprocessing

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        file = File(payload=BytesIO(d.pop("file")))

        metrics = d.pop("metrics")

        params = d.pop("params", UNSET)

        preprocessing = d.pop("preprocessing", UNSET)

        model_upload = cls(
            file=file,
            metrics=metrics,
            params=params,
            preprocessing=preprocessing,
        )

        return model_upload
