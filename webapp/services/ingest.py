"""Image ingestion from devices: validate, store the blob, then commit one row; never lose or duplicate."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy import Update, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.db import autocommit_connection
from webapp.errors import InsufficientStorage, ValidationError
from webapp.models import Batch, Device, Image, utcnow
from webapp.services import quotas
from webapp.services.image_check import ImageInfo, inspect_image
from webapp.storage import BlobStore, StagedFile, blob_key
from webapp.unit_of_work import commit_now

_T = TypeVar("_T")
# Uploads refresh the device's last_seen_at at most this often: one write per device, not per image.
_SEEN_RESOLUTION = timedelta(seconds=30)
OPEN = "open"
_IMAGES = Image.__table__
_BATCHES = Batch.__table__
_DEVICES = Device.__table__
# What an upload's answer shows of the image (ImageUploadedSchema).
_ANSWER_COLUMNS = ("id", "sha256", "batch_id", "project_id", "width", "height", "format", "byte_size")
_ANSWER_COLUMNS += ("captured_at", "created_at")
# The columns an upload writes, besides id and batch_id; the row dicts use these (table) names.
WRITTEN = (
    *("organization_id", "project_id", "device_id", "sha256", "byte_size", "width", "height", "format"),
    *("filename", "captured_at", "status", "labeled", "tags", "metadata", "created_at", "updated_at"),
)
# Built once: constructing statements costs a hot path more than executing their cached compiled form.
_INSERT_IMAGE = insert(_IMAGES).returning(_IMAGES.c.id)


def _counting(amount: Any) -> Update:
    """Count ``amount`` more images into the open batch under a key, in the device's project."""
    return (
        update(_BATCHES)
        .where(
            _BATCHES.c.ingest_key == bindparam("key"),
            _BATCHES.c.status == OPEN,
            # A batch users moved to another project no longer takes this device's uploads.
            _BATCHES.c.project_id.is_not_distinct_from(bindparam("device_project_id")),
        )
        .values(image_count=_BATCHES.c.image_count + amount, updated_at=bindparam("now"))
        .returning(_BATCHES.c.id)
    )


_COUNT_INTO_BATCH = _counting(1)
_COUNT_SEVERAL_INTO_BATCH = _counting(bindparam("added"))
# PostgreSQL: count into the batch and insert the row in one statement (a data-modifying CTE), so an
# upload's write is a single round trip and, in autocommit, its own transaction. No open batch under
# the key: nothing is counted or inserted. A duplicate: the unique key fails the whole statement.
_COUNTED = _COUNT_INTO_BATCH.cte("counted")
_INSERT_COUNTED_IMAGE = (
    insert(_IMAGES)
    .from_select(
        [*WRITTEN, "batch_id"],
        # Parameters named like the batch's columns would become SET clauses of the UPDATE: prefixed.
        select(*(bindparam(f"new_{name}", type_=_IMAGES.c[name].type) for name in WRITTEN), _COUNTED.c.id),
        include_defaults=False,
    )
    .returning(_IMAGES.c.id, _IMAGES.c.batch_id)
)
_BATCH_UNDER_KEY = select(_BATCHES.c.status, _BATCHES.c.project_id).where(
    _BATCHES.c.ingest_key == bindparam("key")
)
_MARK_SEEN = (
    update(_DEVICES).where(_DEVICES.c.id == bindparam("device_id")).values(last_seen_at=bindparam("now"))
)
_FIND = select(*(_IMAGES.c[name] for name in _ANSWER_COLUMNS)).where(
    _IMAGES.c.organization_id == bindparam("organization_id"), _IMAGES.c.sha256 == bindparam("sha256")
)
_FIND_MANY = select(*(_IMAGES.c[name] for name in _ANSWER_COLUMNS)).where(
    _IMAGES.c.organization_id == bindparam("organization_id"),
    _IMAGES.c.sha256.in_(bindparam("sha256s", expanding=True)),
)


class UploadingDevice(Protocol):
    """What ingestion needs of the device that uploads (an ORM Device or auth's CallingDevice)."""

    @property
    def id(self) -> int: ...
    @property
    def organization_id(self) -> int: ...
    @property
    def project_id(self) -> int | None: ...
    @property
    def serial_number(self) -> str: ...
    @property
    def last_seen_at(self) -> datetime | None: ...


@dataclass
class Upload:
    """One image as a device sent it; ``staged`` already holds the bytes and their hash."""

    staged: StagedFile
    filename: str | None = None
    declared_sha256: str | None = None
    captured_at: datetime | None = None
    batch_name: str | None = None
    metadata: dict[str, Any] | None = None


@dataclass
class Ingested:
    """The stored image, as the upload's answer shows it (``_ANSWER_COLUMNS``), and whether it was
    already there."""

    image: Mapping[str, Any]
    duplicate: bool


def find(session: Session, organization_id: int, sha256: str) -> Mapping[str, Any] | None:
    """The answer columns of the organization's image of these bytes, if there is one."""
    row = autocommit_connection(session).execute(
        _FIND, {"organization_id": organization_id, "sha256": sha256}
    )
    return row.mappings().first()


