from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookResult")


@_attrs_define
class WebhookResult:
    """
    Attributes:
        action (str | Unset):
        flow_run_id (None | str | Unset): The pull that takes these tasks; null: nothing to pull (or not known yet)
        started (bool | Unset): Whether this event started that pull; false: it joined the one queued or running
        task_ids (list[int] | Unset):
    """

    action: str | Unset = UNSET
    flow_run_id: None | str | Unset = UNSET
    started: bool | Unset = UNSET
    task_ids: list[int] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        flow_run_id: None | str | Unset
        if isinstance(self.flow_run_id, Unset):
            flow_run_id = UNSET
        else:
            flow_run_id = self.flow_run_id

        started = self.started

        task_ids: list[int] | Unset = UNSET
        if not isinstance(self.task_ids, Unset):
            task_ids = self.task_ids

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if action is not UNSET:
            field_dict["action"] = action
        if flow_run_id is not UNSET:
            field_dict["flow_run_id"] = flow_run_id
        if started is not UNSET:
            field_dict["started"] = started
        if task_ids is not UNSET:
            field_dict["task_ids"] = task_ids

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        action = d.pop("action", UNSET)

        def _parse_flow_run_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        flow_run_id = _parse_flow_run_id(d.pop("flow_run_id", UNSET))

        started = d.pop("started", UNSET)

        task_ids = cast(list[int], d.pop("task_ids", UNSET))

        webhook_result = cls(
            action=action,
            flow_run_id=flow_run_id,
            started=started,
            task_ids=task_ids,
        )

        return webhook_result
