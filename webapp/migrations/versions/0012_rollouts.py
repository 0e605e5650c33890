"""Model rollouts: staged exports, their decisions, and what devices say of the models they could not run.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 13:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from webapp.models.base import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rollouts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "organization_id",
            sa.Integer(),
            sa.ForeignKey("organizations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "project_id", sa.Integer(), sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "export_id", sa.Integer(), sa.ForeignKey("export_jobs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("baseline_export_id", sa.Integer(), sa.ForeignKey("export_jobs.id", ondelete="SET NULL")),
        sa.Column("holding_project_id", sa.Integer(), unique=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("stages", sa.JSON(), nullable=False),
        sa.Column("guardrails", sa.JSON(), nullable=False),
        sa.Column("promotion", sa.String(10), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("stage_started_at", UTCDateTime(), nullable=False),
        sa.Column("last_evaluated_at", UTCDateTime()),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime()),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_rollouts_org_id", "rollouts", ["organization_id", "id"])
    op.create_index("ix_rollouts_project_status", "rollouts", ["project_id", "status"])
    op.create_table(
        "rollout_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "rollout_id", sa.Integer(), sa.ForeignKey("rollouts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(20), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("figures", sa.JSON()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_rollout_decisions_rollout_id", "rollout_decisions", ["rollout_id"])
    # Nullable columns: a plain ADD COLUMN on both backends, no table copy.
    op.add_column("device_checkins", sa.Column("failed_export_id", sa.Integer()))
    op.add_column("device_checkins", sa.Column("runs_failed", sa.Integer()))


def downgrade() -> None:
    op.drop_column("device_checkins", "runs_failed")
    op.drop_column("device_checkins", "failed_export_id")
    op.drop_table("rollout_decisions")
    op.drop_table("rollouts")
