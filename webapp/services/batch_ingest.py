"""Batch uploads: several images of one device in one request, each with its own outcome.

Every file gets what a single upload gets (:func:`webapp.services.ingest.ingest`), through the same
steps: its manifest entry and prediction checked, its sha256 verified, the storage quota, the image
check, the blob put durably in place under its hash. What a batch shares is the request (one device
check, one multipart body) and the database work, which costs a single upload two round trips and a
commit of its own:

- one query, before anything is checked, finds which files are already stored (they are answered as
  duplicates without being decoded again, and take no room in the quota);
- the new rows of the request go in with one ``INSERT ... ON CONFLICT (organization_id, sha256) DO
  NOTHING RETURNING`` (on PostgreSQL over one array per column, ``unnest``-ed: one statement text
  for any number of rows), in one transaction with the batch's counter, per batch the files join
  (the request's, and the day's active-learning batch for frames sent with a prediction).

In order: every file is checked (nothing written), then the checked files' blobs are put in place,
then their rows are committed, then frames sent with a prediction get their pre-label.

Crash safety is the single path's: every blob of the transaction is fsynced and renamed into place
before the transaction commits, so a crash at any instant leaves either rows with their blobs or
blobs without rows (which a retry reuses and ``acusight fsck`` removes), never a row without its
blob; nothing is acknowledged before its row is committed.

Each file's outcome stays independent. A file refused by a check stores nothing and is answered with
its error. A conflict on the unique key (bytes stored meanwhile by another upload) skips that row
only; the counter is corrected in the same transaction. Rows are inserted in sha256 order, so two
batches with the same files take their row locks in one order and cannot deadlock. Should the
shared write fail for any other reason, it is rolled back whole and each file is written on its own,
as a single upload writes it: a file whose own write fails is answered with an error, the others
are stored.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    Connection,
    DateTime,
    Insert,
    Integer,
    String,
    Text,
    bindparam,
    cast,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from webapp.errors import AppError
from webapp.models import Batch, Image, utcnow
from webapp.services import active_learning, ingest, quotas
from webapp.services.ingest import Ingested, Upload, UploadingDevice
from webapp.storage import BlobStore, blob_key
from webapp.unit_of_work import commit_now

log = logging.getLogger(__name__)

# Files in one request at most: enough to amortize a request's fixed costs (16 already reach 90% of
# the gain), few enough that one request's answer stays prompt.
MAX_FILES = 32
CREATED, DUPLICATE, ERROR = "created", "duplicate", "error"

_IMAGES = Image.__table__
_BATCHES = Batch.__table__
_UNCOUNT = (
    update(_BATCHES)
    .where(_BATCHES.c.id == bindparam("batch_id"))
    .values(image_count=_BATCHES.c.image_count - bindparam("skipped"))
)


# What differs from row to row of one request; the other columns (device, times, status) are shared.
_PER_ROW = ("sha256", "byte_size", "width", "height", "format", "filename", "captured_at", "metadata")
_SHARED = tuple(name for name in ingest.WRITTEN if name not in _PER_ROW)
_ARRAY_TYPES: dict[str, Any] = {
    "sha256": ARRAY(String),
    "byte_size": ARRAY(Integer),
    "width": ARRAY(Integer),
    "height": ARRAY(Integer),
    "format": ARRAY(String),
    "filename": ARRAY(String),
    "captured_at": ARRAY(DateTime(timezone=True)),
    "metadata": ARRAY(Text),  # JSON text, cast back per row: psycopg adapts no array of JSON
}


def _insert_unnested() -> Insert:
    """PostgreSQL: the rows as one array per column, unnested. The statement's text is the same for
    any number of rows, so it is compiled and parsed once; a multi-row VALUES list is a new text for
    each count, which psycopg parses anew every time (10 ms for 16 rows, more than the rows cost)."""
    rows = (
        func.unnest(*(bindparam(f"rows_{name}", type_=_ARRAY_TYPES[name]) for name in _PER_ROW))
        .table_valued(*_PER_ROW)
        .render_derived(name="row")
    )
    per_row = {name: rows.c[name] for name in _PER_ROW}
    per_row["metadata"] = cast(rows.c.metadata, _IMAGES.c.metadata.type)
    shared = {name: bindparam(f"shared_{name}", type_=_IMAGES.c[name].type) for name in _SHARED}
    columns = {**shared, **per_row, "batch_id": bindparam("batch_id", type_=Integer)}
    # In sha256 order: two requests with the same files take the unique key's locks in one order.
    chosen = select(*columns.values()).select_from(rows).order_by(rows.c.sha256)
    return (
        postgresql.insert(_IMAGES)
        .from_select(list(columns), chosen)
        .on_conflict_do_nothing(index_elements=["organization_id", "sha256"])
        .returning(_IMAGES.c.id, _IMAGES.c.sha256)
    )


# Built once: constructing statements costs more than executing their compiled form.
_INSERT_UNNESTED = _insert_unnested()
# SQLite, in process: the rows as an executemany, which SQLAlchemy sends as one multi-row statement.
_INSERT_ROWS = (
    sqlite.insert(_IMAGES)
    .on_conflict_do_nothing(index_elements=["organization_id", "sha256"])
    .returning(_IMAGES.c.id, _IMAGES.c.sha256)
)


def _insert_new(conn: Connection, rows: list[dict[str, Any]], batch_id: int) -> dict[str, int]:
    """Insert ``rows`` into batch ``batch_id``, skipping any whose bytes the organization already has
    (or another request is inserting); the ids of those inserted, by sha256."""
    if conn.dialect.name == "postgresql":
        params: dict[str, Any] = {f"shared_{name}": rows[0][name] for name in _SHARED}
        params.update({f"rows_{name}": [row[name] for row in rows] for name in _PER_ROW})
        params["rows_metadata"] = [json.dumps(meta) for meta in params["rows_metadata"]]
        params["batch_id"] = batch_id
        got = conn.execute(_INSERT_UNNESTED, params)
    else:
        got = conn.execute(_INSERT_ROWS, [{**row, "batch_id": batch_id} for row in rows])
    return {sha256: int(image_id) for image_id, sha256 in got}


class NotStored(AppError):
    """A file that an unexpected failure (the disk, the database) kept from being stored; the device
    retries it. The cause is in the server's log, never in the answer."""

    status = 500
    code = "INTERNAL_ERROR"


