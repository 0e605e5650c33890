from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.batch_file_result_status import BatchFileResultStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_file_error import BatchFileError
    from ..models.image_uploaded import ImageUploaded


T = TypeVar("T", bound="BatchFileResult")


@_attrs_define
class BatchFileResult:
    """
    Attributes:
        error (BatchFileError | Unset):
        image (ImageUploaded | Unset):
        index (int | Unset): The file's position in the request, from 0
        status (BatchFileResultStatus | Unset):
    """

    error: BatchFileError | Unset = UNSET
    image: ImageUploaded | Unset = UNSET
    index: int | Unset = UNSET
    status: BatchFileResultStatus | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        image: dict[str, Any] | Unset = UNSET
        if not isinstance(self.image, Unset):
            image = self.image.to_dict()

        index = self.index

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if error is not UNSET:
            field_dict["error"] = error
        if image is not UNSET:
            field_dict["image"] = image
        if index is not UNSET:
            field_dict["index"] = index
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.batch_file_error import BatchFileError
        from ..models.image_uploaded import ImageUploaded

        d = dict(src_dict)
        _error = d.pop("error", UNSET)
        error: BatchFileError | Unset
        if isinstance(_error, Unset):
            error = UNSET
        else:
            error = BatchFileError.from_dict(_error)

        _image = d.pop("image", UNSET)
        image: ImageUploaded | Unset
        if isinstance(_image, Unset):
            image = UNSET
        else:
            image = ImageUploaded.from_dict(_image)

        index = d.pop("index", UNSET)

        _status = d.pop("status", UNSET)
        status: BatchFileResultStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = BatchFileResultStatus(_status)

        batch_file_result = cls(
            error=error,
            image=image,
            index=index,
            status=status,
        )

        return batch_file_result
