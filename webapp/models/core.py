"""Tenants, people, provisioning tokens and devices."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from webapp.models.data import Project

ROLES = ("admin", "ml_engineer", "annotator", "viewer")


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # This organization's own quotas (`acusight orgs quota set`); null: the setting's default, 0: no limit.
    max_jobs: Mapped[int | None] = mapped_column(Integer)
    storage_quota_mb: Mapped[int | None] = mapped_column(Integer)
    image_quota: Mapped[int | None] = mapped_column(Integer)

    users: Mapped[list[User]] = relationship(back_populates="organization")


# A name identifies one tenant whatever its case: operators pick organizations by name.
Index("uq_organizations_name_lower", func.lower(Organization.name), unique=True)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    oidc_issuer: Mapped[str | None] = mapped_column(String(500))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Platform tokens issued before this time are refused: set when the user is disabled or unlinked.
    tokens_valid_after: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship(back_populates="users")


class ProvisioningToken(Base):
    __tablename__ = "provisioning_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    # Lookup is by this public prefix; the secret itself is kept only as a SHA-256 hash.
    token_prefix: Mapped[str] = mapped_column(String(32), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    max_uses: Mapped[int] = mapped_column(Integer, default=1)
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Device(Base):
    __tablename__ = "devices"
    __table_args__ = (UniqueConstraint("organization_id", "serial_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    serial_number: Mapped[str] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(String(200))
    firmware_version: Mapped[str | None] = mapped_column(String(100))
    key_prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    provisioning_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("provisioning_tokens.id", ondelete="SET NULL")
    )
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The model export this device runs, overriding its project's (services/delivery.py).
    deployed_export_id: Mapped[int | None] = mapped_column(
        ForeignKey("export_jobs.id", ondelete="SET NULL"), index=True
    )
    # What the device said at its last check-in that reported them: the export it actually runs, and
    # why its last model load failed (null: it loaded).
    running_export_id: Mapped[int | None] = mapped_column(Integer)
    model_error: Mapped[str | None] = mapped_column(String(500))
    # The last_seen_at of the silence already announced as a ``device.offline`` event: each outage is
    # announced once, and any sign of life (a new last_seen_at) makes the next one announceable.
    offline_reported_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    project: Mapped[Project | None] = relationship()
    # Its tags (site, line, hardware revision…), loaded with it: `GET /devices?tag=` selects by them.
    tag_rows: Mapped[list[DeviceTag]] = relationship(
        order_by="DeviceTag.tag", lazy="selectin", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def tags(self) -> list[str]:
        return [row.tag for row in self.tag_rows]


class DeviceTag(Base):
    """One tag of a device; a device has each tag once."""

    __tablename__ = "device_tags"

    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(50), primary_key=True, index=True)


class DeviceCheckin(Base):
    """One health report of a device: a time series row."""

    __tablename__ = "device_checkins"
    __table_args__ = (Index("ix_device_checkins_device_time", "device_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    # Indexed alone too: retention deletes by age across all devices.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    battery_pct: Mapped[float | None]
    temperature_c: Mapped[float | None]
    disk_free_mb: Mapped[float | None]
    uptime_s: Mapped[int | None]
    firmware_version: Mapped[str | None] = mapped_column(String(100))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    running_export_id: Mapped[int | None] = mapped_column(Integer)
    model_error: Mapped[str | None] = mapped_column(String(500))
    # The export the device was given but could not run (bad checksum, would not load): it kept the
    # previous one. And how many inference runs of its running export failed since its last check-in.
    failed_export_id: Mapped[int | None] = mapped_column(Integer)
    runs_failed: Mapped[int | None] = mapped_column(Integer)
    metrics: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ServiceAccount(Base):
    """A machine identity (role ``service``): how flows report back through the API.

    Not tied to one organization: a worker serves every tenant, and names the organization
    it acts for on each call (the job it runs belongs to that organization).
    """

    __tablename__ = "service_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    key_prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
