from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.pending_image import PendingImage


T = TypeVar("T", bound="Pending")


@_attrs_define
class Pending:
    """
    Attributes:
        images (list[PendingImage] | Unset):
        label_studio_project_id (int | Unset):
        labels (list[str] | Unset): The project's labels
        project_id (int | Unset):
    """

    images: list[PendingImage] | Unset = UNSET
    label_studio_project_id: int | Unset = UNSET
    labels: list[str] | Unset = UNSET
    project_id: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        images: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.images, Unset):
            images = []
            for images_item_data in self.images:
                images_item = images_item_data.to_dict()
                images.append(images_item)

        label_studio_project_id = self.label_studio_project_id

        labels: list[str] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels

        project_id = self.project_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if images is not UNSET:
            field_dict["images"] = images
        if label_studio_project_id is not UNSET:
            field_dict["label_studio_project_id"] = label_studio_project_id
        if labels is not UNSET:
            field_dict["labels"] = labels
        if project_id is not UNSET:
            field_dict["project_id"] = project_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.pending_image import PendingImage

        d = dict(src_dict)
        _images = d.pop("images", UNSET)
        images: list[PendingImage] | Unset = UNSET
        if _images is not UNSET:
            images = []
            for images_item_data in _images:
                images_item = PendingImage.from_dict(images_item_data)

                images.append(images_item)

        label_studio_project_id = d.pop("label_studio_project_id", UNSET)

        labels = cast(list[str], d.pop("labels", UNSET))

        project_id = d.pop("project_id", UNSET)

        pending = cls(
            images=images,
            label_studio_project_id=label_studio_project_id,
            labels=labels,
            project_id=project_id,
        )

        return pending
