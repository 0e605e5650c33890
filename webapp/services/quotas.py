"""Per-organization limits on what one tenant may take of the shared workers and of storage.

Jobs: each organization has at most ``max_jobs`` dataset versions, training jobs and exports (each
kind counted apart) queued or running at once. The count and the new record are one transaction that
holds the organization's row, so two requests at once never both pass; past the limit the API answers
429 with Retry-After and creates nothing. What one training job may ask for is bounded too.

Storage: an organization's stored images (their bytes and their number) are held to its quota before
an upload stores anything; past it the upload is refused with 507 and nothing changes. Usage comes
from a per-process figure, counted in the database at most ``USAGE_TTL_S`` ago (``NEAR_TTL_S`` once
within ``NEAR`` of the quota), plus what this process stored since: summing a million images takes a
database about 0.3 s, too much for every upload. The quota may thus be overrun by what other API
processes store within ``NEAR_TTL_S``, and by uploads in flight at once.

An organization's own quota (a column of its row, set by ``acusight orgs quota set``) takes the place
of the setting's default; 0 means no limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from webapp.db import autocommit_connection
from webapp.errors import InsufficientStorage, RateLimited, ValidationError
from webapp.models import DatasetVersion, ExportJob, Image, Organization, TrainingJob
from webapp.settings import Settings, get_settings

# Retry-After of a refusal for too many jobs at once: nothing tells when one of them finishes.
RETRY_AFTER_S = 60
USAGE_TTL_S = 60.0
NEAR_TTL_S = 5.0
NEAR = 0.9
MB = 1024 * 1024
ACTIVE_STATUSES = ("queued", "running")
# Each kind of job a limit counts: the model, and how a refusal names it.
JOB_KINDS: dict[str, tuple[Any, str]] = {
    "dataset_versions": (DatasetVersion, "dataset versions"),
    "training_jobs": (TrainingJob, "training jobs"),
    "exports": (ExportJob, "export jobs"),
}
_USAGE_KEY = "acusight.storage_usage"
_ORGS = Organization.__table__


def settings() -> Settings:
    return get_settings()


def _own_or_default(own: int | None, default: int) -> int:
    return default if own is None else own


def limits(org: Organization) -> dict[str, int]:
    """The organization's limits as they apply now: its own, else the settings' (0: no limit)."""
    conf = settings()
    return {
        "max_jobs": _own_or_default(org.max_jobs, conf.org_max_jobs),
        "storage_quota_mb": _own_or_default(org.storage_quota_mb, conf.org_storage_quota_mb),
        "image_quota": _own_or_default(org.image_quota, conf.org_image_quota),
    }


# --- jobs -------------------------------------------------------------------------------------------


def lock_organization(session: Session, organization_id: int) -> int | None:
    """Hold the organization's row until the transaction ends; returns its own ``max_jobs``.

    PostgreSQL: SELECT ... FOR NO KEY UPDATE, so a second request counting for the same organization
    waits for the first to commit; rows that merely reference the organization (an upload's image)
    take a key-share lock, which this one leaves free. SQLite has one writer at a time: a write that
    changes nothing takes the database's write lock at once, so the second request waits there (busy
    timeout) and then counts what the first committed.
    """
    if session.get_bind().dialect.name != "postgresql":
        session.execute(
            update(_ORGS).where(_ORGS.c.id == organization_id).values(updated_at=_ORGS.c.updated_at)
        )
    stmt = select(Organization.max_jobs).where(Organization.id == organization_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(key_share=True)
    return session.execute(stmt).scalar_one()


def active_jobs(session: Session, organization_id: int, model: Any) -> int:
    stmt = (
        select(func.count())
        .select_from(model)
        .where(model.organization_id == organization_id, model.status.in_(ACTIVE_STATUSES))
    )
    return session.scalar(stmt) or 0


def job_limit_reached(
    session: Session, organization_id: int, kind: str, own: int | None = None, *, locked: bool = False
) -> str | None:
    """Why the organization may not start another job of ``kind`` now (its limit of them is queued or
    running), or None. ``own``: the organization's own limit, when the caller has read it already."""
    model, what = JOB_KINDS[kind]
    if not locked:
        own = session.scalar(select(Organization.max_jobs).where(Organization.id == organization_id))
    limit = _own_or_default(own, settings().org_max_jobs)
    if limit <= 0:
        return None
    active = active_jobs(session, organization_id, model)
    if active < limit:
        return None
    return f"your organization already has {active} {what} queued or running; the limit is {limit}"


