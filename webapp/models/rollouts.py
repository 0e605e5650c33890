"""Model rollouts: an export going out to a project's devices stage by stage, and what was decided.

A rollout's devices are those of its project that carry every one of its tags and have no export of
their own; a stage holds the share of them whose hash of (rollout, device) falls under its percent
(webapp/services/cohorts.py), so a device once in stays in as the share rises.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, UTCDateTime, utcnow

# active and paused rollouts hold their project (one at a time); the others are over. A completed
# rollout narrowed by tags keeps its export on the tagged devices until a later one covering them
# completes (it is then superseded) or it is rolled back.
ROLLOUT_STATUSES = ("active", "paused", "completed", "superseded", "rolled_back")
HOLDING_STATUSES = ("active", "paused")
PROMOTION_MODES = ("auto", "manual")
# What a decision did: the evaluation flow promotes, holds or rolls back; a person also pauses and
# resumes. ``complete`` is the promotion past the last stage.
DECISION_ACTIONS = ("promote", "complete", "hold", "rollback", "pause", "resume")


class Rollout(Base):
    __tablename__ = "rollouts"
    __table_args__ = (
        Index("ix_rollouts_org_id", "organization_id", "id"),
        Index("ix_rollouts_project_status", "project_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    export_id: Mapped[int] = mapped_column(ForeignKey("export_jobs.id", ondelete="CASCADE"))
    # What the target devices ran when it started (the project's export): what the guardrails compare
    # with, and what a rollback leaves them on.
    baseline_export_id: Mapped[int | None] = mapped_column(ForeignKey("export_jobs.id", ondelete="SET NULL"))
    # The project's id while the rollout holds it (active or paused), else null: the unique index makes
    # "one rollout per project at a time" hold under concurrent requests too.
    holding_project_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    # Only devices with every one of these tags take part (empty: all the project's devices).
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{"percent", "min_duration_s", "min_devices"}], percents rising to 100.
    stages: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # {"max_score_drop", "max_low_confidence_share", "max_failure_rate", "max_p95_latency_ms",
    # "max_class_psi"}: null turns one off.
    guardrails: Mapped[dict[str, Any]] = mapped_column(JSON)
    promotion: Mapped[str] = mapped_column(String(10), default="auto")
    status: Mapped[str] = mapped_column(String(20), default="active")
    stage: Mapped[int] = mapped_column(Integer, default=0)
    stage_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last evaluation's figures and when it ran (holds are kept here, not each as a decision).
    last_evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    decisions: Mapped[list[RolloutDecision]] = relationship(
        order_by="RolloutDecision.id", cascade="all, delete-orphan", passive_deletes=True
    )


class RolloutDecision(Base):
    """One decision on a rollout, with the figures it compared and who made it."""

    __tablename__ = "rollout_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    rollout_id: Mapped[int] = mapped_column(ForeignKey("rollouts.id", ondelete="CASCADE"), index=True)
    # The stage it was made in (0-based).
    stage: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    # "flow" (the evaluation) or "user".
    decided_by: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    figures: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
