from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.decision_action import DecisionAction
from ..models.decision_decided_by import DecisionDecidedBy
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.decision_figures_type_0 import DecisionFiguresType0


T = TypeVar("T", bound="Decision")


@_attrs_define
class Decision:
    """
    Attributes:
        action (DecisionAction | Unset):
        created_at (datetime.datetime | Unset):
        decided_by (DecisionDecidedBy | Unset):
        figures (DecisionFiguresType0 | None | Unset):
        id (int | Unset):
        reason (str | Unset):
        stage (int | Unset): The stage it was made in (0-based)
        user_id (int | None | Unset):
    """

    action: DecisionAction | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    decided_by: DecisionDecidedBy | Unset = UNSET
    figures: DecisionFiguresType0 | None | Unset = UNSET
    id: int | Unset = UNSET
    reason: str | Unset = UNSET
    stage: int | Unset = UNSET
    user_id: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.decision_figures_type_0 import DecisionFiguresType0

        action: str | Unset = UNSET
        if not isinstance(self.action, Unset):
            action = self.action.value

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        decided_by: str | Unset = UNSET
        if not isinstance(self.decided_by, Unset):
            decided_by = self.decided_by.value

        figures: dict[str, Any] | None | Unset
        if isinstance(self.figures, Unset):
            figures = UNSET
        elif isinstance(self.figures, DecisionFiguresType0):
            figures = self.figures.to_dict()
        else:
            figures = self.figures

        id = self.id

        reason = self.reason

        stage = self.stage

        user_id: int | None | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if action is not UNSET:
            field_dict["action"] = action
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if decided_by is not UNSET:
            field_dict["decided_by"] = decided_by
        if figures is not UNSET:
            field_dict["figures"] = figures
        if id is not UNSET:
            field_dict["id"] = id
        if reason is not UNSET:
            field_dict["reason"] = reason
        if stage is not UNSET:
            field_dict["stage"] = stage
        if user_id is not UNSET:
            field_dict["user_id"] = user_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.decision_figures_type_0 import DecisionFiguresType0

        d = dict(src_dict)
        _action = d.pop("action", UNSET)
        action: DecisionAction | Unset
        if isinstance(_action, Unset):
            action = UNSET
        else:
            action = DecisionAction(_action)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        _decided_by = d.pop("decided_by", UNSET)
        decided_by: DecisionDecidedBy | Unset
        if isinstance(_decided_by, Unset):
            decided_by = UNSET
        else:
            decided_by = DecisionDecidedBy(_decided_by)

        def _parse_figures(data: object) -> DecisionFiguresType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                figures_type_0 = DecisionFiguresType0.from_dict(data)

                return figures_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Union[DecisionFiguresType0, None, Unset], data)

        figures = _parse_figures(d.pop("figures", UNSET))

        id = d.pop("id", UNSET)

        reason = d.pop("reason", UNSET)

        stage = d.pop("stage", UNSET)

        def _parse_user_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Union[int, None, Unset], data)

        user_id = _parse_user_id(d.pop("user_id", UNSET))

        decision = cls(
            action=action,
            created_at=created_at,
            decided_by=decided_by,
            figures=figures,
            id=id,
            reason=reason,
            stage=stage,
            user_id=user_id,
        )

        return decision
