"""What devices report of their models in the field: per-minute and per-hour aggregates, the batches
already counted, a sample linked to frames, and drift events.

Predictions are not kept one row each: a fleet sends tens of thousands a second, and what the platform
shows of them (docs/how-to/field-loop.md) are sums. Each report batch adds its counts into one row per
(export, device, minute) and one per (export, device, hour), in SQL (``x = x + excluded.x``), so
concurrent batches never lose a count. The bins are ``pipelines.field_stats``'.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from pipelines.field_stats import LATENCY_BINS, SCORE_BINS
from webapp.models.base import Base, UTCDateTime, utcnow

# The two resolutions kept: minutes for recent detail, hours for the long view.
MINUTE, HOUR = 60, 3600
SCORE_COLUMNS = tuple(f"s{i:02d}" for i in range(SCORE_BINS))
LATENCY_COLUMNS = tuple(f"l{i:02d}" for i in range(LATENCY_BINS))
# Every column a report adds to (the rest is the row's key).
COUNTED_COLUMNS = ("predictions", "latency_sum", *SCORE_COLUMNS, *LATENCY_COLUMNS)


def _counter(name: str, type_: Any = Integer) -> Column[Any]:
    return Column(name, type_, nullable=False, server_default="0")


# A Core table, not a mapped class: only SQL sums ever touch it, and its 45 counters are generated.
field_stats = Table(
    "field_stats",
    Base.metadata,
    Column("export_id", Integer, ForeignKey("export_jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("period_s", Integer, primary_key=True),
    Column("start", UTCDateTime, primary_key=True),
    Column("device_id", Integer, ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True),
    # The UTC day of ``start``: what a day bucket groups by, on every backend.
    Column("day", Date, nullable=False),
    _counter("predictions"),
    _counter("latency_sum", Float),
    *(_counter(name) for name in SCORE_COLUMNS),
    *(_counter(name) for name in LATENCY_COLUMNS),
    # Retention deletes by age across every export.
    Index("ix_field_stats_period_start", "period_s", "start"),
)

# The class mix: scores per label, at the same keys.
field_class_counts = Table(
    "field_class_counts",
    Base.metadata,
    Column("export_id", Integer, ForeignKey("export_jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("period_s", Integer, primary_key=True),
    Column("start", UTCDateTime, primary_key=True),
    Column("device_id", Integer, ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True),
    Column("label", String(200), primary_key=True),
    Column("day", Date, nullable=False),
    _counter("count"),
    Index("ix_field_class_counts_period_start", "period_s", "start"),
)


class InferenceBatch(Base):
    """A report batch already counted: its client ``batch_id`` makes a resend count nothing."""

    __tablename__ = "inference_batches"
    __table_args__ = (UniqueConstraint("device_id", "batch_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    batch_id: Mapped[str] = mapped_column(String(100))
    predictions: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class InferenceSample(Base):
    """A reported prediction that names a frame (``image_sha256``): what the device saw in that image."""

    __tablename__ = "inference_samples"
    __table_args__ = (
        Index("ix_inference_samples_org_sha", "organization_id", "image_sha256"),
        Index("ix_inference_samples_export_time", "export_id", "captured_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    export_id: Mapped[int] = mapped_column(ForeignKey("export_jobs.id", ondelete="CASCADE"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    image_sha256: Mapped[str] = mapped_column(String(64))
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    latency_ms: Mapped[float | None] = mapped_column(Float)
    # {"label", "score", "top_k"} of a classifier, {"detections": [...]} of a detector.
    prediction: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class DriftEvent(Base):
    """A drift check that found the field away from an export's reference, with the figures compared."""

    __tablename__ = "drift_events"
    __table_args__ = (
        Index("ix_drift_events_org_id", "organization_id", "id"),
        Index("ix_drift_events_export_id", "export_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    export_id: Mapped[int] = mapped_column(ForeignKey("export_jobs.id", ondelete="CASCADE"))
    window_from: Mapped[datetime] = mapped_column(UTCDateTime)
    window_to: Mapped[datetime] = mapped_column(UTCDateTime)
    predictions: Mapped[int] = mapped_column(Integer)
    class_psi: Mapped[float] = mapped_column(Float)
    confidence_psi: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    # The distributions compared (field and reference) and the low-confidence shares.
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The sampling raised in answer: {"random_rate", "until"}; null when one was already on.
    sampling_boost: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
