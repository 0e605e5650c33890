"""Training jobs' warnings; export jobs' detection options and live progress

training_jobs.warnings: what makes a job's figures weak (a split too small), fixed when it is asked
for; existing jobs get an empty list. export_jobs.options: a detector's NMS settings (max_detections,
score_threshold, iou_threshold), null for classifiers. export_jobs.progress: the step the flow is at.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 00:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, never a batch copy: SQLite's copy would drop the lower(name) index (0004).
def upgrade() -> None:
    op.add_column("training_jobs", sa.Column("warnings", sa.JSON(), nullable=True))
    op.execute("UPDATE training_jobs SET warnings = '[]'")
    op.add_column("export_jobs", sa.Column("options", sa.JSON(), nullable=True))
    op.add_column("export_jobs", sa.Column("progress", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("export_jobs", "progress")
    op.drop_column("export_jobs", "options")
    op.drop_column("training_jobs", "warnings")