@dataclass
class BatchFile:
    """One file of a batch as the route read it: its upload and its manifest entry's prediction, or
    why its entry was refused (then nothing of it is checked or stored)."""

    upload: Upload
    prediction: dict[str, Any] | None = None
    sampling_reason: str | None = None
    refused: AppError | None = None


@dataclass
class Outcome:
    """What became of one file: ``status`` created, duplicate or error, with the image (as a single
    upload's answer shows it) or the error."""

    index: int
    status: str
    image: Mapping[str, Any] | None = None
    error: AppError | None = None


@dataclass
class _New:
    """A file checked, waiting for its blob to be put in place and then its row."""

    index: int
    upload: Upload
    row: dict[str, Any]
    sampled: active_learning.Sampled | None


@dataclass
class _Run:
    """A batch upload in progress."""

    device: UploadingDevice
    outcomes: list[Outcome | None]
    stored: dict[str, Mapping[str, Any]]  # sha256 -> the image already stored
    new: dict[str | None, list[_New]] = field(default_factory=dict)  # by the batch name they join
    writing: dict[str, int] = field(default_factory=dict)  # sha256 -> the index whose row stands for it
    repeats: dict[int, int] = field(default_factory=dict)  # index -> the earlier index of the same bytes
    pending_bytes: int = 0  # of the files in ``writing``: checked and stored, their rows not yet committed


def ingest_batch(
    session: Session,
    store: BlobStore,
    device: UploadingDevice,
    files: list[BatchFile],
    *,
    max_pixels: int,
    now: datetime | None = None,
) -> list[Outcome]:
    """Store each file for ``device`` as a single upload would; their outcomes, in order.

    See the module's docstring for what is shared and why each outcome stays independent.
    """
    now = now or utcnow()
    stored = ingest.find_many(session, device.organization_id, {f.upload.staged.sha256 for f in files})
    commit_now(session)  # ends the read (autocommit on PostgreSQL); the writes get a transaction of their own
    run = _Run(device, [None] * len(files), dict(stored))
    for index, file in enumerate(files):
        try:
            _check_and_store(session, store, run, index, file, max_pixels, now)
        except AppError as exc:
            run.outcomes[index] = Outcome(index, ERROR, error=exc)
        except Exception:
            _failed(session, run, index)
    # What the checks read (quota, prediction) ends here; the rows get a transaction of their own.
    commit_now(session)
    _put_blobs(session, store, run)
    first = True
    for batch_name, pending in run.new.items():
        _write(session, run, batch_name, pending, mark_seen=first)
        first = False
    for index, earlier in run.repeats.items():
        before = run.outcomes[earlier]
        assert before is not None
        run.outcomes[index] = (
            Outcome(index, DUPLICATE, image=before.image)
            if before.image is not None
            else Outcome(index, ERROR, error=before.error)
        )
    for pending in run.new.values():
        for new in pending:
            outcome = run.outcomes[new.index]
            if new.sampled is not None and outcome is not None and outcome.status == CREATED:
                assert outcome.image is not None
                active_learning.pre_label(session, device.organization_id, outcome.image["id"], new.sampled)
    return [outcome for outcome in run.outcomes if outcome is not None]