def claim_job_slot(session: Session, organization_id: int, kind: str) -> None:
    """Refuse (429, Retry-After) a new job of ``kind`` when the organization already has its limit of
    them queued or running; else return with the organization's row locked, for the caller to add the
    job in this same transaction (the unit of work commits it)."""
    full = job_limit_reached(
        session, organization_id, kind, lock_organization(session, organization_id), locked=True
    )
    if full:
        raise RateLimited(
            full[0].upper() + full[1:],
            "retry when one of them finishes (its list shows status=queued or status=running); "
            "an operator sets the limit (acusight orgs quota set --jobs)",
            retry_after_s=RETRY_AFTER_S,
        )


def check_training_params(params: dict[str, Any] | None) -> None:
    """Refuse (400) training parameters past this server's bounds on one job's work."""
    conf = settings()
    for name, most in (("epochs", conf.training_max_epochs), ("width", conf.training_max_width)):
        value = (params or {}).get(name)
        if value is not None and most > 0 and value > most:
            raise ValidationError(
                f"Training {name} is at most {most} on this server",
                f"asked for {name}={value} (ACUSIGHT_TRAINING_MAX_{name.upper()})",
            )


# --- storage ----------------------------------------------------------------------------------------


@dataclass
class Usage:
    """An organization's stored images, and its quotas, as counted at ``at`` (monotonic seconds)."""

    image_bytes: int
    images: int
    quota_bytes: int
    quota_images: int
    at: float

    def past(self, size: int, share: float = 1.0, extra_images: int = 0) -> bool:
        """Whether one more image of ``size`` bytes (after ``extra_images`` others, whose bytes ``size``
        includes) takes usage past ``share`` of either quota."""
        return (self.quota_bytes > 0 and self.image_bytes + size > self.quota_bytes * share) or (
            self.quota_images > 0 and self.images + extra_images + 1 > self.quota_images * share
        )


def measure(session: Session, organization_id: int) -> Usage:
    """Count the organization's stored images and read its quotas, now."""
    conn = autocommit_connection(session)
    used = conn.execute(
        select(func.coalesce(func.sum(Image.byte_size), 0), func.count()).where(
            Image.organization_id == organization_id
        )
    ).one()
    own = conn.execute(
        select(Organization.storage_quota_mb, Organization.image_quota).where(
            Organization.id == organization_id
        )
    ).one()
    conf = settings()
    return Usage(
        image_bytes=int(used[0]),
        images=int(used[1]),
        quota_bytes=_own_or_default(own.storage_quota_mb, conf.org_storage_quota_mb) * MB,
        quota_images=_own_or_default(own.image_quota, conf.org_image_quota),
        at=time.monotonic(),
    )


def _cache() -> dict[int, Usage]:
    return current_app.extensions.setdefault(_USAGE_KEY, {})  # type: ignore[no-any-return]


def check_storage(
    session: Session, organization_id: int, size: int, pending_bytes: int = 0, pending_images: int = 0
) -> None:
    """Refuse (507) an upload of ``size`` bytes that would take the organization past a quota.

    ``pending_bytes``/``pending_images``: the files of the same request checked before this one, not
    committed yet (a batch upload), counted as stored; files past the quota are then refused in order,
    as single uploads sent one after another would be.
    """
    cache = _cache()
    usage = cache.get(organization_id)
    counted = size + pending_bytes
    if usage is None or time.monotonic() - usage.at > (
        NEAR_TTL_S if usage.past(counted, NEAR, pending_images) else USAGE_TTL_S
    ):
        usage = cache[organization_id] = measure(session, organization_id)
    if usage.past(counted, extra_images=pending_images):
        earlier = (
            f", and {pending_images} earlier files of this request ({pending_bytes} bytes)"
            if pending_images
            else ""
        )
        raise InsufficientStorage(
            "Your organization's storage quota is used up; nothing was stored",
            f"stored: {usage.images} images, {usage.image_bytes} bytes{earlier}; quota: "
            f"{_quota_text(usage.quota_images, 'images')}, {_quota_text(usage.quota_bytes, 'bytes')}; "
            f"this upload: {size} bytes. An operator raises it (acusight orgs quota set)",
        )


def _quota_text(quota: int, unit: str) -> str:
    return f"{quota} {unit}" if quota > 0 else f"no limit on {unit}"


def count_stored(organization_id: int, size: int) -> None:
    """Add an image this process just stored to the organization's usage figure."""
    usage = _cache().get(organization_id)
    if usage is not None:
        usage.image_bytes += size
        usage.images += 1


def report(session: Session, org: Organization) -> dict[str, Any]:
    """The organization's usage against its quotas, as GET /organization shows it (counted now)."""
    usage = measure(session, org.id)
    applied = limits(org)
    return {
        "image_bytes": usage.image_bytes,
        "image_bytes_quota": usage.quota_bytes or None,
        "images": usage.images,
        "images_quota": usage.quota_images or None,
        "max_jobs": applied["max_jobs"] or None,
        "jobs": {kind: active_jobs(session, org.id, model) for kind, (model, _) in JOB_KINDS.items()},
    }
