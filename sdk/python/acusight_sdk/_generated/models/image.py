from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.image_status import ImageStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.annotation import Annotation
    from ..models.image_annotation_type_1_type_0 import ImageAnnotationType1Type0
    from ..models.image_metadata_type_0 import ImageMetadataType0


T = TypeVar("T", bound="Image")


@_attrs_define
class Image:
    """
    Attributes:
        annotation (Annotation | ImageAnnotationType1Type0 | None | Unset): The current (latest) annotation
        batch_id (int | None | Unset):
        byte_size (int | Unset):
        captured_at (datetime.datetime | None | Unset):
        created_at (datetime.datetime | Unset):
        device_id (int | None | Unset):
        file_url (Any | Unset):
        filename (None | str | Unset):
        format_ (str | Unset):
        height (int | Unset):
        id (int | Unset):
        label (None | str | Unset): Classification: the current label (null for detection)
        labeled (bool | Unset): Whether the image has an annotation
        metadata (ImageMetadataType0 | None | Unset):
        notes (None | str | Unset):
        project_id (int | None | Unset):
        sha256 (str | Unset):
        signed_file_url (None | str | Unset): For a person's browser (`<img src>`): the same bytes through a URL that
            needs no credentials, valid 15 to 20 minutes and only while the caller stays enabled; null for service accounts
        signed_thumbnail_url (None | str | Unset): For a person's browser (`<img src>`): the same bytes through a URL
            that needs no credentials, valid 15 to 20 minutes and only while the caller stays enabled; null for service
            accounts
        status (ImageStatus | Unset):
        tags (list[str] | Unset):
        thumbnail_url (Any | Unset):
        updated_at (datetime.datetime | Unset):
        width (int | Unset):
    """

    annotation: Annotation | ImageAnnotationType1Type0 | None | Unset = UNSET
    batch_id: int | None | Unset = UNSET
    byte_size: int | Unset = UNSET
    captured_at: datetime.datetime | None | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    device_id: int | None | Unset = UNSET
    file_url: Any | Unset = UNSET
    filename: None | str | Unset = UNSET
    format_: str | Unset = UNSET
    height: int | Unset = UNSET
    id: int | Unset = UNSET
    label: None | str | Unset = UNSET
    labeled: bool | Unset = UNSET
    metadata: ImageMetadataType0 | None | Unset = UNSET
    notes: None | str | Unset = UNSET
    project_id: int | None | Unset = UNSET
    sha256: str | Unset = UNSET
    signed_file_url: None | str | Unset = UNSET
    signed_thumbnail_url: None | str | Unset = UNSET
    status: ImageStatus | Unset = UNSET
    tags: list[str] | Unset = UNSET
    thumbnail_url: Any | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    width: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.annotation import Annotation
        from ..models.image_annotation_type_1_type_0 import ImageAnnotationType1Type0
        from ..models.image_metadata_type_0 import ImageMetadataType0

        annotation: dict[str, Any] | None | Unset
        if isinstance(self.annotation, Unset):
            annotation = UNSET
        elif isinstance(self.annotation, Annotation) or isinstance(
            self.annotation, ImageAnnotationType1Type0
        ):
            annotation = self.annotation.to_dict()
        else:
            annotation = self.annotation

        batch_id: int | None | Unset
        if isinstance(self.batch_id, Unset):
            batch_id = UNSET
        else:
            batch_id = self.batch_id

        byte_size = self.byte_size

        captured_at: None | str | Unset
        if isinstance(self.captured_at, Unset):
            captured_at = UNSET
        elif isinstance(self.captured_at, datetime.datetime):
            captured_at = self.captured_at.isoformat()
        else:
            captured_at = self.captured_at

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        device_id: int | None | Unset
        if isinstance(self.device_id, Unset):
            device_id = UNSET
        else:
            device_id = self.device_id

        file_url = self.file_url

        filename: None | str | Unset
        if isinstance(self.filename, Unset):
            filename = UNSET
        else:
            filename = self.filename

        format_ = self.format_

        height = self.height

        id = self.id

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        labeled = self.labeled

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, ImageMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        project_id: int | None | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        sha256 = self.sha256

        signed_file_url: None | str | Unset
        if isinstance(self.signed_file_url, Unset):
            signed_file_url = UNSET
        else:
            signed_file_url = self.signed_file_url

        signed_thumbnail_url: None | str | Unset
        if isinstance(self.signed_thumbnail_url, Unset):
            signed_thumbnail_url = UNSET
        else:
            signed_thumbnail_url = self.signed_thumbnail_url

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        thumbnail_url = self.thumbnail_url

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        width = self.width

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if annotation is not UNSET:
            field_dict["annotation"] = annotation
        if batch_id is not UNSET:
            field_dict["batch_id"] = batch_id
        if byte_size is not UNSET:
            field_dict["byte_size"] = byte_size
        if captured_at is not UNSET:
            field_dict["captured_at"] = captured_at
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if device_id is not UNSET:
            field_dict["device_id"] = device_id
        if file_url is not UNSET:
            field_dict["file_url"] = file_url
        if filename is not UNSET:
            field_dict["filename"] = filename
        if format_ is not UNSET:
            field_dict["format"] = format_
        if height is not UNSET:
            field_dict["height"] = height
        if id is not UNSET:
            field_dict["id"] = id
        if label is not UNSET:
            field_dict["label"] = label
        if labeled is not UNSET:
            field_dict["labeled"] = labeled
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if notes is not UNSET:
            field_dict["notes"] = notes
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if sha256 is not UNSET:
            field_dict["sha256"] = sha256
        if signed_file_url is not UNSET:
            field_dict["signed_file_url"] = signed_file_url
        if signed_thumbnail_url is not UNSET:
            field_dict["signed_thumbnail_url"] = signed_thumbnail_url
        if status is not UNSET:
            field_dict["status"] = status
        if tags is not UNSET:
            field_dict["tags"] = tags
        if thumbnail_url is not UNSET:
            field_dict["thumbnail_url"] = thumbnail_url
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if width is not UNSET:
            field_dict["width"] = width

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.annotation import Annotation
        from ..models.image_annotation_type_1_type_0 import ImageAnnotationType1Type0
        from ..models.image_metadata_type_0 import ImageMetadataType0

        d = dict(src_dict)

        def _parse_annotation(
            data: object,
        ) -> Annotation | ImageAnnotationType1Type0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                annotation_type_0 = Annotation.from_dict(data)

                return annotation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                annotation_type_1_type_0 = ImageAnnotationType1Type0.from_dict(data)

                return annotation_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[Annotation, ImageAnnotationType1Type0, None, Unset], data)

        annotation = _parse_annotation(d.pop("annotation", UNSET))

        def _parse_batch_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        batch_id = _parse_batch_id(d.pop("batch_id", UNSET))

        byte_size = d.pop("byte_size", UNSET)

        def _parse_captured_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                captured_at_type_0 = datetime.datetime.fromisoformat(data)

                return captured_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        captured_at = _parse_captured_at(d.pop("captured_at", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        def _parse_device_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        device_id = _parse_device_id(d.pop("device_id", UNSET))

        file_url = d.pop("file_url", UNSET)

        def _parse_filename(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        filename = _parse_filename(d.pop("filename", UNSET))

        format_ = d.pop("format", UNSET)

        height = d.pop("height", UNSET)

        id = d.pop("id", UNSET)

        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        label = _parse_label(d.pop("label", UNSET))

        labeled = d.pop("labeled", UNSET)

        def _parse_metadata(data: object) -> ImageMetadataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = ImageMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[ImageMetadataType0, None, Unset], data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        notes = _parse_notes(d.pop("notes", UNSET))

        def _parse_project_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        sha256 = d.pop("sha256", UNSET)

        def _parse_signed_file_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        signed_file_url = _parse_signed_file_url(d.pop("signed_file_url", UNSET))

        def _parse_signed_thumbnail_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        signed_thumbnail_url = _parse_signed_thumbnail_url(
            d.pop("signed_thumbnail_url", UNSET)
        )

        _status = d.pop("status", UNSET)
        status: ImageStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = ImageStatus(_status)

        tags = cast(list[str], d.pop("tags", UNSET))

        thumbnail_url = d.pop("thumbnail_url", UNSET)

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(_updated_at)

        width = d.pop("width", UNSET)

        image = cls(
            annotation=annotation,
            batch_id=batch_id,
            byte_size=byte_size,
            captured_at=captured_at,
            created_at=created_at,
            device_id=device_id,
            file_url=file_url,
            filename=filename,
            format_=format_,
            height=height,
            id=id,
            label=label,
            labeled=labeled,
            metadata=metadata,
            notes=notes,
            project_id=project_id,
            sha256=sha256,
            signed_file_url=signed_file_url,
            signed_thumbnail_url=signed_thumbnail_url,
            status=status,
            tags=tags,
            thumbnail_url=thumbnail_url,
            updated_at=updated_at,
            width=width,
        )

        return image