def _check_and_store(
    session: Session,
    store: BlobStore,
    run: _Run,
    index: int,
    file: BatchFile,
    max_pixels: int,
    now: datetime,
) -> None:
    """One file's checks, in the single upload's order, and its blob put in place; its outcome, or
    its row queued for :func:`_write`."""
    if file.refused is not None:
        raise file.refused
    upload = file.upload
    sampled = None
    if file.prediction is not None:
        device = run.device
        sampled = active_learning.sampled(
            session,
            device.organization_id,
            device.project_id,
            file.prediction,
            file.sampling_reason,
            upload,
            now,
        )
    ingest.verify_sha256(upload)
    sha256 = upload.staged.sha256
    if sha256 in run.stored:
        # Stored before: the blob is claimed again (as a single upload's retry does), not re-checked.
        store.put_file(blob_key(sha256), upload.staged.path)
        run.outcomes[index] = Outcome(index, DUPLICATE, image=run.stored[sha256])
        return
    if sha256 in run.writing:
        run.repeats[index] = run.writing[sha256]  # the same bytes twice in one request
        return
    existing = ingest.check_quota(session, run.device, upload, run.pending_bytes, len(run.writing))
    if existing is not None:
        run.outcomes[index] = Outcome(index, DUPLICATE, image=existing.image)
        return
    info = ingest.check_image(upload, max_pixels)
    row = ingest.new_row(run.device, upload, info, now)
    run.new.setdefault(upload.batch_name, []).append(_New(index, upload, row, sampled))
    run.writing[sha256] = index
    run.pending_bytes += upload.staged.size


def _put_blobs(session: Session, store: BlobStore, run: _Run) -> None:
    """Put every checked file's blob durably in place, as a single upload's is (fsync, rename, fsync
    of its folder); a file whose put fails is answered with an error and gets no row.

    One ``syncfs`` of the store's filesystem before the puts, so that each put's fsync finds its
    file written back already, was measured and not kept: no gain in CPU or time per image on ext4,
    and it would flush everything else on that filesystem (a database's files, for one).
    """
    for batch_name, pending in list(run.new.items()):
        kept = []
        for new in pending:
            try:
                ingest.put_blob(store, new.upload)
            except Exception:
                _failed(session, run, new.index)
            else:
                kept.append(new)
        if kept:
            run.new[batch_name] = kept
        else:
            del run.new[batch_name]


def _write(
    session: Session, run: _Run, batch_name: str | None, pending: list[_New], *, mark_seen: bool
) -> None:
    """Commit the rows of ``pending`` (blobs in place) into their batch in one transaction; on any
    failure but a conflict, which the statement skips, each row on its own."""
    device = run.device
    now = pending[0].row["created_at"]
    rows = sorted((new.row for new in pending), key=lambda row: str(row["sha256"]))
    try:
        batch_id = ingest.count_into_batch(session, device, batch_name, now, count=len(rows))
        conn = session.connection()
        inserted = _insert_new(conn, rows, batch_id)
        if len(inserted) < len(rows):
            conn.execute(_UNCOUNT, {"batch_id": batch_id, "skipped": len(rows) - len(inserted)})
        if mark_seen:
            ingest.mark_seen(session, device, now)
        # Every blob of these rows is in place already: committing is what acknowledges them.
        commit_now(session)
    except Exception:
        log.exception("a batch's rows could not be written together; writing them one by one")
        session.rollback()
        for new in pending:
            try:
                _settle(run, new, ingest.write_row(session, device, batch_name, new.row))
            except Exception:
                _failed(session, run, new.index)
        return
    conflicts = [new for new in pending if new.row["sha256"] not in inserted]
    found = ingest.find_many(session, device.organization_id, {new.row["sha256"] for new in conflicts})
    commit_now(session)
    for new in pending:
        sha256 = new.row["sha256"]
        if sha256 in inserted:
            new.row.update(id=inserted[sha256], batch_id=batch_id)
            _settle(run, new, Ingested(new.row, duplicate=False))
        elif sha256 in found:
            _settle(run, new, Ingested(found[sha256], duplicate=True))
        else:
            # Skipped on the key, yet not there: the conflicting row was deleted meanwhile.
            run.outcomes[new.index] = Outcome(new.index, ERROR, error=_not_stored())


def _settle(run: _Run, new: _New, result: Ingested) -> None:
    status = DUPLICATE if result.duplicate else CREATED
    if not result.duplicate:
        quotas.count_stored(run.device.organization_id, int(new.row["byte_size"]))
    run.outcomes[new.index] = Outcome(new.index, status, image=result.image)


def _failed(session: Session, run: _Run, index: int) -> None:
    log.exception("file %d of a batch upload was not stored", index)
    session.rollback()
    run.outcomes[index] = Outcome(index, ERROR, error=_not_stored())


def _not_stored() -> NotStored:
    return NotStored("The file was not stored", "send it again; the server's log has the cause")
