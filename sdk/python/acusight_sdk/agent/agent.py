"""The device agent: capture frames, run the model, queue, upload, check in — unattended and offline first.

Three loops run beside the caller's captures: check-ins (on the platform's interval, sending health and
the model running, taking model updates and the sampling policy), the sender (queue to platform, with
backoff), and, from the CLI, a watched folder. A capture only writes to the local queue, so it works
with the platform unreachable; the sender catches up when it is back.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from datetime import datetime, timezone
from typing import Any

from acusight_sdk.agent import frames
from acusight_sdk.agent.config import AgentConfig
from acusight_sdk.agent.identity import SetupError, agent_retry, device_key, prepare_state_dir
from acusight_sdk.agent.models import ModelSlot
from acusight_sdk.agent.queue import FrameQueue
from acusight_sdk.agent.sender import RETRYABLE, Backoff, KeyRejected, Sender
from acusight_sdk.agent.watch import Watcher
from acusight_sdk.device import DeviceClient, Frame
from acusight_sdk.errors import ApiError
from acusight_sdk.sampling import Sampler

log = logging.getLogger("acusight_sdk.agent")
AGENT_VERSION = "0.1.0"
IDLE_S = 1.0  # the sender's wait when the queue is empty, unless a capture wakes it first


class Agent:
    """``Agent(config).start()``, then :meth:`capture` frames; :meth:`stop` ends the loops and leaves
    what was not sent in the queue for the next start. :meth:`run` does both around a watched folder."""

    def __init__(self, config: AgentConfig) -> None:
        self.config = config
        self.stopping = threading.Event()
        # Why the agent stopped by itself (a key the platform refused), for the CLI to say.
        self.fatal: str | None = None
        self.checkin_interval_s = config.checkin_interval_s
        self.upload_enabled = True
        # The platform's upload policy: frames go up at most once per this many seconds (0: as they come).
        self.upload_min_interval_s = 0.0
        self._last_upload: float | None = None
        self.sampler = Sampler(None)
        self.models = ModelSlot(config.model_dir)
        self.client: DeviceClient | None = None
        self.queue: FrameQueue | None = None
        self.sender: Sender | None = None
        self._wake = threading.Event()
        self._capture_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._started_at = time.monotonic()
        self._checkin_failing = False

    # -- life cycle ------------------------------------------------------------------------------------

    def start(self) -> None:
        """Provision (first start only), open the queue, load the model kept, check in once, and start
        the loops. Raises :class:`SetupError` with a message for anything the operator must fix."""
        prepare_state_dir(self.config.state_dir)
        key = device_key(self.config)
        self.client = DeviceClient(self.config.api, key, self.config.model_dir, retry=agent_retry())
        self.queue = FrameQueue(
            self.config.queue_file, self.config.queue_max_bytes, self.config.queue_max_frames
        )
        self.sender = Sender(self.client, self.queue, self.config.batch_size)
        self.models.restore()
        try:
            self.checkin()
        except KeyRejected as exc:
            self.close()
            raise SetupError(_key_rejected(self.config, str(exc))) from exc
        except RETRYABLE as exc:
            self._checkin_failing = True
            log.warning("first check-in failed (%s): running offline, frames are queued", _short(exc))
        self._spawn("checkin", self._checkin_loop)
        self._spawn("sender", self._send_loop)

    def watch(self) -> None:
        """Capture the image files written into the configured folder (the CLI's source of frames)."""
        if self.config.watch is None:
            return
        watcher = Watcher(
            self.config.watch, self.capture, self.config.watch_done, poll_s=self.config.watch_poll_s
        )
        watcher.check()
        self._spawn("watch", lambda: watcher.run(self.stopping))

    def run(self) -> int:
        """Start, watch, and block until :meth:`stop` (a signal handler calls it). 0, or 1 after a fatal
        stop."""
        self.start()
        self.watch()
        while not self.stopping.wait(0.5):
            pass
        self.close()
        return 1 if self.fatal else 0

    def stop(self) -> None:
        self.stopping.set()
        self._wake.set()

    def close(self, timeout: float = 15.0) -> None:
        """Stop and wait for the loops (an upload in flight finishes or is abandoned: it is still queued)."""
        self.stop()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()
        if self.queue is not None:
            self.queue.close()
            self.queue = None
        if self.client is not None:
            self.client.close()

    def _spawn(self, name: str, target: Any) -> None:
        thread = threading.Thread(target=target, name=f"acusight-agent-{name}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _fatal(self, exc: KeyRejected) -> None:
        self.fatal = _key_rejected(self.config, str(exc))
        log.error("%s", self.fatal)
        self.stop()

    # -- frames ----------------------------------------------------------------------------------------

    def capture(
        self,
        data: bytes,
        captured_at: datetime | str | None = None,
        metadata: dict[str, Any] | None = None,
        filename: str | None = None,
    ) -> str:
        """Take one encoded frame (JPEG, PNG, WebP): run the model, keep its prediction to report, and
        queue the frame if it is to be uploaded. Answers why (``no model``, ``uncertain``, ``confident``,
        ...). Durable once it returns; never needs the network."""
        if self.queue is None:
            raise RuntimeError("start() the agent first")
        if isinstance(captured_at, datetime):
            at = captured_at if captured_at.tzinfo else captured_at.replace(tzinfo=timezone.utc)
            captured_at = at.isoformat()
        at_text = captured_at or datetime.now(timezone.utc).isoformat()
        with self._capture_lock:
            try:
                outcome = frames.decide(self.models.current, self.sampler, data, at_text, metadata, filename)
            except Exception as exc:  # not an image the model can read: the platform judges the bytes
                if self.models.current is not None and frames.decodes(data):
                    self.models.runs_failed += 1  # the image is fine: the model failed (said at check-in)
                    log.warning("the model failed on a frame (%s): queued without a prediction", exc)
                else:
                    log.warning("the model could not read a frame (%s): queued without a prediction", exc)
                outcome = frames.Outcome(Frame(data, filename, at_text, metadata), None, "unreadable")
        if outcome.prediction is not None:
            self.queue.add_predictions([outcome.prediction])
        if outcome.frame is not None:
            evicted = self.queue.put(outcome.frame)
            if evicted:
                log.warning("queue full: %d oldest frames evicted", evicted)
        self._wake.set()
        return outcome.reason

    # -- check-ins -------------------------------------------------------------------------------------

    def checkin(self) -> dict[str, Any]:
        """One check-in: health and the model running out, the platform's config in; a newly assigned
        model is fetched and swapped in (said at the next check-in)."""
        assert self.client is not None
        self.client.running_export_id = self.models.running_export_id
        self.client.model_error = self.models.error
        self.client.failed_export_id = self.models.failed_export_id
        self.client.runs_failed = self.models.runs_failed
        try:
            config = self.client.checkin(**self.health())
            self.models.runs_failed = self.client.runs_failed  # what was said is off the count
        except ApiError as exc:
            if exc.status == 401:
                raise KeyRejected(exc.message) from exc
            raise
        self.checkin_interval_s = float(config.get("checkin_interval_s") or self.config.checkin_interval_s)
        policy = config.get("upload_policy") or {}
        self.upload_enabled = bool(policy.get("enabled", True))
        self.upload_min_interval_s = float(policy.get("min_interval_s") or 0)
        self.sampler.update(config.get("sampling"))
        info = config["model"] if "model" in config else self.client.assigned_model()
        self.models.update(self.client, info)
        return config

    def health(self) -> dict[str, Any]:
        """What a check-in says of the device: uptime, disk, and the queue's state and counters."""
        assert self.queue is not None
        stats = self.queue.stats()
        metrics: dict[str, Any] = {
            "agent_version": AGENT_VERSION,
            "queue_frames": stats.frames,
            "queue_bytes": stats.bytes,
            "predictions_pending": stats.predictions,
            **{f"{name}_total": value for name, value in sorted(stats.counters.items())},
        }
        health: dict[str, Any] = {
            "uptime_s": int(time.monotonic() - self._started_at),
            "disk_free_mb": shutil.disk_usage(self.config.state_dir).free / 2**20,
            "metrics": metrics,
        }
        if self.config.firmware_version:
            health["firmware_version"] = self.config.firmware_version
        return health

    def _checkin_loop(self) -> None:
        backoff = Backoff(self.config.backoff_initial_s, self.config.backoff_max_s)
        while True:
            wait = backoff.next() if self._checkin_failing else self.checkin_interval_s
            if self.stopping.wait(min(wait, self.checkin_interval_s)):
                return
            try:
                self.checkin()
            except KeyRejected as exc:
                self._fatal(exc)
                return
            except Exception as exc:  # offline, a 5xx, a model that would not download: try again later
                if isinstance(exc, RETRYABLE):
                    log.warning("check-in failed: %s", _short(exc))
                else:
                    log.exception("check-in failed")
                self._checkin_failing = True
                continue
            self._checkin_failing = False
            backoff.reset()

    # -- sending ---------------------------------------------------------------------------------------

    def _send_loop(self) -> None:
        assert self.sender is not None
        backoff = Backoff(self.config.backoff_initial_s, self.config.backoff_max_s)
        while not self.stopping.is_set():
            try:
                sent = 0
                if self.upload_due():
                    sent = self.sender.send_frames()
                    if sent:
                        self._last_upload = time.monotonic()
                sent += self.sender.send_report()
            except KeyRejected as exc:
                self._fatal(exc)
                return
            except RETRYABLE as exc:
                delay = backoff.next()
                log.warning("sending failed (%s): next try in %.1f s", _short(exc), delay)
                self.stopping.wait(delay)
                continue
            except Exception:
                delay = backoff.next()
                log.exception("sending failed: next try in %.1f s", delay)
                self.stopping.wait(delay)
                continue
            if backoff.failures:
                log.info("sending again after %d failed tries", backoff.failures)
            backoff.reset()
            if not sent:
                self._wake.wait(IDLE_S)
                self._wake.clear()

    def upload_due(self) -> bool:
        """Whether frames may go up now: uploads are on, and the policy's least interval since the last
        upload request has passed (the frames wait in the queue meanwhile; reports are not held)."""
        if not self.upload_enabled:
            return False
        last = self._last_upload
        return last is None or time.monotonic() - last >= self.upload_min_interval_s

    def drain(self, timeout: float) -> bool:
        """Wait until the queue is empty (frames and predictions); True when it is. For tests and for a
        caller that wants to stop only once everything is sent."""
        assert self.queue is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            stats = self.queue.stats()
            if stats.frames == 0 and stats.predictions == 0:
                return True
            self._wake.set()
            time.sleep(0.1)
        return False


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def _key_rejected(config: AgentConfig, said: str) -> str:
    return (
        f"the platform does not know this device's key any more ({said}): the device was deleted or its "
        f"key revoked. Remove {config.key_file} and start with --token to provision it again"
    )