def find_many(
    session: Session, organization_id: int, sha256s: Collection[str]
) -> dict[str, Mapping[str, Any]]:
    """The answer columns of the organization's images of these bytes, by sha256 (those there are)."""
    if not sha256s:
        return {}
    rows = autocommit_connection(session).execute(
        _FIND_MANY, {"organization_id": organization_id, "sha256s": sorted(sha256s)}
    )
    return {row["sha256"]: row for row in rows.mappings()}


def ingest(
    session: Session,
    store: BlobStore,
    device: UploadingDevice,
    upload: Upload,
    *,
    max_pixels: int,
    now: datetime | None = None,
) -> Ingested:
    """Store one uploaded image for ``device``; the same bytes again return the existing image.

    Order matters for crash safety: the blob is durably in place under its real name before the row
    that points at it is committed. A crash in between leaves an unreferenced blob, which the retry
    reuses; never a row without its blob.

    The database work is one write that counts the image into its batch and inserts the row, in one
    transaction (see :func:`insert_image`); the unique (organization_id, sha256) key, not a lookup
    before, is what makes duplicates, concurrent ones included, come back as the existing image.
    An upload without a capture time is taken as captured when it arrived.

    The steps are public on their own (:func:`verify_sha256`, :func:`check_quota`,
    :func:`store_blob`, :func:`new_row`, :func:`write_row`): a batch upload
    (:mod:`webapp.services.batch_ingest`) runs the same ones per file and amortizes the last.
    """
    verify_sha256(upload)
    existing = check_quota(session, device, upload)
    if existing is not None:
        return existing
    info = store_blob(store, upload, max_pixels)
    row = new_row(device, upload, info, now or utcnow())
    result = write_row(session, device, upload.batch_name, row)
    if not result.duplicate:
        quotas.count_stored(device.organization_id, upload.staged.size)
    return result


def verify_sha256(upload: Upload) -> None:
    """Refuse (400) bytes that are not what the device says it sent."""
    sha256 = upload.staged.sha256
    if upload.declared_sha256 and upload.declared_sha256.lower() != sha256:
        raise ValidationError(
            "sha256 does not match the uploaded bytes",
            f"declared {upload.declared_sha256.lower()}, received {sha256}",
        )


def check_quota(
    session: Session, device: UploadingDevice, upload: Upload, pending_bytes: int = 0, pending_images: int = 0
) -> Ingested | None:
    """Refuse (507) an upload past the organization's storage quota, before anything is decoded or
    stored; None when there is room. A retry of an upload already stored takes no room: it gets its
    image (as a duplicate), as below the quota. ``pending_*``: a batch's earlier files not committed
    yet (see :func:`quotas.check_storage`)."""
    try:
        quotas.check_storage(
            session, device.organization_id, upload.staged.size, pending_bytes, pending_images
        )
    except InsufficientStorage:
        existing = find(session, device.organization_id, upload.staged.sha256)
        if existing is None:
            raise
        return Ingested(existing, duplicate=True)
    return None


def store_blob(store: BlobStore, upload: Upload, max_pixels: int) -> ImageInfo:
    """Check the staged bytes are an image we accept (400 otherwise), then put them durably in the
    blob store under their hash; returns what the check found (format, size)."""
    info = check_image(upload, max_pixels)
    put_blob(store, upload)
    return info


def check_image(upload: Upload, max_pixels: int) -> ImageInfo:
    """Refuse (400) staged bytes that are not an image we accept; what the check found otherwise."""
    upload.staged.flush()
    return inspect_image(upload.staged.path, max_pixels)


def put_blob(store: BlobStore, upload: Upload) -> None:
    """Put the staged bytes durably in the blob store under their hash (before any row names them)."""
    store.put_file(blob_key(upload.staged.sha256), upload.staged.path)


def new_row(device: UploadingDevice, upload: Upload, info: ImageInfo, now: datetime) -> dict[str, Any]:
    """The image's row (the ``WRITTEN`` columns), ready to insert; ``now`` is its creation time."""
    return {
        "organization_id": device.organization_id,
        "project_id": device.project_id,
        "device_id": device.id,
        "sha256": upload.staged.sha256,
        "byte_size": upload.staged.size,
        "width": info.width,
        "height": info.height,
        "format": info.format,
        "filename": upload.filename,
        "captured_at": upload.captured_at.astimezone(UTC) if upload.captured_at else now,
        "status": "new",
        "labeled": False,
        "tags": [],
        "metadata": upload.metadata,
        "created_at": now,
        "updated_at": now,
    }


def write_row(
    session: Session, device: UploadingDevice, batch_name: str | None, row: dict[str, Any]
) -> Ingested:
    """Count the image into its batch, insert its row and commit (the blob must be in place already);
    a row of the same bytes, there before or committed a moment before ours, comes back instead."""
    now = row["created_at"]
    try:
        row["id"], row["batch_id"] = insert_image(session, device, batch_name, row, now)
        mark_seen(session, device, now)
        # Committed here, not by the request: an upload is acknowledged only once its row is durable,
        # and a duplicate's refusal must come back as the existing image below.
        commit_now(session)
    except IntegrityError:
        # The same bytes are already stored in this organization, or another upload of them committed
        # a moment before ours: nothing of ours stays (not the count in the batch either); answer with
        # that image.
        session.rollback()
        existing = find(session, device.organization_id, row["sha256"])
        if existing is None:
            raise
        return Ingested(existing, duplicate=True)
    # The row as inserted, without reading it back.
    return Ingested(row, duplicate=False)


