from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.annotation_source import AnnotationSource
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.box import Box


T = TypeVar("T", bound="Annotation")


@_attrs_define
class Annotation:
    """
    Attributes:
        annotator_email (None | str | Unset):
        annotator_id (int | None | Unset):
        boxes (list[Box] | None | Unset): Detection: the boxes
        created_at (datetime.datetime | Unset):
        current (Any | Unset): Whether this is the image's current (latest) annotation
        external_id (None | str | Unset):
        id (int | Unset):
        image_id (int | Unset):
        label (None | str | Unset): Classification: the class
        project_id (int | None | Unset):
        source (AnnotationSource | Unset):
    """

    annotator_email: None | str | Unset = UNSET
    annotator_id: int | None | Unset = UNSET
    boxes: list[Box] | None | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    current: Any | Unset = UNSET
    external_id: None | str | Unset = UNSET
    id: int | Unset = UNSET
    image_id: int | Unset = UNSET
    label: None | str | Unset = UNSET
    project_id: int | None | Unset = UNSET
    source: AnnotationSource | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        annotator_email: None | str | Unset
        if isinstance(self.annotator_email, Unset):
            annotator_email = UNSET
        else:
            annotator_email = self.annotator_email

        annotator_id: int | None | Unset
        if isinstance(self.annotator_id, Unset):
            annotator_id = UNSET
        else:
            annotator_id = self.annotator_id

        boxes: list[dict[str, Any]] | None | Unset
        if isinstance(self.boxes, Unset):
            boxes = UNSET
        elif isinstance(self.boxes, list):
            boxes = []
            for boxes_type_0_item_data in self.boxes:
                boxes_type_0_item = boxes_type_0_item_data.to_dict()
                boxes.append(boxes_type_0_item)

        else:
            boxes = self.boxes

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        current = self.current

        external_id: None | str | Unset
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        id = self.id

        image_id = self.image_id

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        project_id: int | None | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        source: str | Unset = UNSET
        if not isinstance(self.source, Unset):
            source = self.source.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if annotator_email is not UNSET:
            field_dict["annotator_email"] = annotator_email
        if annotator_id is not UNSET:
            field_dict["annotator_id"] = annotator_id
        if boxes is not UNSET:
            field_dict["boxes"] = boxes
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if current is not UNSET:
            field_dict["current"] = current
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if id is not UNSET:
            field_dict["id"] = id
        if image_id is not UNSET:
            field_dict["image_id"] = image_id
        if label is not UNSET:
            field_dict["label"] = label
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if source is not UNSET:
            field_dict["source"] = source

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.box import Box

        d = dict(src_dict)

        def _parse_annotator_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        annotator_email = _parse_annotator_email(d.pop("annotator_email", UNSET))

        def _parse_annotator_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        annotator_id = _parse_annotator_id(d.pop("annotator_id", UNSET))

        def _parse_boxes(data: object) -> list[Box] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                boxes_type_0 = []
                _boxes_type_0 = data
                for boxes_type_0_item_data in _boxes_type_0:
                    boxes_type_0_item = Box.from_dict(boxes_type_0_item_data)

                    boxes_type_0.append(boxes_type_0_item)

                return boxes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[list[Box], None, Unset], data)

        boxes = _parse_boxes(d.pop("boxes", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        current = d.pop("current", UNSET)

        def _parse_external_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        external_id = _parse_external_id(d.pop("external_id", UNSET))

        id = d.pop("id", UNSET)

        image_id = d.pop("image_id", UNSET)

        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        label = _parse_label(d.pop("label", UNSET))

        def _parse_project_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        _source = d.pop("source", UNSET)
        source: AnnotationSource | Unset
        if isinstance(_source, Unset):
            source = UNSET
        else:
            source = AnnotationSource(_source)

        annotation = cls(
            annotator_email=annotator_email,
            annotator_id=annotator_id,
            boxes=boxes,
            created_at=created_at,
            current=current,
            external_id=external_id,
            id=id,
            image_id=image_id,
            label=label,
            project_id=project_id,
            source=source,
        )

        return annotation
