from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from typing_extensions import Self

from ..models.rollout_create_promotion import RolloutCreatePromotion
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.guardrails import Guardrails
    from ..models.stage import Stage


T = TypeVar("T", bound="RolloutCreate")


@_attrs_define
class RolloutCreate:
    """
    Attributes:
        export_id (int): A succeeded export
        guardrails (Guardrails | Unset):
        project_id (int | Unset): The target project: the export's own (the default); another is refused
        promotion (RolloutCreatePromotion | Unset): auto: the evaluation flow promotes; manual: a person does Default:
            RolloutCreatePromotion.AUTO.
        stages (list[Stage] | Unset): Percents rising to 100 (default 10 → 50 → 100, an hour and a device each)
        tags (list[str] | Unset): Only the project's devices with every one of these tags
    """

    export_id: int
    guardrails: Guardrails | Unset = UNSET
    project_id: int | Unset = UNSET
    promotion: RolloutCreatePromotion | Unset = RolloutCreatePromotion.AUTO
    stages: list[Stage] | Unset = UNSET
    tags: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        export_id = self.export_id

        guardrails: dict[str, Any] | Unset = UNSET
        if not isinstance(self.guardrails, Unset):
            guardrails = self.guardrails.to_dict()

        project_id = self.project_id

        promotion: str | Unset = UNSET
        if not isinstance(self.promotion, Unset):
            promotion = self.promotion.value

        stages: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.stages, Unset):
            stages = []
            for stages_item_data in self.stages:
                stages_item = stages_item_data.to_dict()
                stages.append(stages_item)

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "export_id": export_id,
            }
        )
        if guardrails is not UNSET:
            field_dict["guardrails"] = guardrails
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if promotion is not UNSET:
            field_dict["promotion"] = promotion
        if stages is not UNSET:
            field_dict["stages"] = stages
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.guardrails import Guardrails
        from ..models.stage import Stage

        d = dict(src_dict)
        export_id = d.pop("export_id")

        _guardrails = d.pop("guardrails", UNSET)
        guardrails: Guardrails | Unset
        if isinstance(_guardrails, Unset):
            guardrails = UNSET
        else:
            guardrails = Guardrails.from_dict(_guardrails)

        project_id = d.pop("project_id", UNSET)

        _promotion = d.pop("promotion", UNSET)
        promotion: RolloutCreatePromotion | Unset
        if isinstance(_promotion, Unset):
            promotion = UNSET
        else:
            promotion = RolloutCreatePromotion(_promotion)

        _stages = d.pop("stages", UNSET)
        stages: list[Stage] | Unset = UNSET
        if _stages is not UNSET:
            stages = []
            for stages_item_data in _stages:
                stages_item = Stage.from_dict(stages_item_data)

                stages.append(stages_item)

        tags = cast(list[str], d.pop("tags", UNSET))

        rollout_create = cls(
            export_id=export_id,
            guardrails=guardrails,
            project_id=project_id,
            promotion=promotion,
            stages=stages,
            tags=tags,
        )

        return rollout_create
