from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.rollout_promotion import RolloutPromotion
from ..models.rollout_status import RolloutStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.guardrails import Guardrails
    from ..models.stage import Stage


T = TypeVar("T", bound="Rollout")


@_attrs_define
class Rollout:
    """
    Attributes:
        baseline_export_id (int | None | Unset): What the target devices ran when it started
        created_at (datetime.datetime | Unset):
        created_by_id (int | None | Unset):
        export_id (int | Unset):
        finished_at (datetime.datetime | None | Unset):
        guardrails (Guardrails | Unset):
        id (int | Unset):
        last_evaluated_at (datetime.datetime | None | Unset):
        project_id (int | Unset):
        promotion (RolloutPromotion | Unset):
        stage (int | Unset): The current stage (0-based)
        stage_started_at (datetime.datetime | Unset):
        stages (list[Stage] | Unset):
        status (RolloutStatus | Unset):
        tags (list[str] | Unset):
        updated_at (datetime.datetime | Unset):
    """

    baseline_export_id: int | None | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    created_by_id: int | None | Unset = UNSET
    export_id: int | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    guardrails: Guardrails | Unset = UNSET
    id: int | Unset = UNSET
    last_evaluated_at: datetime.datetime | None | Unset = UNSET
    project_id: int | Unset = UNSET
    promotion: RolloutPromotion | Unset = UNSET
    stage: int | Unset = UNSET
    stage_started_at: datetime.datetime | Unset = UNSET
    stages: list[Stage] | Unset = UNSET
    status: RolloutStatus | Unset = UNSET
    tags: list[str] | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        baseline_export_id: int | None | Unset
        if isinstance(self.baseline_export_id, Unset):
            baseline_export_id = UNSET
        else:
            baseline_export_id = self.baseline_export_id

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        created_by_id: int | None | Unset
        if isinstance(self.created_by_id, Unset):
            created_by_id = UNSET
        else:
            created_by_id = self.created_by_id

        export_id = self.export_id

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        elif isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        guardrails: dict[str, Any] | Unset = UNSET
        if not isinstance(self.guardrails, Unset):
            guardrails = self.guardrails.to_dict()

        id = self.id

        last_evaluated_at: None | str | Unset
        if isinstance(self.last_evaluated_at, Unset):
            last_evaluated_at = UNSET
        elif isinstance(self.last_evaluated_at, datetime.datetime):
            last_evaluated_at = self.last_evaluated_at.isoformat()
        else:
            last_evaluated_at = self.last_evaluated_at

        project_id = self.project_id

        promotion: str | Unset = UNSET
        if not isinstance(self.promotion, Unset):
            promotion = self.promotion.value

        stage = self.stage

        stage_started_at: str | Unset = UNSET
        if not isinstance(self.stage_started_at, Unset):
            stage_started_at = self.stage_started_at.isoformat()

        stages: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.stages, Unset):
            stages = []
            for stages_item_data in self.stages:
                stages_item = stages_item_data.to_dict()
                stages.append(stages_item)

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
        if baseline_export_id is not UNSET:
            field_dict["baseline_export_id"] = baseline_export_id
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if created_by_id is not UNSET:
            field_dict["created_by_id"] = created_by_id
        if export_id is not UNSET:
            field_dict["export_id"] = export_id
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if guardrails is not UNSET:
            field_dict["guardrails"] = guardrails
        if id is not UNSET:
            field_dict["id"] = id
        if last_evaluated_at is not UNSET:
            field_dict["last_evaluated_at"] = last_evaluated_at
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if promotion is not UNSET:
            field_dict["promotion"] = promotion
        if stage is not UNSET:
            field_dict["stage"] = stage
        if stage_started_at is not UNSET:
            field_dict["stage_started_at"] = stage_started_at
        if stages is not UNSET:
            field_dict["stages"] = stages
        if status is not UNSET:
            field_dict["status"] = status
        if tags is not UNSET:
            field_dict["tags"] = tags
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.guardrails import Guardrails
        from ..models.stage import Stage

        d = dict(src_dict)

        def _parse_baseline_export_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        baseline_export_id = _parse_baseline_export_id(
            d.pop("baseline_export_id", UNSET)
        )

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        def _parse_created_by_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        created_by_id = _parse_created_by_id(d.pop("created_by_id", UNSET))

        export_id = d.pop("export_id", UNSET)

        def _parse_finished_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        finished_at = _parse_finished_at(d.pop("finished_at", UNSET))

        _guardrails = d.pop("guardrails", UNSET)
        guardrails: Guardrails | Unset
        if isinstance(_guardrails, Unset):
            guardrails = UNSET
        else:
            guardrails = Guardrails.from_dict(_guardrails)

        id = d.pop("id", UNSET)

        def _parse_last_evaluated_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_evaluated_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_evaluated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[datetime.datetime, None, Unset], data)

        last_evaluated_at = _parse_last_evaluated_at(d.pop("last_evaluated_at", UNSET))

        project_id = d.pop("project_id", UNSET)

        _promotion = d.pop("promotion", UNSET)
        promotion: RolloutPromotion | Unset
        if isinstance(_promotion, Unset):
            promotion = UNSET
        else:
            promotion = RolloutPromotion(_promotion)

        stage = d.pop("stage", UNSET)

        _stage_started_at = d.pop("stage_started_at", UNSET)
        stage_started_at: datetime.datetime | Unset
        if isinstance(_stage_started_at, Unset):
            stage_started_at = UNSET
        else:
            stage_started_at = datetime.datetime.fromisoformat(_stage_started_at)

        _stages = d.pop("stages", UNSET)
        stages: list[Stage] | Unset = UNSET
        if _stages is not UNSET:
            stages = []
            for stages_item_data in _stages:
                stages_item = Stage.from_dict(stages_item_data)

                stages.append(stages_item)

        _status = d.pop("status", UNSET)
        status: RolloutStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = RolloutStatus(_status)

        tags = cast(list[str], d.pop("tags", UNSET))

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(_updated_at)

        rollout = cls(
            baseline_export_id=baseline_export_id,
            created_at=created_at,
            created_by_id=created_by_id,
            export_id=export_id,
            finished_at=finished_at,
            guardrails=guardrails,
            id=id,
            last_evaluated_at=last_evaluated_at,
            project_id=project_id,
            promotion=promotion,
            stage=stage,
            stage_started_at=stage_started_at,
            stages=stages,
            status=status,
            tags=tags,
            updated_at=updated_at,
        )

        return rollout
