"""Label Studio pull queue: webhooks queue tasks, one pull run per project drains them

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import webapp.models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("label_studio_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pull_claim", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("pull_claimed_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("pull_flow_run_id", sa.String(length=64), nullable=True))

    op.create_table(
        "label_studio_pull_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("ls_task_id", sa.Integer(), nullable=False),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["label_studio_links.id"],
            name=op.f("fk_label_studio_pull_requests_link_id_label_studio_links"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_studio_pull_requests")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("label_studio_pull_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_label_studio_pull_requests_link_id"), ["link_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("label_studio_pull_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_label_studio_pull_requests_link_id"))
    op.drop_table("label_studio_pull_requests")
    with op.batch_alter_table("label_studio_links", schema=None) as batch_op:
        batch_op.drop_column("pull_flow_run_id")
        batch_op.drop_column("pull_claimed_at")
        batch_op.drop_column("pull_claim")
