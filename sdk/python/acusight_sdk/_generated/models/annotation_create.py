from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.annotation_create_source import AnnotationCreateSource
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.box import Box


T = TypeVar("T", bound="AnnotationCreate")


@_attrs_define
class AnnotationCreate:
    """
    Attributes:
        image_id (int):
        annotator_email (str | Unset): Who annotated, for label_studio or model sources (default: the caller); services
            only
        boxes (list[Box] | Unset):
        external_id (str | Unset): The annotation's id in the tool it came from (e.g. Label Studio); services only
        label (str | Unset):
        source (AnnotationCreateSource | Unset): Where it was made; people may give only manual (else 403) Default:
            AnnotationCreateSource.MANUAL.
    """

    image_id: int
    annotator_email: str | Unset = UNSET
    boxes: list[Box] | Unset = UNSET
    external_id: str | Unset = UNSET
    label: str | Unset = UNSET
    source: AnnotationCreateSource | Unset = AnnotationCreateSource.MANUAL

    def to_dict(self) -> dict[str, Any]:
        image_id = self.image_id

        annotator_email = self.annotator_email

        boxes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.boxes, Unset):
            boxes = []
            for boxes_item_data in self.boxes:
                boxes_item = boxes_item_data.to_dict()
                boxes.append(boxes_item)

        external_id = self.external_id

        label = self.label

        source: str | Unset = UNSET
        if not isinstance(self.source, Unset):
            source = self.source.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "image_id": image_id,
            }
        )
        if annotator_email is not UNSET:
            field_dict["annotator_email"] = annotator_email
        if boxes is not UNSET:
            field_dict["boxes"] = boxes
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if label is not UNSET:
            field_dict["label"] = label
        if source is not UNSET:
            field_dict["source"] = source

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.box import Box

        d = dict(src_dict)
        image_id = d.pop("image_id")

        annotator_email = d.pop("annotator_email", UNSET)

        _boxes = d.pop("boxes", UNSET)
        boxes: list[Box] | Unset = UNSET
        if _boxes is not UNSET:
            boxes = []
            for boxes_item_data in _boxes:
                boxes_item = Box.from_dict(boxes_item_data)

                boxes.append(boxes_item)

        external_id = d.pop("external_id", UNSET)

        label = d.pop("label", UNSET)

        _source = d.pop("source", UNSET)
        source: AnnotationCreateSource | Unset
        if isinstance(_source, Unset):
            source = UNSET
        else:
            source = AnnotationCreateSource(_source)

        annotation_create = cls(
            image_id=image_id,
            annotator_email=annotator_email,
            boxes=boxes,
            external_id=external_id,
            label=label,
            source=source,
        )

        return annotation_create
