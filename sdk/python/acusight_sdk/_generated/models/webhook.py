from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.id import Id
    from ..models.webhook_annotation import WebhookAnnotation


T = TypeVar("T", bound="Webhook")


@_attrs_define
class Webhook:
    """
    Attributes:
        action (str):
        project (Id):
        annotation (WebhookAnnotation | Unset):
        annotations (list[Id] | Unset):
    """

    action: str
    project: Id
    annotation: WebhookAnnotation | Unset = UNSET
    annotations: list[Id] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        project = self.project.to_dict()

        annotation: dict[str, Any] | Unset = UNSET
        if not isinstance(self.annotation, Unset):
            annotation = self.annotation.to_dict()

        annotations: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.annotations, Unset):
            annotations = []
            for annotations_item_data in self.annotations:
                annotations_item = annotations_item_data.to_dict()
                annotations.append(annotations_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "project": project,
            }
        )
        if annotation is not UNSET:
            field_dict["annotation"] = annotation
        if annotations is not UNSET:
            field_dict["annotations"] = annotations

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.id import Id
        from ..models.webhook_annotation import WebhookAnnotation

        d = dict(src_dict)
        action = d.pop("action")

        project = Id.from_dict(d.pop("project"))

        _annotation = d.pop("annotation", UNSET)
        annotation: WebhookAnnotation | Unset
        if isinstance(_annotation, Unset):
            annotation = UNSET
        else:
            annotation = WebhookAnnotation.from_dict(_annotation)

        _annotations = d.pop("annotations", UNSET)
        annotations: list[Id] | Unset = UNSET
        if _annotations is not UNSET:
            annotations = []
            for annotations_item_data in _annotations:
                annotations_item = Id.from_dict(annotations_item_data)

                annotations.append(annotations_item)

        webhook = cls(
            action=action,
            project=project,
            annotation=annotation,
            annotations=annotations,
        )

        webhook.additional_properties = d
        return webhook

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
