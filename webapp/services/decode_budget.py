"""A memory budget for decoding images whole, shared by every process of one server.

An image decoded whole holds its whole frame (Pillow keeps RGB and RGBA at 4 bytes a pixel: 256 MB
for 64 MP). Gunicorn runs several worker processes of several threads each, so a bound per process
bounds nothing for the server; this one is kept in the data dir, which all of them share.

The budget is cut into slots of :data:`SLOT_BYTES`; each slot is a file under ``<data dir>/decode-budget``
and is held with ``flock``. A decode takes as many slots as its estimated peak needs, all of them or
none (so two decodes never hold half each and wait on one another), and gives them back when it ends,
raises, or its process dies (the kernel drops a dead process's locks; nothing is left to clean up).
``flock`` locks belong to an open file description, so threads of one process, each opening the slot
file itself, exclude one another like processes do.

A decode that finds too few free slots tries again every few tens of milliseconds until
``wait_s`` has passed, then answers 503 with Retry-After. A decode larger than the whole budget takes
every slot, so it runs alone. Small decodes (under :data:`SMALL_BYTES`, such as a camera JPEG's
1/8-scale check) do not take part: the request threads bound them well enough.

The first decode in a process also fixes glibc's mmap threshold (:func:`_return_big_blocks_to_the_kernel`).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import functools
import math
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from webapp.errors import ServiceUnavailable

SLOT_BYTES = 16 * 1024 * 1024
SMALL_BYTES = 8 * 1024 * 1024
_POLL_S = (0.02, 0.1)  # the pause between tries is drawn in this range, so waiters do not move in step
# glibc (mallopt): allocations at least this large are mmap'd, and unmapped again when freed.
MMAP_THRESHOLD_BYTES = 1024 * 1024
_M_MMAP_THRESHOLD = -3


def _return_big_blocks_to_the_kernel() -> None:
    """Make glibc give large freed blocks back to the kernel at once.

    glibc mmaps an allocation over its mmap threshold (128 KB to start with) and unmaps it when
    freed, but the first such free raises the threshold to that block's size (up to 32 MB). From
    then on, Pillow's 16 MB image blocks come from the heap arenas of the request threads, and once
    freed they stay in the process: eight 64 MP PNG thumbnails left 2.73 GB held in one worker
    (docs/benchmarks.md). A fixed threshold turns that adjustment off. It costs one mmap and munmap
    per allocation of 1 MB or more, nothing next to decoding that much. No-op where glibc is absent.
    """
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


@functools.cache
def before_decoding() -> None:
    """Once per process, in processes that decode images (the API's workers; not the gunicorn
    master, nor CLI commands and flow workers that never decode)."""
    if os.environ.get("ACUSIGHT_KEEP_MALLOC_DEFAULTS", "") != "1":  # the benchmark's switch
        _return_big_blocks_to_the_kernel()


class BudgetExhausted(ServiceUnavailable):
    """No room to decode an image within the budget in time; the client should retry later."""

    def __init__(self, message: str, details: str, retry_after_s: int) -> None:
        super().__init__(message, details)
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class DecodeBudget:
    """``total_bytes`` of decoding at once, shared through slot files in ``directory``."""

    directory: Path
    total_bytes: int
    wait_s: float
    slot_bytes: int = SLOT_BYTES

    @property
    def slots(self) -> int:
        return max(1, self.total_bytes // self.slot_bytes)

    def slots_for(self, nbytes: int) -> int:
        """Slots a decode of ``nbytes`` takes: 0 when small, at most all of them."""
        if nbytes < SMALL_BYTES:
            return 0
        return min(self.slots, math.ceil(nbytes / self.slot_bytes))

    @contextlib.contextmanager
    def reserve(self, nbytes: int, what: str = "image") -> Iterator[int]:
        """Hold room for a decode of about ``nbytes`` for the block; yields the slots held.

        Raises :class:`BudgetExhausted` (503) if the room is not free within ``wait_s``.
        """
        needed = self.slots_for(nbytes)
        if needed == 0:
            yield 0
            return
        held = self._acquire(needed, what, nbytes)
        try:
            yield needed
        finally:
            for fd in held:
                os.close(fd)  # closing the only descriptor of the open file drops its lock

    def busy_slots(self) -> int:
        """How many slots some decode holds right now (for tests and benchmarks)."""
        busy = 0
        for index in range(self.slots):
            fd = self._open(index)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                busy += 1
            finally:
                os.close(fd)
        return busy

    def _open(self, index: int) -> int:
        path = self.directory / f"slot-{index:04d}"
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except FileNotFoundError:
            self.directory.mkdir(parents=True, exist_ok=True)
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)

    def _try_acquire(self, needed: int) -> list[int] | None:
        """``needed`` free slots, locked; None (nothing held) if there are fewer free."""
        held: list[int] = []
        start = random.randrange(self.slots)  # decodes spread over the slots instead of all trying slot 0
        for step in range(self.slots):
            fd = self._open((start + step) % self.slots)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    for other in held:
                        os.close(other)
                    raise
                continue
            held.append(fd)
            if len(held) == needed:
                return held
        for fd in held:
            os.close(fd)
        return None

    def _acquire(self, needed: int, what: str, nbytes: int) -> list[int]:
        deadline = time.monotonic() + self.wait_s
        while True:
            held = self._try_acquire(needed)
            if held is not None:
                return held
            if time.monotonic() >= deadline:
                raise BudgetExhausted(
                    "The server is busy decoding other large images; retry later",
                    f"decoding this {what} needs about {nbytes // (1024 * 1024)} MB of the "
                    f"{self.total_bytes // (1024 * 1024)} MB decode budget, which stayed in use for "
                    f"{self.wait_s:g} s",
                    retry_after_s=max(1, math.ceil(self.wait_s / 4)),
                )
            time.sleep(random.uniform(*_POLL_S))


def current() -> DecodeBudget | None:
    """The budget of the app serving this request (its settings: data dir, size, wait); None outside
    an app, where nothing is shared to bound."""
    try:
        from flask import current_app, has_app_context
    except ImportError:  # pragma: no cover - Flask is a dependency of the whole package
        return None
    if not has_app_context():
        return None
    extensions = current_app.extensions
    budget = extensions.get("acusight.decode_budget")
    if budget is None:
        settings = extensions.get("acusight.settings")
        if settings is None:
            return None
        budget = DecodeBudget(
            Path(settings.data_dir) / "decode-budget",
            settings.decode_memory_mb * 1024 * 1024,
            float(settings.decode_wait_s),
        )
        extensions["acusight.decode_budget"] = budget
    return budget


@contextlib.contextmanager
def reserve(nbytes: int, what: str = "image") -> Iterator[int]:
    """:meth:`DecodeBudget.reserve` on the current app's budget; unbounded outside an app.

    In a request, a refusal also gets a Retry-After header on its 503.
    """
    before_decoding()
    budget = current()
    if budget is None:
        yield 0
        return
    stack = contextlib.ExitStack()
    try:
        slots = stack.enter_context(budget.reserve(nbytes, what))
    except BudgetExhausted as exc:
        _add_retry_after(exc.retry_after_s)
        raise
    with stack:
        yield slots


def _add_retry_after(seconds: int) -> None:
    from flask import Response, after_this_request, has_request_context

    if not has_request_context():
        return

    def add(response: Response) -> Response:
        response.headers["Retry-After"] = str(seconds)
        return response

    after_this_request(add)