def mark_seen(session: Session, device: UploadingDevice, now: datetime) -> None:
    """Refresh the device's last_seen_at, at most every ``_SEEN_RESOLUTION``, in the open transaction."""
    if device.last_seen_at is None or now - device.last_seen_at > _SEEN_RESOLUTION:
        session.connection().execute(_MARK_SEEN, {"device_id": device.id, "now": now})


def insert_image(
    session: Session, device: UploadingDevice, batch_name: str | None, row: dict[str, Any], now: datetime
) -> tuple[int, int]:
    """Count one image into its batch and insert its row (``row``: the ``WRITTEN`` columns); returns
    the image's and the batch's ids. Not committed, unless the connection is in autocommit.

    On PostgreSQL both are one statement, its own transaction unless the session had one open;
    elsewhere two, in the session's transaction.
    """
    if session.get_bind().dialect.name == "postgresql":
        params = {f"new_{name}": row[name] for name in WRITTEN}

        def count_and_insert(key: str) -> tuple[int, int] | None:
            got = autocommit_connection(session).execute(
                _INSERT_COUNTED_IMAGE,
                {**params, "key": key, "now": now, "device_project_id": device.project_id},
            )
            inserted = got.first()
            return None if inserted is None else (int(inserted[0]), int(inserted[1]))

        return _join_batch(session, device, batch_name, now, count_and_insert)
    batch_id = count_into_batch(session, device, batch_name, now)
    image_id = session.connection().scalar(_INSERT_IMAGE, {**row, "batch_id": batch_id})
    return int(image_id), batch_id


def count_into_batch(
    session: Session, device: UploadingDevice, name: str | None, now: datetime, count: int = 1
) -> int:
    """Count ``count`` more images into the open batch an upload joins, creating the batch when
    needed; returns the batch's id.

    The count is one UPDATE in SQL, so concurrent uploads into one batch never lose increments; it
    holds the batch's row until the transaction ends.
    """
    statement = _COUNT_INTO_BATCH if count == 1 else _COUNT_SEVERAL_INTO_BATCH

    def attempt(key: str) -> int | None:
        params = {"key": key, "now": now, "device_project_id": device.project_id, "added": count}
        batch_id = session.connection().scalar(statement, params)
        return None if batch_id is None else int(batch_id)

    return _join_batch(session, device, name, now, attempt)


def _join_batch(
    session: Session,
    device: UploadingDevice,
    name: str | None,
    now: datetime,
    attempt: Callable[[str], _T | None],
) -> _T:
    """Run ``attempt`` (a write into the open batch under a key, None when there is none) until it
    writes, creating the batch when needed; returns what it returned.

    That batch is the one named in the upload, else the device's batch of the UTC day. Each such
    batch carries a unique ``ingest_key``, so two first uploads racing each other agree on one batch.
    A batch users have moved on from ``open``, or to another project, is left alone: the next one
    gets a new key.
    """
    day = now.date()
    project = device.project_id if device.project_id is not None else "-"
    if name:
        base = f"name:{device.organization_id}:{project}:{name}"
    else:
        base = f"day:{device.id}:{project}:{day.isoformat()}"
    generation = 1
    while True:
        key = base if generation == 1 else f"{base}#{generation}"
        done = attempt(key)
        if done is not None:
            return done
        found = session.execute(_BATCH_UNDER_KEY, {"key": key}).first()
        if found is None:
            # Nothing under this key yet. Created in its own transaction (nothing else is pending in
            # it): if another upload wins the race, the unique key refuses ours and the attempt finds
            # theirs.
            _create_batch(session, device, key, name, day, generation)
        elif found.status != OPEN or found.project_id != device.project_id:
            generation += 1  # that batch is no longer open, or no longer in the device's project
        # else another upload created it since our attempt: attempt again.


def _create_batch(
    session: Session, device: UploadingDevice, key: str, name: str | None, day: date, generation: int
) -> None:
    """Insert and commit a batch under ``key``; losing the race to another upload is fine."""
    label = name or f"{device.serial_number[:170]} {day.isoformat()}"
    if generation > 1:
        label = f"{label[:190]} ({generation})"
    session.add(
        Batch(
            organization_id=device.organization_id,
            project_id=device.project_id,
            device_id=device.id,
            name=label,
            day=None if name else day,
            ingest_key=key,
            status=OPEN,
            image_count=0,
        )
    )
    # In its own transaction, now: a racing upload's batch must be visible to our next attempt. An
    # IntegrityError: another upload created it first (commit_now rolled ours back).
    with contextlib.suppress(IntegrityError):
        commit_now(session)
