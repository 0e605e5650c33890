"""The agent's on-disk queue: frames waiting to be uploaded and predictions waiting to be reported.

One SQLite file in the state dir, in WAL mode with ``synchronous=FULL``: a frame that :meth:`put`
returned for survives a crash or a power cut, and a reader (``acusight-agent status``) never blocks the
agent. A frame leaves the queue only when the server acknowledged it (created or duplicate) or refused
it for good; the sha256 it carries makes every resend idempotent. The queue is bounded in frames and in
bytes; past either bound the oldest frames go first, and each eviction is counted.

Predictions are grouped into report batches whose ``batch_id`` is written before the first send, so a
resend after a lost answer (or a restart) is the same batch, counted once by the server.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acusight_sdk.device import Frame

SCHEMA = """
CREATE TABLE IF NOT EXISTS frames (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    filename TEXT,
    captured_at TEXT,
    metadata TEXT,
    prediction TEXT,
    sampling_reason TEXT,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS predictions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id TEXT,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS predictions_batch ON predictions (batch_id);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
-- The totals the bounds are checked against, kept by triggers so they never drift from the rows.
CREATE TABLE IF NOT EXISTS totals (one INTEGER PRIMARY KEY CHECK (one = 1), frames INTEGER, bytes INTEGER);
INSERT OR IGNORE INTO totals VALUES (1, 0, 0);
CREATE TRIGGER IF NOT EXISTS frames_in AFTER INSERT ON frames BEGIN
    UPDATE totals SET frames = frames + 1, bytes = bytes + NEW.size;
END;
CREATE TRIGGER IF NOT EXISTS frames_out AFTER DELETE ON frames BEGIN
    UPDATE totals SET frames = frames - 1, bytes = bytes - OLD.size;
END;
"""

# Counter names, as reported in health at check-in.
EVICTED = "evicted"
DROPPED = "dropped"
UPLOADED = "uploaded"
REPORTED = "reported"
REPORTS_DROPPED = "reports_dropped"
PREDICTIONS_EVICTED = "predictions_evicted"


@dataclass(frozen=True)
class Queued:
    """A frame in the queue: its row id (to acknowledge it) and the frame."""

    id: int
    frame: Frame


@dataclass(frozen=True)
class QueueStats:
    frames: int
    bytes: int
    predictions: int
    counters: dict[str, int]


class FrameQueue:
    """Thread-safe (one connection behind a lock: the agent's few threads never contend for long)."""

    def __init__(
        self,
        path: Path,
        max_bytes: int | None = 512 * 1024 * 1024,
        max_frames: int | None = None,
        max_predictions: int = 200_000,
    ) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.max_frames = max_frames
        self.max_predictions = max_predictions
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def put(self, frame: Frame) -> int:
        """Queue a frame; answers how many frames were evicted (oldest first) to keep the bounds. A frame
        larger than the byte bound by itself is evicted at once (and counted)."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO frames (sha256, size, filename, captured_at, metadata, prediction, "
                "sampling_reason, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    frame.sha256,
                    len(frame.data),
                    frame.filename,
                    frame.captured_at,
                    _dumps(frame.metadata),
                    _dumps(frame.prediction),
                    frame.sampling_reason,
                    frame.data,
                ),
            )
            return self._evict(db)

    def _evict(self, db: sqlite3.Connection) -> int:
        count, size = db.execute("SELECT frames, bytes FROM totals").fetchone()
        evicted = 0
        oldest = db.execute("SELECT id, size FROM frames ORDER BY id")
        victims: list[int] = []
        while (self.max_frames is not None and count > self.max_frames) or (
            self.max_bytes is not None and size > self.max_bytes
        ):
            row = oldest.fetchone()
            if row is None:
                break
            victims.append(row[0])
            count, size, evicted = count - 1, size - row[1], evicted + 1
        oldest.close()
        if victims:
            db.executemany("DELETE FROM frames WHERE id = ?", [(v,) for v in victims])
            self._bump(db, EVICTED, evicted)
        return evicted

    def peek(self, limit: int) -> list[Queued]:
        """The oldest ``limit`` frames, left in the queue until :meth:`ack` or :meth:`drop`."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, data, filename, captured_at, metadata, prediction, sampling_reason "
                "FROM frames ORDER BY id LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            Queued(row[0], Frame(row[1], row[2], row[3], _loads(row[4]), _loads(row[5]), row[6]))
            for row in rows
        ]

    def ack(self, ids: Sequence[int]) -> None:
        """The server holds these frames: they leave the queue."""
        self._remove(ids, UPLOADED)

    def drop(self, ids: Sequence[int]) -> None:
        """The server refused these frames for good: they leave the queue, counted."""
        self._remove(ids, DROPPED)

    def _remove(self, ids: Sequence[int], counter: str) -> None:
        if not ids:
            return
        with self._tx() as db:
            gone = db.executemany("DELETE FROM frames WHERE id = ?", [(i,) for i in ids]).rowcount
            # Evicted meanwhile: already counted as such.
            self._bump(db, counter, max(gone, 0))

    def add_predictions(self, predictions: Sequence[dict[str, Any]]) -> int:
        """Keep predictions to report; answers how many old ones were evicted past the bound."""
        if not predictions:
            return 0
        with self._tx() as db:
            db.executemany(
                "INSERT INTO predictions (body) VALUES (?)",
                [(json.dumps(p, separators=(",", ":")),) for p in predictions],
            )
            (count,) = db.execute("SELECT COUNT(*) FROM predictions").fetchone()
            over = count - self.max_predictions
            if over > 0:
                db.execute(
                    "DELETE FROM predictions WHERE id IN (SELECT id FROM predictions ORDER BY id LIMIT ?)",
                    (over,),
                )
                self._bump(db, PREDICTIONS_EVICTED, over)
            return max(over, 0)

    def next_report(self, limit: int = 1000) -> tuple[str, list[dict[str, Any]]] | None:
        """The batch to send next: one already named (a send that did not complete), else the oldest
        ``limit`` predictions, named now and for good."""
        with self._tx() as db:
            row = db.execute(
                "SELECT batch_id FROM predictions WHERE batch_id IS NOT NULL ORDER BY id LIMIT 1"
            ).fetchone()
            if row is None:
                batch_id = uuid.uuid4().hex
                named = db.execute(
                    "UPDATE predictions SET batch_id = ? WHERE id IN "
                    "(SELECT id FROM predictions WHERE batch_id IS NULL ORDER BY id LIMIT ?)",
                    (batch_id, limit),
                ).rowcount
                if not named:
                    return None
            else:
                batch_id = row[0]
            bodies = db.execute(
                "SELECT body FROM predictions WHERE batch_id = ? ORDER BY id", (batch_id,)
            ).fetchall()
        return batch_id, [json.loads(body) for (body,) in bodies]

    def reported(self, batch_id: str, dropped: bool = False) -> None:
        """The batch was counted (or refused for good, ``dropped``): it leaves the queue."""
        with self._tx() as db:
            gone = db.execute("DELETE FROM predictions WHERE batch_id = ?", (batch_id,)).rowcount
            self._bump(db, REPORTS_DROPPED if dropped else REPORTED, gone)

    def stats(self) -> QueueStats:
        with self._lock:
            frames, size = self._db.execute("SELECT frames, bytes FROM totals").fetchone()
            (predictions,) = self._db.execute("SELECT COUNT(*) FROM predictions").fetchone()
            counters = dict(self._db.execute("SELECT name, value FROM counters").fetchall())
        return QueueStats(int(frames), int(size), int(predictions), counters)

    def _bump(self, db: sqlite3.Connection, name: str, by: int) -> None:
        if by:
            db.execute(
                "INSERT INTO counters VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + ?",
                (name, by, by),
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, separators=(",", ":"))


def _loads(value: str | None) -> Any:
    return None if value is None else json.loads(value)
