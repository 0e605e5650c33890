from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="Connection")


@_attrs_define
class Connection:
    """
    Attributes:
        label_studio_project_id (int | Unset):
        project_id (int | Unset):
        token (str | Unset): The organization's token for it
        url (str | Unset): The Label Studio the project lives in
    """

    label_studio_project_id: int | Unset = UNSET
    project_id: int | Unset = UNSET
    token: str | Unset = UNSET
    url: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        label_studio_project_id = self.label_studio_project_id

        project_id = self.project_id

        token = self.token

        url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if label_studio_project_id is not UNSET:
            field_dict["label_studio_project_id"] = label_studio_project_id
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if token is not UNSET:
            field_dict["token"] = token
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        label_studio_project_id = d.pop("label_studio_project_id", UNSET)

        project_id = d.pop("project_id", UNSET)

        token = d.pop("token", UNSET)

        url = d.pop("url", UNSET)

        connection = cls(
            label_studio_project_id=label_studio_project_id,
            project_id=project_id,
            token=token,
            url=url,
        )

        return connection
