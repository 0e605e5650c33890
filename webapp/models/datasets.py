"""Dataset versions: frozen, DVC-versioned selections of annotated images."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, UTCDateTime, utcnow

DATASET_STATUSES = ("queued", "running", "ready", "failed")


class DatasetVersion(Base):
    __tablename__ = "dataset_versions"
    __table_args__ = (Index("ix_dataset_versions_org_project", "organization_id", "project_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    # Per project: 1, 2, 3… — what people call "v3".
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    task_type: Mapped[str] = mapped_column(String(20))
    labels: Mapped[list[str]] = mapped_column(JSON)
    # What was asked for: splits, seed, filters, image_size.
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    image_count: Mapped[int] = mapped_column(Integer, default=0)
    flow_run_id: Mapped[str | None] = mapped_column(String(64))
    progress: Mapped[float | None]
    # Reported by the flow when ready: counts per split and class, git and DVC ids, bytes.
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    git_tag: Mapped[str | None] = mapped_column(String(200))
    git_rev: Mapped[str | None] = mapped_column(String(64))
    dvc_hash: Mapped[str | None] = mapped_column(String(64))
    dvc_path: Mapped[str | None] = mapped_column(String(500))
    bytes_stored: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DatasetItem(Base):
    """One image of a dataset version with its label as frozen when the version was requested."""

    __tablename__ = "dataset_items"

    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("dataset_versions.id", ondelete="CASCADE"), primary_key=True
    )
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    image_id: Mapped[int | None] = mapped_column(ForeignKey("images.id", ondelete="SET NULL"))
    label: Mapped[str | None] = mapped_column(String(200))
    boxes: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
