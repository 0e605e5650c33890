"""Projects, the batches images land in, images and their annotations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from webapp.models.base import Base, UTCDateTime, utcnow

TASK_TYPES = ("classification", "detection")
BATCH_STATUSES = ("open", "ready", "annotating", "annotated", "archived")
IMAGE_STATUSES = ("new", "accepted", "rejected")
ANNOTATION_SOURCES = ("manual", "label_studio", "model")


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    task_type: Mapped[str] = mapped_column(String(20), default="classification")
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # The model export the project's devices run unless a device has its own (services/delivery.py).
    # No foreign key: export_jobs reference projects, a cycle Alembic cannot create on PostgreSQL. Only
    # services/projects.py writes it, after checking the export; an export only goes away with its
    # project (cascades), so the value cannot dangle.
    deployed_export_id: Mapped[int | None] = mapped_column(Integer)
    # Field predictions scoring under this are "low confidence" (a multiple of 0.05: the bins' width).
    low_confidence_threshold: Mapped[float] = mapped_column(Float, default=0.5, server_default="0.5")
    # Which frames devices upload (services/sampling.py); null: the device uploads what it is told to.
    sampling: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A temporary raise of the sampling's random rate after drift: {"random_rate", "until", "export_id",
    # "drift_event_id"}; ignored once past ``until``.
    sampling_boost: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Batch(Base):
    __tablename__ = "batches"
    # Lists are newest first; every filter leads an index that ends in (created_at, id).
    __table_args__ = (
        Index("ix_batches_org_created", "organization_id", "created_at", "id"),
        Index("ix_batches_org_status_created", "organization_id", "status", "created_at", "id"),
        Index("ix_batches_project_created", "project_id", "created_at", "id"),
        Index("ix_batches_device_created", "device_id", "created_at", "id"),
        # A device's automatic batch: one per (device, project, UTC day).
        Index("ix_batches_device_day", "device_id", "project_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    day: Mapped[date | None] = mapped_column(Date)
    # Set on batches that uploads create (a device's day, or a name given with the upload): the unique
    # key that makes their creation race-free. Never shown; NULL for batches made any other way.
    ingest_key: Mapped[str | None] = mapped_column(String(300), unique=True)
    # Counters kept by ingestion (image_count) and the annotation service (annotated_count: images of
    # the batch that have a current annotation), so lists never count images.
    image_count: Mapped[int] = mapped_column(Integer, default=0)
    annotated_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    project: Mapped[Project | None] = relationship()
    # Its moves along the status graph, oldest first; loaded with the batch (a few rows each).
    transitions: Mapped[list[BatchTransition]] = relationship(
        order_by="BatchTransition.id", lazy="selectin", viewonly=True
    )


class BatchTransition(Base):
    """One move of a batch along the status graph: from, to, who asked (a person; null for a service
    account) and when. Appended by the batches service, never changed."""

    __tablename__ = "batch_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[Any] = relationship("User", lazy="selectin", viewonly=True)


def _batch_sum(column: Any) -> Any:
    """A project's total of a batch counter: deferred, so only lists that show it pay for it."""
    total = select(func.coalesce(func.sum(column), 0)).where(Batch.project_id == Project.id)
    return column_property(total.correlate_except(Batch).scalar_subquery(), deferred=True)


# Summed from the batch counters, so showing a project never counts its images.
Project.image_count = _batch_sum(Batch.image_count)
Project.annotated_count = _batch_sum(Batch.annotated_count)


class Image(Base):
    __tablename__ = "images"
    # Every list filter leads one index ending in (created_at, id), so a page (and its count) is an
    # index range scan. Project, batch and device ids imply the organization, so their indexes skip it
    # (and double as the foreign-key indexes deletes need).
    __table_args__ = (
        # Content addressing: the same bytes exist once per organization.
        UniqueConstraint("organization_id", "sha256"),
        Index("ix_images_org_created", "organization_id", "created_at", "id"),
        Index("ix_images_org_captured", "organization_id", "captured_at", "id"),
        Index("ix_images_org_status_created", "organization_id", "status", "created_at", "id"),
        Index("ix_images_org_labeled_created", "organization_id", "labeled", "created_at", "id"),
        Index("ix_images_org_label_created", "organization_id", "label", "created_at", "id"),
        # annotation_id rides along so the box-label filter of a detection project stays index-only.
        Index("ix_images_project_created", "project_id", "created_at", "id", "annotation_id"),
        Index("ix_images_project_labeled_created", "project_id", "labeled", "created_at", "id"),
        Index("ix_images_project_label_created", "project_id", "label", "created_at", "id"),
        Index("ix_images_batch_created", "batch_id", "created_at", "id"),
        Index("ix_images_device_created", "device_id", "created_at", "id"),
        # Label import matches images by file name within a project.
        Index("ix_images_project_filename", "project_id", "filename"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id", ondelete="SET NULL"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id", ondelete="SET NULL"))
    sha256: Mapped[str] = mapped_column(String(64))
    byte_size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str | None] = mapped_column(String(255))
    # When the device took the picture; an upload that does not say is taken as captured on arrival, so
    # listing by capture time never meets a NULL (PostgreSQL and SQLite sort those at opposite ends).
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="new")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    meta: Mapped[dict[str, Any] | None] = mapped_column("metadata", JSON)
    # The current (latest) annotation and what the filters need of it, kept on the row by the
    # annotation service so `labeled` and `label` filters use an index. `label` is the class of a
    # classification image; detection images keep NULL there (their box labels are in annotation_labels).
    # No foreign key: images and annotations would reference each other, a cycle Alembic cannot create
    # on PostgreSQL; only services/annotations.py writes it.
    annotation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    labeled: Mapped[bool] = mapped_column(Boolean, default=False)
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    batch: Mapped[Batch | None] = relationship()
    annotation: Mapped[Annotation | None] = relationship(
        primaryjoin="foreign(Image.annotation_id) == Annotation.id", viewonly=True
    )


class Annotation(Base):
    """One labeling of an image; an image's annotations are its history, the latest (highest id) wins."""

    __tablename__ = "annotations"
    __table_args__ = (
        # Lists are newest (highest id) first.
        Index("ix_annotations_image_id", "image_id", "id"),
        Index("ix_annotations_org_id", "organization_id", "id"),
        Index("ix_annotations_project_id", "project_id", "id"),
        Index("ix_annotations_org_external", "organization_id", "external_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    image_id: Mapped[int] = mapped_column(ForeignKey("images.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    label: Mapped[str | None] = mapped_column(String(200))
    boxes: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(20), default="manual")
    annotator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    annotator_email: Mapped[str | None] = mapped_column(String(320))
    external_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    image: Mapped[Image] = relationship(foreign_keys=[image_id])


class AnnotationLabel(Base):
    """The distinct labels one annotation uses: what label-removal checks and box-label filters look up."""

    __tablename__ = "annotation_labels"
    __table_args__ = (
        Index("ix_annotation_labels_project_label", "project_id", "label"),
        Index("ix_annotation_labels_org_label", "organization_id", "label", "annotation_id"),
    )

    annotation_id: Mapped[int] = mapped_column(
        ForeignKey("annotations.id", ondelete="CASCADE"), primary_key=True
    )
    label: Mapped[str] = mapped_column(String(200), primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
