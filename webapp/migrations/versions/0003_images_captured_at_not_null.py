"""Every image has a capture time: the upload time where the device gave none

Images listed by capture time then sort the same on PostgreSQL and SQLite (which put NULLs at
opposite ends). Rows stored without one take their upload (creation) time.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import webapp.models.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(sa.text("UPDATE images SET captured_at = created_at WHERE captured_at IS NULL"))
    with op.batch_alter_table("images", schema=None) as batch_op:
        batch_op.alter_column(
            "captured_at", existing_type=webapp.models.base.UTCDateTime(timezone=True), nullable=False
        )


def downgrade() -> None:
    # The backfilled times stay: nothing tells them from times devices sent.
    with op.batch_alter_table("images", schema=None) as batch_op:
        batch_op.alter_column(
            "captured_at", existing_type=webapp.models.base.UTCDateTime(timezone=True), nullable=True
        )
