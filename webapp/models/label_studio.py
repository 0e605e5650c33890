"""Label Studio links: which Label Studio project annotates an Acusight project, and task ↔ image."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, UTCDateTime, utcnow

# linked: nothing synced yet; pushing / pulling: a flow is at work; synced: the last flow succeeded.
SYNC_STATUSES = ("linked", "pushing", "pulling", "synced", "failed")


def new_url_key() -> str:
    return secrets.token_urlsafe(24)


class LabelStudioAccount(Base):
    """The Label Studio an organization works in: its own (URL and token set by the operator), or
    the shared one of ACUSIGHT_LABEL_STUDIO_URL, which serves one organization only (``shared``)."""

    __tablename__ = "label_studio_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), unique=True
    )
    # The organization's own Label Studio; both empty: none of its own.
    url: Mapped[str | None] = mapped_column(String(500))
    token: Mapped[str | None] = mapped_column(Text)
    # True for the one organization the shared Label Studio serves, else NULL (unique: one holder).
    shared: Mapped[bool | None] = mapped_column(Boolean, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class LabelStudioLink(Base):
    """One Acusight project annotated in one Label Studio project (of its organization's instance)."""

    __tablename__ = "label_studio_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), unique=True)
    # Project ids are per Label Studio instance: two organizations' instances may both have project 1.
    ls_project_id: Mapped[int] = mapped_column(Integer, index=True)
    # The organization's own Label Studio the project lives in; NULL: the shared one.
    label_studio_url: Mapped[str | None] = mapped_column(String(500))
    ls_webhook_id: Mapped[int | None] = mapped_column(Integer)
    # SHA-256 of the link's own webhook secret (Label Studio sends it in a header); NULL: no webhook
    # is accepted (links made before secrets were per link).
    webhook_secret_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Signs the link's image URLs: a new link (unlinked and linked again) makes the old URLs invalid.
    url_key: Mapped[str] = mapped_column(String(64), default=new_url_key)
    # SHA-256 of the labeling config Label Studio holds, as we last set it; differs from the hash of the
    # config the project's labels call for until a sync puts the new one in place.
    label_config_hash: Mapped[str] = mapped_column(String(64))
    sync_status: Mapped[str] = mapped_column(String(20), default="linked")
    last_push_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_pull_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Label Studio's own clock: the newest task update an incremental pull has seen.
    pull_cursor: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The one webhook-started pull of the project that is queued or running: a token handed to its flow
    # run, renewed as it works (a claim older than the lease is abandoned), and the run's id.
    pull_claim: Mapped[str | None] = mapped_column(String(64))
    pull_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pull_flow_run_id: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class LabelStudioTask(Base):
    """The Label Studio task that shows one image: what makes pushing idempotent and pulls find images."""

    __tablename__ = "label_studio_tasks"
    __table_args__ = (
        UniqueConstraint("link_id", "image_id"),
        UniqueConstraint("link_id", "ls_task_id"),
        Index("ix_label_studio_tasks_link_annotated", "link_id", "annotated"),
        Index("ix_label_studio_tasks_link_expires", "link_id", "url_expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("label_studio_links.id", ondelete="CASCADE"))
    image_id: Mapped[int] = mapped_column(ForeignKey("images.id", ondelete="CASCADE"), index=True)
    ls_task_id: Mapped[int] = mapped_column(Integer)
    # Whether the task holds at least one submitted (not skipped) annotation, as of the last pull.
    annotated: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the signed image URL in the task's data stops working.
    url_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    pushed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LabelStudioPullRequest(Base):
    """A task a webhook said changed, waiting for a pull: webhooks queue these, one pull run drains them."""

    __tablename__ = "label_studio_pull_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("label_studio_links.id", ondelete="CASCADE"), index=True)
    ls_task_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
