from __future__ import annotations

import datetime
from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from .. import types
from ..models.image_upload_sampling_reason import ImageUploadSamplingReason
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="ImageUpload")


@_attrs_define
class ImageUpload:
    """
    Attributes:
        file (File): A JPEG, PNG or WebP image
        batch (str | Unset): Group the upload into this named batch instead of the day's
        captured_at (datetime.datetime | Unset): ISO 8601; without an offset it is taken as UTC. Not sent: the upload
            time
        metadata (str | Unset): A JSON object, as text, at most 16384 bytes
        prediction (str | Unset): Sent under the sampling policy: the device's prediction as JSON text, {"export_id",
            "label", "score"} or {"export_id", "detections": [...]}. The frame lands in the batch "active learning YYYY-MM-
            DD" with it as its pre-label
        sampling_reason (ImageUploadSamplingReason | Unset): Why the policy chose this frame (kept in the image's
            metadata)
        sha256 (str | Unset): The device's SHA-256 of the file; a mismatch refuses the upload
    """

    file: File
    batch: str | Unset = UNSET
    captured_at: datetime.datetime | Unset = UNSET
    metadata: str | Unset = UNSET
    prediction: str | Unset = UNSET
    sampling_reason: ImageUploadSamplingReason | Unset = UNSET
    sha256: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()

        batch = self.batch

        captured_at: str | Unset = UNSET
        if not isinstance(self.captured_at, Unset):
            captured_at = self.captured_at.isoformat()

        metadata = self.metadata

        prediction = self.prediction

        sampling_reason: str | Unset = UNSET
        if not isinstance(self.sampling_reason, Unset):
            sampling_reason = self.sampling_reason.value

        sha256 = self.sha256

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "file": file,
            }
        )
        if batch is not UNSET:
            field_dict["batch"] = batch
        if captured_at is not UNSET:
            field_dict["captured_at"] = captured_at
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if prediction is not UNSET:
            field_dict["prediction"] = prediction
        if sampling_reason is not UNSET:
            field_dict["sampling_reason"] = sampling_reason
        if sha256 is not UNSET:
            field_dict["sha256"] = sha256

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))

        if not isinstance(self.batch, Unset):
            files.append(("batch", (None, str(self.batch).encode(), "text/plain")))

        if not isinstance(self.captured_at, Unset):
            files.append(
                (
                    "captured_at",
                    (None, self.captured_at.isoformat().encode(), "text/plain"),
                )
            )

        if not isinstance(self.metadata, Unset):
            files.append(
                ("metadata", (None, str(self.metadata).encode(), "text/plain"))
            )

        if not isinstance(self.prediction, Unset):
            files.append(
                ("prediction", (None, str(self.prediction).encode(), "text/plain"))
            )

        if not isinstance(self.sampling_reason, Unset):
            files.append(
                (
                    "sampling_reason",
                    (None, str(self.sampling_reason.value).encode(), "text/plain"),
                )
            )

        if not isinstance(self.sha256, Unset):
            files.append(("sha256", (None, str(self.sha256).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        file = File(payload=BytesIO(d.pop("file")))

        batch = d.pop("batch", UNSET)

        _captured_at = d.pop("captured_at", UNSET)
        captured_at: datetime.datetime | Unset
        if isinstance(_captured_at, Unset):
            captured_at = UNSET
        else:
            captured_at = datetime.datetime.fromisoformat(_captured_at)

        metadata = d.pop("metadata", UNSET)

        prediction = d.pop("prediction", UNSET)

        _sampling_reason = d.pop("sampling_reason", UNSET)
        sampling_reason: ImageUploadSamplingReason | Unset
        if isinstance(_sampling_reason, Unset):
            sampling_reason = UNSET
        else:
            sampling_reason = ImageUploadSamplingReason(_sampling_reason)

        sha256 = d.pop("sha256", UNSET)

        image_upload = cls(
            file=file,
            batch=batch,
            captured_at=captured_at,
            metadata=metadata,
            prediction=prediction,
            sampling_reason=sampling_reason,
            sha256=sha256,
        )

        return image_upload
