from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.link_sync_status import LinkSyncStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="Link")


@_attrs_define
class Link:
    """
    Attributes:
        created_at (datetime.datetime | Unset):
        label_config (None | str | Unset): The labeling config the project's labels call for
        label_config_hash (str | Unset): SHA-256 of the config Label Studio has
        label_config_in_sync (bool | Unset):
        label_studio_project_id (int | Unset):
        label_studio_project_url (str | Unset): Where annotators work
        label_studio_webhook_id (int | None | Unset):
        last_error (None | str | Unset): The most recent failure
        last_error_at (datetime.datetime | None | Unset):
        last_pull_at (datetime.datetime | None | Unset):
        last_push_at (datetime.datetime | None | Unset):
        project_id (int | Unset):
        pull_cursor (datetime.datetime | None | Unset): Newest Label Studio task update seen by a pull
        pull_flow_run_id (None | str | Unset): The webhook-started pull queued or running (one at a time)
        pull_queued (int | Unset): Task changes webhooks announced that a pull has yet to take
        sync_status (LinkSyncStatus | Unset):
        tasks_annotated (int | Unset):
        tasks_pushed (int | Unset):
        updated_at (datetime.datetime | Unset):
    """

    created_at: datetime.datetime | Unset = UNSET
    label_config: None | str | Unset = UNSET
    label_config_hash: str | Unset = UNSET
    label_config_in_sync: bool | Unset = UNSET
    label_studio_project_id: int | Unset = UNSET
    label_studio_project_url: str | Unset = UNSET
    label_studio_webhook_id: int | None | Unset = UNSET
    last_error: None | str | Unset = UNSET
    last_error_at: datetime.datetime | None | Unset = UNSET
    last_pull_at: datetime.datetime | None | Unset = UNSET
    last_push_at: datetime.datetime | None | Unset = UNSET
    project_id: int | Unset = UNSET
    pull_cursor: datetime.datetime | None | Unset = UNSET
    pull_flow_run_id: None | str | Unset = UNSET
    pull_queued: int | Unset = UNSET
    sync_status: LinkSyncStatus | Unset = UNSET
    tasks_annotated: int | Unset = UNSET
    tasks_pushed: int | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        label_config: None | str | Unset
        if isinstance(self.label_config, Unset):
            label_config = UNSET
        else:
            label_config = self.label_config

        label_config_hash = self.label_config_hash

        label_config_in_sync = self.label_config_in_sync

        label_studio_project_id = self.label_studio_project_id

        label_studio_project_url = self.label_studio_project_url

        label_studio_webhook_id: int | None | Unset
        if isinstance(self.label_studio_webhook_id, Unset):
            label_studio_webhook_id = UNSET
        else:
            label_studio_webhook_id = self.label_studio_webhook_id

        last_error: None | str | Unset
        if isinstance(self.last_error, Unset):
            last_error = UNSET
        else:
            last_error = self.last_error

        last_error_at: None | str | Unset
        if isinstance(self.last_error_at, Unset):
            last_error_at = UNSET
        elif isinstance(self.last_error_at, datetime.datetime):
            last_error_at = self.last_error_at.isoformat()
        else:
            last_error_at = self.last_error_at

        last_pull_at: None | str | Unset
        if isinstance(self.last_pull_at, Unset):
            last_pull_at = UNSET
        elif isinstance(self.last_pull_at, datetime.datetime):
            last_pull_at = self.last_pull_at.isoformat()
        else:
            last_pull_at = self.last_pull_at

        last_push_at: None | str | Unset
        if isinstance(self.last_push_at, Unset):
            last_push_at = UNSET
        elif isinstance(self.last_push_at, datetime.datetime):
            last_push_at = self.last_push_at.isoformat()
        else:
            last_push_at = self.last_push_at

        project_id = self.project_id

        pull_cursor: None | str | Unset
        if isinstance(self.pull_cursor, Unset):
            pull_cursor = UNSET
        elif isinstance(self.pull_cursor, datetime.datetime):
            pull_cursor = self.pull_cursor.isoformat()
        else:
            pull_cursor = self.pull_cursor

        pull_flow_run_id: None | str | Unset
        if isinstance(self.pull_flow_run_id, Unset):
            pull_flow_run_id = UNSET
        else:
            pull_flow_run_id = self.pull_flow_run_id

        pull_queued = self.pull_queued

        sync_status: str | Unset = UNSET
        if not isinstance(self.sync_status, Unset):
            sync_status = self.sync_status.value

        tasks_annotated = self.tasks_annotated

        tasks_pushed = self.tasks_pushed

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if label_config is not UNSET:
            field_dict["label_config"] = label_config
        if label_config_hash is not UNSET:
            field_dict["label_config_hash"] = label_config_hash
        if label_config_in_sync is not UNSET:
            field_dict["label_config_in_sync"] = label_config_in_sync
        if label_studio_project_id is not UNSET:
            field_dict["label_studio_project_id"] = label_studio_project_id
        if label_studio_project_url is not UNSET:
            field_dict["label_studio_project_url"] = label_studio_project_url
        if label_studio_webhook_id is not UNSET:
            field_dict["label_studio_webhook_id"] = label_studio_webhook_id
        if last_error is not UNSET:
            field_dict["last_error"] = last_error
        if last_error_at is not UNSET:
            field_dict["last_error_at"] = last_error_at
        if last_pull_at is not UNSET:
            field_dict["last_pull_at"] = last_pull_at
        if last_push_at is not UNSET:
            field_dict["last_push_at"] = last_push_at
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if pull_cursor is not UNSET:
            field_dict["pull_cursor"] = pull_cursor
        if pull_flow_run_id is not UNSET:
            field_dict["pull_flow_run_id"] = pull_flow_run_id
        if pull_queued is not UNSET:
            field_dict["pull_queued"] = pull_queued
        if sync_status is not UNSET:
            field_dict["sync_status"] = sync_status
        if tasks_annotated is not UNSET:
            field_dict["tasks_annotated"] = tasks_annotated
        if tasks_pushed is not UNSET:
            field_dict["tasks_pushed"] = tasks_pushed
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

        def _parse_label_config(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        label_config = _parse_label_config(d.pop("label_config", UNSET))

        label_config_hash = d.pop("label_config_hash", UNSET)

        label_config_in_sync = d.pop("label_config_in_sync", UNSET)

        label_studio_project_id = d.pop("label_studio_project_id", UNSET)

        label_studio_project_url = d.pop("label_studio_project_url", UNSET)

        def _parse_label_studio_webhook_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        label_studio_webhook_id = _parse_label_studio_webhook_id(
            d.pop("label_studio_webhook_id", UNSET)
        )

        def _parse_last_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        last_error = _parse_last_error(d.pop("last_error", UNSET))

        def _parse_last_error_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_error_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_error_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        last_error_at = _parse_last_error_at(d.pop("last_error_at", UNSET))

        def _parse_last_pull_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_pull_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_pull_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        last_pull_at = _parse_last_pull_at(d.pop("last_pull_at", UNSET))

        def _parse_last_push_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_push_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_push_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        last_push_at = _parse_last_push_at(d.pop("last_push_at", UNSET))

        project_id = d.pop("project_id", UNSET)

        def _parse_pull_cursor(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                pull_cursor_type_0 = datetime.datetime.fromisoformat(data)

                return pull_cursor_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        pull_cursor = _parse_pull_cursor(d.pop("pull_cursor", UNSET))

        def _parse_pull_flow_run_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        pull_flow_run_id = _parse_pull_flow_run_id(d.pop("pull_flow_run_id", UNSET))

        pull_queued = d.pop("pull_queued", UNSET)

        _sync_status = d.pop("sync_status", UNSET)
        sync_status: LinkSyncStatus | Unset
        if isinstance(_sync_status, Unset):
            sync_status = UNSET
        else:
            sync_status = LinkSyncStatus(_sync_status)

        tasks_annotated = d.pop("tasks_annotated", UNSET)

        tasks_pushed = d.pop("tasks_pushed", UNSET)

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(_updated_at)

        link = cls(
            created_at=created_at,
            label_config=label_config,
            label_config_hash=label_config_hash,
            label_config_in_sync=label_config_in_sync,
            label_studio_project_id=label_studio_project_id,
            label_studio_project_url=label_studio_project_url,
            label_studio_webhook_id=label_studio_webhook_id,
            last_error=last_error,
            last_error_at=last_error_at,
            last_pull_at=last_pull_at,
            last_push_at=last_push_at,
            project_id=project_id,
            pull_cursor=pull_cursor,
            pull_flow_run_id=pull_flow_run_id,
            pull_queued=pull_queued,
            sync_status=sync_status,
            tasks_annotated=tasks_annotated,
            tasks_pushed=tasks_pushed,
            updated_at=updated_at,
        )

        return link
