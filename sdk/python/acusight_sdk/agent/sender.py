"""Drains the queue to the platform: frames (by the batch route when more than one waits) and inference
reports, with jittered backoff after any failure.

A frame leaves the queue only once the platform answered for it: ``created`` or ``duplicate`` (acked), or
a per-frame refusal that resending cannot cure (dropped, logged, counted). Everything else (a refused
connection, a reset, a 5xx, a 429, a per-frame ``INSUFFICIENT_STORAGE``) leaves it queued for the next
try; the sha256 it carries makes that try idempotent.
"""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass

import httpx

from acusight_sdk.agent.queue import FrameQueue, Queued
from acusight_sdk.device import PERMANENT_STATUSES, DeviceClient, Frame, FrameResult
from acusight_sdk.errors import ApiError

log = logging.getLogger("acusight_sdk.agent")

# Per-frame error codes that say "not now" rather than "never".
TRANSIENT_CODES = frozenset(
    {"INSUFFICIENT_STORAGE", "INTERNAL_ERROR", "SERVICE_UNAVAILABLE", "RATE_LIMITED", "TOO_MANY_REQUESTS"}
)


class KeyRejected(Exception):
    """401: the platform no longer knows this device's key (the device was deleted or its key revoked)."""


@dataclass
class Backoff:
    """Waits after consecutive failures: doubling from ``initial`` to ``maximum``, each drawn at random
    between half and all of it, so a fleet that lost its server at once does not come back at once."""

    initial: float
    maximum: float
    failures: int = 0

    def next(self) -> float:
        ceiling = min(self.maximum, self.initial * 2**self.failures)
        self.failures += 1
        return random.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.failures = 0


class Sender:
    def __init__(self, client: DeviceClient, queue: FrameQueue, batch_size: int) -> None:
        self.client = client
        self.queue = queue
        self.batch_size = batch_size
        self._lock = threading.Lock()  # one drain at a time (the loop, or a caller's flush)

    def send_frames(self) -> int:
        """Send the oldest frames once; answers how many left the queue. Raises on a failure of the whole
        request (the caller backs off), :class:`KeyRejected` on 401."""
        with self._lock:
            waiting = self.queue.peek(self.batch_size)
            if not waiting:
                return 0
            try:
                results = self._upload(waiting)
            except ApiError as exc:
                if exc.status == 401:
                    raise KeyRejected(exc.message) from exc
                if exc.status not in PERMANENT_STATUSES or len(waiting) == 1:
                    raise
                # The whole batch was refused (too large, say): each frame on its own finds the culprit.
                log.warning("a batch of %d was refused (%s): sending them one by one", len(waiting), exc)
                results = []
                for i, queued in enumerate(waiting):
                    results += [FrameResult(i, r.status, r.image, r.error) for r in self._upload([queued])]
            return self._settle(waiting, results)

    def _upload(self, waiting: list[Queued]) -> list[FrameResult]:
        # A lone frame goes by the single upload, which answers its permanent refusal as an error result.
        return self.client.upload_batch([q.frame for q in waiting])

    def _settle(self, waiting: list[Queued], results: list[FrameResult]) -> int:
        acked, dropped = [], []
        for result in results:
            queued = waiting[result.index]
            if result.stored:
                acked.append(queued.id)
            elif (result.error or {}).get("code") not in TRANSIENT_CODES:
                dropped.append(queued.id)
                log.warning("frame %s refused for good, dropped: %s", _name(queued.frame), _said(result))
            else:
                log.info(
                    "frame %s not stored yet (%s): kept for the next try", _name(queued.frame), _said(result)
                )
        self.queue.ack(acked)
        self.queue.drop(dropped)
        kept = len(waiting) - len(acked) - len(dropped)
        if kept and not acked and not dropped:
            raise _NotYet(f"{kept} frames not stored yet")
        return len(acked) + len(dropped)

    def send_report(self) -> int:
        """Send one batch of predictions; answers how many were counted (0: none waiting)."""
        with self._lock:
            batch = self.queue.next_report()
            if batch is None:
                return 0
            batch_id, predictions = batch
            try:
                self.client.report(predictions, batch_id=batch_id)
            except ApiError as exc:
                if exc.status == 401:
                    raise KeyRejected(exc.message) from exc
                if exc.status not in PERMANENT_STATUSES:
                    raise
                log.warning("inference report %s refused for good, dropped: %s", batch_id, exc)
                self.queue.reported(batch_id, dropped=True)
                return 0
            self.queue.reported(batch_id)
            return len(predictions)


class _NotYet(Exception):
    """Every frame of a round was answered "not now": back off as after a failure."""


RETRYABLE = (httpx.HTTPError, ApiError, _NotYet)


def _name(frame: Frame) -> str:
    return f"{frame.filename or ''} sha256={frame.sha256[:12]}".strip()


def _said(result: FrameResult) -> str:
    error = result.error or {}
    return f"{error.get('code')}: {error.get('message')} ({error.get('details')})"
