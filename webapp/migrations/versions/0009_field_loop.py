"""The field loop: inference report aggregates, counted batches, samples, drift events; projects'
sampling policy and low-confidence threshold; exports' reference figures; what devices run

field_stats / field_class_counts: per (export, device, minute or hour) sums of the predictions
devices report (20 confidence bins s00..s19, 23 latency bins l00..l22, as pipelines/field_stats.py
defines them at this revision). inference_batches: the report batches already counted.
inference_samples: reported predictions naming a frame. drift_events: drift checks past threshold.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 03:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from webapp.models.base import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here: the bins of this revision, whatever the code says later.
SCORE_BINS = 20
LATENCY_BINS = 23


def _key_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column(
            "export_id", sa.Integer(), sa.ForeignKey("export_jobs.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("period_s", sa.Integer(), primary_key=True),
        sa.Column("start", UTCDateTime(), primary_key=True),
        sa.Column(
            "device_id", sa.Integer(), sa.ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True
        ),
    ]


def _counter(name: str, type_: sa.types.TypeEngine | None = None) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, type_ or sa.Integer(), nullable=False, server_default="0")


def upgrade() -> None:
    op.create_table(
        "field_stats",
        *_key_columns(),
        sa.Column("day", sa.Date(), nullable=False),
        _counter("predictions"),
        _counter("latency_sum", sa.Float()),
        *(_counter(f"s{i:02d}") for i in range(SCORE_BINS)),
        *(_counter(f"l{i:02d}") for i in range(LATENCY_BINS)),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_field_stats_period_start", "field_stats", ["period_s", "start"])
    op.create_table(
        "field_class_counts",
        *_key_columns(),
        sa.Column("label", sa.String(200), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False),
        _counter("count"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_field_class_counts_period_start", "field_class_counts", ["period_s", "start"])
    op.create_table(
        "inference_batches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("device_id", sa.Integer(), sa.ForeignKey("devices.id", ondelete="CASCADE"), nullable=False),
        sa.Column("batch_id", sa.String(100), nullable=False),
        sa.Column("predictions", sa.Integer(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("device_id", "batch_id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_inference_batches_received_at", "inference_batches", ["received_at"])
    op.create_table(
        "inference_samples",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "organization_id",
            sa.Integer(),
            sa.ForeignKey("organizations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "export_id", sa.Integer(), sa.ForeignKey("export_jobs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("device_id", sa.Integer(), sa.ForeignKey("devices.id", ondelete="CASCADE"), nullable=False),
        sa.Column("image_sha256", sa.String(64), nullable=False),
        sa.Column("captured_at", UTCDateTime(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("prediction", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_inference_samples_org_sha", "inference_samples", ["organization_id", "image_sha256"])
    op.create_index("ix_inference_samples_export_time", "inference_samples", ["export_id", "captured_at"])
    op.create_index("ix_inference_samples_created_at", "inference_samples", ["created_at"])
    op.create_table(
        "drift_events",
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
        sa.Column("window_from", UTCDateTime(), nullable=False),
        sa.Column("window_to", UTCDateTime(), nullable=False),
        sa.Column("predictions", sa.Integer(), nullable=False),
        sa.Column("class_psi", sa.Float(), nullable=False),
        sa.Column("confidence_psi", sa.Float(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("sampling_boost", sa.JSON(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_drift_events_org_id", "drift_events", ["organization_id", "id"])
    op.create_index("ix_drift_events_export_id", "drift_events", ["export_id", "id"])
    op.create_index("ix_drift_events_project_id", "drift_events", ["project_id"])
    # Plain ALTER TABLE, never a batch copy: SQLite's copy would drop the lower(name) index (0004).
    op.add_column(
        "projects", sa.Column("low_confidence_threshold", sa.Float(), nullable=False, server_default="0.5")
    )
    op.add_column("projects", sa.Column("sampling", sa.JSON(), nullable=True))
    op.add_column("projects", sa.Column("sampling_boost", sa.JSON(), nullable=True))
    op.add_column("export_jobs", sa.Column("reference", sa.JSON(), nullable=True))
    op.add_column("export_jobs", sa.Column("drift_check", sa.JSON(), nullable=True))
    op.add_column("devices", sa.Column("running_export_id", sa.Integer(), nullable=True))
    op.add_column("devices", sa.Column("model_error", sa.String(500), nullable=True))
    op.add_column("device_checkins", sa.Column("running_export_id", sa.Integer(), nullable=True))
    op.add_column("device_checkins", sa.Column("model_error", sa.String(500), nullable=True))


def downgrade() -> None:
    for table, column in (
        ("device_checkins", "model_error"),
        ("device_checkins", "running_export_id"),
        ("devices", "model_error"),
        ("devices", "running_export_id"),
        ("export_jobs", "drift_check"),
        ("export_jobs", "reference"),
        ("projects", "sampling_boost"),
        ("projects", "sampling"),
        ("projects", "low_confidence_threshold"),
    ):
        op.drop_column(table, column)
    for table in (
        "drift_events",
        "inference_samples",
        "inference_batches",
        "field_class_counts",
        "field_stats",
    ):
        op.drop_table(table)
