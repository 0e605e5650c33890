"""Device tags: a device's labels (site, line, hardware revision) that lists select by.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 11:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "device_tags",
        sa.Column(
            "device_id", sa.Integer(), sa.ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("tag", sa.String(50), primary_key=True),
    )
    op.create_index("ix_device_tags_tag", "device_tags", ["tag"])


def downgrade() -> None:
    op.drop_table("device_tags")
