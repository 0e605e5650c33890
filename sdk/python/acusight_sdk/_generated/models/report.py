from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.report_stage import ReportStage
from ..models.report_state import ReportState
from ..types import UNSET, Unset

T = TypeVar("T", bound="Report")


@_attrs_define
class Report:
    """
    Attributes:
        stage (ReportStage):
        state (ReportState):
        claim (None | str | Unset): A failed webhook pull's claim, let go so the next webhook starts a pull
        error (None | str | Unset):
        label_config_hash (None | str | Unset):
        pull_cursor (datetime.datetime | None | Unset):
    """

    stage: ReportStage
    state: ReportState
    claim: None | str | Unset = UNSET
    error: None | str | Unset = UNSET
    label_config_hash: None | str | Unset = UNSET
    pull_cursor: datetime.datetime | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        stage = self.stage.value

        state = self.state.value

        claim: None | str | Unset
        if isinstance(self.claim, Unset):
            claim = UNSET
        else:
            claim = self.claim

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        label_config_hash: None | str | Unset
        if isinstance(self.label_config_hash, Unset):
            label_config_hash = UNSET
        else:
            label_config_hash = self.label_config_hash

        pull_cursor: None | str | Unset
        if isinstance(self.pull_cursor, Unset):
            pull_cursor = UNSET
        elif isinstance(self.pull_cursor, datetime.datetime):
            pull_cursor = self.pull_cursor.isoformat()
        else:
            pull_cursor = self.pull_cursor

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "stage": stage,
                "state": state,
            }
        )
        if claim is not UNSET:
            field_dict["claim"] = claim
        if error is not UNSET:
            field_dict["error"] = error
        if label_config_hash is not UNSET:
            field_dict["label_config_hash"] = label_config_hash
        if pull_cursor is not UNSET:
            field_dict["pull_cursor"] = pull_cursor

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        stage = ReportStage(d.pop("stage"))

        state = ReportState(d.pop("state"))

        def _parse_claim(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        claim = _parse_claim(d.pop("claim", UNSET))

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_label_config_hash(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[None, str, Unset], data)

        label_config_hash = _parse_label_config_hash(d.pop("label_config_hash", UNSET))

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

        report = cls(
            stage=stage,
            state=state,
            claim=claim,
            error=error,
            label_config_hash=label_config_hash,
            pull_cursor=pull_cursor,
        )

        return report
