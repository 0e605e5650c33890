from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.device_status import DeviceStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="Device")


@_attrs_define
class Device:
    """
    Attributes:
        created_at (datetime.datetime | Unset):
        deployed_export_id (int | None | Unset): The device's own model export; it wins over its project's (null: none)
        disabled (bool | Unset):
        firmware_version (None | str | Unset):
        id (int | Unset):
        last_seen_at (datetime.datetime | None | Unset):
        model (None | str | Unset):
        model_error (None | str | Unset): Why its last model load failed, as it said (null: fine)
        name (str | Unset):
        project_id (int | None | Unset):
        running_export_id (int | None | Unset): The export the device said it runs at its last check-in
        serial_number (str | Unset):
        status (DeviceStatus | Unset):
        tags (list[str] | Unset): In alphabetical order
        updated_at (datetime.datetime | Unset):
    """

    created_at: datetime.datetime | Unset = UNSET
    deployed_export_id: int | None | Unset = UNSET
    disabled: bool | Unset = UNSET
    firmware_version: None | str | Unset = UNSET
    id: int | Unset = UNSET
    last_seen_at: datetime.datetime | None | Unset = UNSET
    model: None | str | Unset = UNSET
    model_error: None | str | Unset = UNSET
    name: str | Unset = UNSET
    project_id: int | None | Unset = UNSET
    running_export_id: int | None | Unset = UNSET
    serial_number: str | Unset = UNSET
    status: DeviceStatus | Unset = UNSET
    tags: list[str] | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        deployed_export_id: int | None | Unset
        if isinstance(self.deployed_export_id, Unset):
            deployed_export_id = UNSET
        else:
            deployed_export_id = self.deployed_export_id

        disabled = self.disabled

        firmware_version: None | str | Unset
        if isinstance(self.firmware_version, Unset):
            firmware_version = UNSET
        else:
            firmware_version = self.firmware_version

        id = self.id

        last_seen_at: None | str | Unset
        if isinstance(self.last_seen_at, Unset):
            last_seen_at = UNSET
        elif isinstance(self.last_seen_at, datetime.datetime):
            last_seen_at = self.last_seen_at.isoformat()
        else:
            last_seen_at = self.last_seen_at

        model: None | str | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        else:
            model = self.model

        model_error: None | str | Unset
        if isinstance(self.model_error, Unset):
            model_error = UNSET
        else:
            model_error = self.model_error

        name = self.name

        project_id: int | None | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        running_export_id: int | None | Unset
        if isinstance(self.running_export_id, Unset):
            running_export_id = UNSET
        else:
            running_export_id = self.running_export_id

        serial_number = self.serial_number

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if deployed_export_id is not UNSET:
            field_dict["deployed_export_id"] = deployed_export_id
        if disabled is not UNSET:
            field_dict["disabled"] = disabled
        if firmware_version is not UNSET:
            field_dict["firmware_version"] = firmware_version
        if id is not UNSET:
            field_dict["id"] = id
        if last_seen_at is not UNSET:
            field_dict["last_seen_at"] = last_seen_at
        if model is not UNSET:
            field_dict["model"] = model
        if model_error is not UNSET:
            field_dict["model_error"] = model_error
        if name is not UNSET:
            field_dict["name"] = name
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if running_export_id is not UNSET:
            field_dict["running_export_id"] = running_export_id
        if serial_number is not UNSET:
            field_dict["serial_number"] = serial_number
        if status is not UNSET:
            field_dict["status"] = status
        if tags is not UNSET:
            field_dict["tags"] = tags
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        def _parse_deployed_export_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        deployed_export_id = _parse_deployed_export_id(
            d.pop("deployed_export_id", UNSET)
        )

        disabled = d.pop("disabled", UNSET)

        def _parse_firmware_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        firmware_version = _parse_firmware_version(d.pop("firmware_version", UNSET))

        id = d.pop("id", UNSET)

        def _parse_last_seen_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_seen_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_seen_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        last_seen_at = _parse_last_seen_at(d.pop("last_seen_at", UNSET))

        def _parse_model(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        model = _parse_model(d.pop("model", UNSET))

        def _parse_model_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        model_error = _parse_model_error(d.pop("model_error", UNSET))

        name = d.pop("name", UNSET)

        def _parse_project_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        def _parse_running_export_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        running_export_id = _parse_running_export_id(d.pop("running_export_id", UNSET))

        serial_number = d.pop("serial_number", UNSET)

        _status = d.pop("status", UNSET)
        status: DeviceStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = DeviceStatus(_status)

        tags = cast(list[str], d.pop("tags", UNSET))

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(_updated_at)

        device = cls(
            created_at=created_at,
            deployed_export_id=deployed_export_id,
            disabled=disabled,
            firmware_version=firmware_version,
            id=id,
            last_seen_at=last_seen_at,
            model=model,
            model_error=model_error,
            name=name,
            project_id=project_id,
            running_export_id=running_export_id,
            serial_number=serial_number,
            status=status,
            tags=tags,
            updated_at=updated_at,
        )

        return device
