"""Training jobs, the model versions they produce, and the exports of those models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, UTCDateTime, utcnow

TRAINING_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")
FINAL_TRAINING_STATUSES = ("succeeded", "failed", "cancelled")
EXPORT_STATUSES = ("queued", "running", "succeeded", "failed")
EXPORT_FORMATS = ("onnx",)
EXPORT_PRECISIONS = ("fp32", "fp16", "int8")


class TrainingJob(Base):
    __tablename__ = "training_jobs"
    __table_args__ = (Index("ix_training_jobs_org_id", "organization_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset_versions.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    # The overrides asked for (epochs, batch_size, lr, width, depth) and the device.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    device: Mapped[str] = mapped_column(String(10), default="auto")
    flow_run_id: Mapped[str | None] = mapped_column(String(64))
    # Live: the latest epoch's figures, and `history`, every epoch's so far; replaced on each report.
    progress: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    metrics: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # What makes the job's figures weak (a split too small to measure), fixed when it was asked for.
    warnings: Mapped[list[str] | None] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    model: Mapped[ModelVersion | None] = relationship(viewonly=True, uselist=False)


class ModelVersion(Base):
    __tablename__ = "model_versions"
    __table_args__ = (Index("ix_model_versions_org_id", "organization_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset_versions.id", ondelete="CASCADE"))
    training_job_id: Mapped[int] = mapped_column(
        ForeignKey("training_jobs.id", ondelete="CASCADE"), unique=True
    )
    # Per project: 1, 2, 3…
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    labels: Mapped[list[str]] = mapped_column(JSON)
    image_size: Mapped[int] = mapped_column(Integer)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Everything a consumer needs to preprocess inputs exactly as training did.
    preprocessing: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    artifact_sha256: Mapped[str] = mapped_column(String(64))
    artifact_size: Mapped[int] = mapped_column(BigInteger)
    git_rev: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    training_job: Mapped[TrainingJob] = relationship(viewonly=True)
    exports: Mapped[list[ExportJob]] = relationship(viewonly=True, order_by="ExportJob.id.desc()")


class ExportJob(Base):
    """A model version converted for deployment (ONNX), checked against PyTorch, with its artifact."""

    __tablename__ = "export_jobs"
    __table_args__ = (
        Index("ix_export_jobs_org_id", "organization_id", "id"),
        Index("ix_export_jobs_model_id", "model_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    # The model's project, kept here so assignments to a project check it with one read.
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    format: Mapped[str] = mapped_column(String(20), default="onnx")
    opset: Mapped[int] = mapped_column(Integer)
    precision: Mapped[str] = mapped_column(String(10))
    dynamic_batch: Mapped[bool] = mapped_column(Boolean, default=True)
    # The fp16/int8 accuracy loss allowed on held-out images, fixed when the job was asked for.
    max_accuracy_drop: Mapped[float]
    # Detectors: K (max_detections), score_threshold and iou_threshold of the NMS in the graph;
    # null for classifiers.
    options: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    flow_run_id: Mapped[str | None] = mapped_column(String(64))
    # Live: the step the flow is at (fetching, exporting, checking parity, measuring latency, ...).
    progress: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Reported by the flow: logits agreement with PyTorch, accuracies, onnxruntime latency per
    # provider and batch size, and the input/output signature a device feeds and reads.
    parity: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    accuracy: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    latency_ms: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    signature: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The field figures (pipelines.field_stats) of the model on its own test split: what the field is
    # compared with.
    reference: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The last drift check's outcome (flows/drift.py): at, verdict, the two indexes, predictions.
    drift_check: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    artifact_sha256: Mapped[str | None] = mapped_column(String(64))
    artifact_size: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    model: Mapped[ModelVersion] = relationship(viewonly=True)


class TrainingSchedule(Base):
    """Cut a dataset version and train, on a Prefect schedule, optionally only when new labels arrived.

    The schedule itself (cron or interval, active or paused) lives in Prefect, on the
    ``scheduled-training`` deployment, so the Prefect UI shows and pauses it too; this row holds
    what to run and what happened last time.
    """

    __tablename__ = "training_schedules"
    __table_args__ = (Index("ix_training_schedules_org_id", "organization_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    cron: Mapped[str | None] = mapped_column(String(100))
    interval_seconds: Mapped[int | None] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    dataset_params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    training_params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    device: Mapped[str] = mapped_column(String(10), default="auto")
    min_new_annotations: Mapped[int] = mapped_column(Integer, default=0)
    prefect_schedule_id: Mapped[str | None] = mapped_column(String(64))
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_outcome: Mapped[str | None] = mapped_column(Text)
    last_dataset_id: Mapped[int | None] = mapped_column(
        ForeignKey("dataset_versions.id", ondelete="SET NULL")
    )
    last_training_job_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_jobs.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
