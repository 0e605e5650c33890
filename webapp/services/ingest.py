"""Image ingestion from devices: validate, store the blob, then commit one row; never lose or duplicate."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from webapp.errors import ValidationError
from webapp.models import Batch, Device, Image, utcnow
from webapp.storage import BlobStore, StagedFile, blob_key

# Pillow's name of each accepted format -> ours (stored on the image, and its content type).
ACCEPTED_FORMATS = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
# What a damaged or hostile file can make Pillow raise while it is parsed and decoded.
_DECODE_ERRORS = (
    UnidentifiedImageError,
    PILImage.DecompressionBombError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    struct.error,
    zlib.error,
)
# Uploads refresh the device's last_seen_at at most this often: one write per device, not per image.
_SEEN_RESOLUTION = timedelta(seconds=30)
OPEN = "open"
_IMAGES = Image.__table__
_BATCHES = Batch.__table__
_DEVICES = Device.__table__
# Built once: constructing statements costs a hot path more than executing their cached compiled form.
_INSERT_IMAGE = insert(_IMAGES).returning(_IMAGES.c.id)
_COUNT_INTO_BATCH = (
    update(_BATCHES)
    .where(
        _BATCHES.c.ingest_key == bindparam("key"),
        _BATCHES.c.status == OPEN,
        # A batch users moved to another project no longer takes this device's uploads.
        _BATCHES.c.project_id.is_not_distinct_from(bindparam("device_project_id")),
    )
    .values(image_count=_BATCHES.c.image_count + 1, updated_at=bindparam("now"))
    .returning(_BATCHES.c.id)
)


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int


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
    image: Image
    duplicate: bool


def inspect_image(path: Path, max_pixels: int) -> ImageInfo:
    """Format and size of a JPEG, PNG or WebP judged by its content; refuses anything else, and bombs.

    The whole file is decoded, so truncated and corrupt images are refused too; JPEGs are decoded at
    1/8 scale (libjpeg still reads every entropy-coded byte) at about half the cost of a full decode.
    """
    try:
        with PILImage.open(path, formats=list(ACCEPTED_FORMATS)) as im:
            pil_format = str(im.format)
            width, height = im.size
            if width * height > max_pixels:
                raise ValidationError(
                    "Image has too many pixels",
                    f"{width}x{height} is over the limit of {max_pixels} pixels",
                )
            if pil_format == "JPEG":
                im.draft(None, ((width + 7) // 8, (height + 7) // 8))
                im.load()
            else:
                # PNG chunk CRCs are only checked by verify(), which leaves the image unusable: reopen.
                im.verify()
        if pil_format != "JPEG":
            with PILImage.open(path, formats=[pil_format]) as im:
                im.load()
    except PILImage.DecompressionBombError as exc:
        raise ValidationError("Image has too many pixels", str(exc)) from exc
    except _DECODE_ERRORS as exc:
        raise ValidationError("File is not a valid JPEG, PNG or WebP image", str(exc)) from exc
    return ImageInfo(ACCEPTED_FORMATS[pil_format], width, height)


def find(session: Session, organization_id: int, sha256: str) -> Image | None:
    stmt = select(Image).where(Image.organization_id == organization_id, Image.sha256 == sha256)
    return session.scalar(stmt)


def ingest(
    session: Session,
    store: BlobStore,
    device: Device,
    upload: Upload,
    *,
    max_pixels: int,
    now: datetime | None = None,
) -> Ingested:
    """Store one uploaded image for ``device``; the same bytes again return the existing image.

    Order matters for crash safety: the blob is durably in place under its real name before the row
    that points at it is committed. A crash in between leaves an unreferenced blob, which the retry
    reuses; never a row without its blob.

    The database work is one short transaction of two statements (count the image into its batch,
    insert the row) and the commit; the unique (organization_id, sha256) key, not a lookup before,
    is what makes duplicates, concurrent ones included, come back as the existing image.
    """
    staged = upload.staged
    sha256 = staged.sha256
    if upload.declared_sha256 and upload.declared_sha256.lower() != sha256:
        raise ValidationError(
            "sha256 does not match the uploaded bytes",
            f"declared {upload.declared_sha256.lower()}, received {sha256}",
        )
    staged.flush()
    info = inspect_image(staged.path, max_pixels)
    store.put_file(blob_key(sha256), staged.path)

    now = now or utcnow()
    values: dict[str, Any] = {
        "organization_id": device.organization_id,
        "project_id": device.project_id,
        "device_id": device.id,
        "sha256": sha256,
        "byte_size": staged.size,
        "width": info.width,
        "height": info.height,
        "format": info.format,
        "filename": upload.filename,
        "captured_at": upload.captured_at.astimezone(UTC) if upload.captured_at else None,
        "status": "new",
        "tags": [],
        "meta": upload.metadata,
        "created_at": now,
        "updated_at": now,
    }
    device_id, seen = device.id, device.last_seen_at
    try:
        values["batch_id"] = count_into_batch(session, device, upload.batch_name, now)
        # Core statements on the tables: the ORM's bulk machinery costs more CPU than the rest of the insert.
        row = {("metadata" if k == "meta" else k): v for k, v in values.items()}
        image_id = session.scalar(_INSERT_IMAGE, row)
        mark_seen = seen is None or now - seen > _SEEN_RESOLUTION
        if mark_seen:
            session.execute(update(_DEVICES).where(_DEVICES.c.id == device_id).values(last_seen_at=now))
        session.commit()
        if mark_seen:
            # Keep the loaded object in step with the row without making it dirty.
            set_committed_value(device, "last_seen_at", now)
    except IntegrityError:
        # The same bytes are already stored in this organization, or another upload of them committed
        # a moment before ours: roll back our count in the batch and answer with that image.
        session.rollback()
        existing = find(session, values["organization_id"], sha256)
        if existing is None:
            raise
        return Ingested(existing, duplicate=True)
    # The row as inserted, without reading it back.
    return Ingested(Image(id=image_id, **values), duplicate=False)


def count_into_batch(session: Session, device: Device, name: str | None, now: datetime) -> int:
    """Count one more image into the open batch an upload joins, creating the batch when needed.

    That batch is the one named in the upload, else the device's batch of the UTC day. Each such
    batch carries a unique ``ingest_key``, so two first uploads racing each other agree on one batch.
    A batch users have moved on from ``open``, or to another project, is left alone: the next one
    gets a new key.
    The count is one UPDATE in SQL, so concurrent uploads into one batch never lose increments.
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
        batch_id = session.scalar(
            _COUNT_INTO_BATCH, {"key": key, "now": now, "device_project_id": device.project_id}
        )
        if batch_id is not None:
            return int(batch_id)
        if session.scalar(select(Batch.id).where(Batch.ingest_key == key)) is not None:
            generation += 1  # that batch is no longer open, or no longer in the device's project
            continue
        # Nothing under this key yet. Created in its own transaction (nothing else is pending in it):
        # if another upload wins the race, the unique key refuses ours and the UPDATE above finds theirs.
        _create_batch(session, device, key, name, day, generation)


def _create_batch(
    session: Session, device: Device, key: str, name: str | None, day: date, generation: int
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
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
