"""An organization's own quotas: queued or running jobs of each kind, stored image MB and images

Null in each column keeps the setting's default (ACUSIGHT_ORG_MAX_JOBS, ACUSIGHT_ORG_STORAGE_QUOTA_MB,
ACUSIGHT_ORG_IMAGE_QUOTA); existing organizations get null.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("max_jobs", "storage_quota_mb", "image_quota")


# Plain ALTER TABLE, never a batch copy: SQLite's copy would drop the lower(name) index (0004).
def upgrade() -> None:
    for name in COLUMNS:
        op.add_column("organizations", sa.Column(name, sa.Integer(), nullable=True))


def downgrade() -> None:
    for name in reversed(COLUMNS):
        op.drop_column("organizations", name)
