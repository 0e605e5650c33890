"""Schemas of the rollouts API."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import marshmallow as ma
from marshmallow import validate

from webapp.api.devices.schemas import MAX_DEVICE_TAGS, tag_field
from webapp.api.envelope import PageArgsSchema
from webapp.models import DECISION_ACTIONS, PROMOTION_MODES, ROLLOUT_STATUSES
from webapp.services.rollouts import DEFAULT_GUARDRAILS, FLOW_ACTIONS

MAX_STAGES = 10
MAX_STAGE_S = 30 * 86_400
MAX_FIGURES_KEYS = 100


class StageSchema(ma.Schema):
    percent = ma.fields.Float(
        required=True,
        validate=validate.Range(min=0, min_inclusive=False, max=100),
        metadata={"description": "Share of the target devices in this stage, above 0 and at most 100"},
    )
    min_duration_s = ma.fields.Integer(
        load_default=3600,
        validate=validate.Range(min=0, max=MAX_STAGE_S),
        metadata={"description": "The stage lasts at least this long before it may be promoted"},
    )
    min_devices = ma.fields.Integer(
        load_default=1,
        validate=validate.Range(min=0, max=1_000_000),
        metadata={
            "description": "Devices of the stage that must have reported predictions of the export before "
            "it is promoted, and before its figures can roll it back"
        },
    )


def _share(description: str) -> ma.fields.Float:
    return ma.fields.Float(
        allow_none=True, validate=validate.Range(min=0, max=1), metadata={"description": description}
    )


class GuardrailsSchema(ma.Schema):
    max_score_drop = _share(
        "Largest drop of the mean top score against the same devices' previous export "
        f"(default {DEFAULT_GUARDRAILS['max_score_drop']})"
    )
    max_low_confidence_share = _share(
        "Largest share of predictions under the project's low-confidence threshold (default: off)"
    )
    max_failure_rate = _share(
        "Largest share of devices that could not load the export, or of inference runs that failed "
        f"(default {DEFAULT_GUARDRAILS['max_failure_rate']})"
    )
    max_p95_latency_ms = ma.fields.Float(
        allow_none=True,
        validate=validate.Range(min=0, min_inclusive=False, max=600_000),
        metadata={"description": "Largest 95th-percentile inference latency on the devices (default: off)"},
    )
    max_class_psi = ma.fields.Float(
        allow_none=True,
        validate=validate.Range(min=0, max=10),
        metadata={
            "description": "Largest population stability index of the class mix against the same devices' "
            "previous export (default: off; 0.25 is read as a large shift)"
        },
    )


class RolloutCreateSchema(ma.Schema):
    export_id = ma.fields.Integer(required=True, metadata={"description": "A succeeded export"})
    project_id = ma.fields.Integer(
        metadata={"description": "The target project: the export's own (the default); another is refused"}
    )
    tags = ma.fields.List(
        tag_field(),
        load_default=list,
        validate=validate.Length(max=MAX_DEVICE_TAGS),
        metadata={"description": "Only the project's devices with every one of these tags"},
    )
    stages = ma.fields.List(
        ma.fields.Nested(StageSchema),
        validate=validate.Length(min=1, max=MAX_STAGES),
        metadata={"description": "Percents rising to 100 (default 10 → 50 → 100, an hour and a device each)"},
    )
    guardrails = ma.fields.Nested(GuardrailsSchema, load_default=dict)
    promotion = ma.fields.String(
        load_default="auto",
        validate=validate.OneOf(PROMOTION_MODES),
        metadata={"description": "auto: the evaluation flow promotes; manual: a person does"},
    )

    @ma.validates_schema
    def _rising(self, data: dict[str, Any], **_: Any) -> None:
        percents = [stage["percent"] for stage in data.get("stages") or ()]
        if percents and any(b <= a for a, b in pairwise(percents)):
            raise ma.ValidationError("stage percents must rise from one stage to the next", "stages")
        if percents and percents[-1] != 100:
            raise ma.ValidationError("the last stage must reach 100 percent", "stages")


class ReasonSchema(ma.Schema):
    reason = ma.fields.String(validate=validate.Length(min=1, max=1000))


class DecisionCreateSchema(ma.Schema):
    stage = ma.fields.Integer(required=True, validate=validate.Range(min=0, max=MAX_STAGES - 1))
    action = ma.fields.String(required=True, validate=validate.OneOf(FLOW_ACTIONS))
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=1000))
    figures = ma.fields.Dict(
        validate=validate.Length(max=MAX_FIGURES_KEYS), metadata={"description": "The figures compared"}
    )


class DecisionSchema(ma.Schema):
    id = ma.fields.Integer()
    stage = ma.fields.Integer(metadata={"description": "The stage it was made in (0-based)"})
    action = ma.fields.String(metadata={"enum": list(DECISION_ACTIONS)})
    reason = ma.fields.String()
    decided_by = ma.fields.String(metadata={"enum": ["flow", "user"]})
    user_id = ma.fields.Integer(allow_none=True)
    figures = ma.fields.Dict(allow_none=True)
    created_at = ma.fields.DateTime()


class RolloutSchema(ma.Schema):
    id = ma.fields.Integer()
    project_id = ma.fields.Integer()
    export_id = ma.fields.Integer()
    baseline_export_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "What the target devices ran when it started"}
    )
    tags = ma.fields.List(ma.fields.String())
    stages = ma.fields.List(ma.fields.Nested(StageSchema))
    guardrails = ma.fields.Nested(GuardrailsSchema)
    promotion = ma.fields.String(metadata={"enum": list(PROMOTION_MODES)})
    status = ma.fields.String(metadata={"enum": list(ROLLOUT_STATUSES)})
    stage = ma.fields.Integer(metadata={"description": "The current stage (0-based)"})
    stage_started_at = ma.fields.DateTime()
    last_evaluated_at = ma.fields.DateTime(allow_none=True)
    created_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    finished_at = ma.fields.DateTime(allow_none=True)


class RolloutDetailSchema(RolloutSchema):
    decisions = ma.fields.List(ma.fields.Nested(DecisionSchema), metadata={"description": "Oldest first"})
    figures = ma.fields.Dict(
        allow_none=True,
        attribute="current_figures",
        metadata={
            "description": "The current stage's figures (devices, candidate and baseline, failures, score "
            "drop, class PSI) while active or paused; null once over"
        },
    )


class RolloutQueryArgsSchema(PageArgsSchema):
    project_id = ma.fields.Integer()
    export_id = ma.fields.Integer()
    status = ma.fields.String(validate=validate.OneOf(ROLLOUT_STATUSES))


class RolloutTargetSchema(ma.Schema):
    organization_id = ma.fields.Integer()
    rollout_id = ma.fields.Integer()


class RolloutCheckCreateSchema(ma.Schema):
    rollout_id = ma.fields.Integer(required=True, metadata={"description": "An active rollout"})


class RolloutCheckSchema(ma.Schema):
    rollout_id = ma.fields.Integer()
    flow_run_id = ma.fields.String()
