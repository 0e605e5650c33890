"""A watched folder as a source of frames: a camera process writes image files there, the agent
captures each one (queued durably first) and then removes it, or moves it to a "done" folder.

Polling, not inotify: it works the same on every OS and on network mounts. A file is taken once it has
not changed for ``settle_s`` (a writer still writing would otherwise be read half-way); writers should
still write to a hidden or ``.part`` name and rename, which is never taken early.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

log = logging.getLogger("acusight_sdk.agent")
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})
Capture = Callable[..., object]


def ready_files(folder: Path, settle_s: float, now: float | None = None) -> list[Path]:
    """Image files in ``folder`` left unchanged for ``settle_s``, oldest first."""
    now = time.time() if now is None else now
    found = []
    for entry in os.scandir(folder):
        name = entry.name
        if name.startswith(".") or not entry.is_file() or Path(name).suffix.lower() not in IMAGE_SUFFIXES:
            continue
        try:
            mtime = entry.stat().st_mtime
        except FileNotFoundError:
            continue
        if now - mtime >= settle_s:
            found.append((mtime, Path(entry.path)))
    return [path for _, path in sorted(found)]


def take(path: Path, capture: Capture, done: Path | None) -> bool:
    """Capture one file, then remove it (or move it into ``done``). False when it vanished meanwhile."""
    try:
        data = path.read_bytes()
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return False
    captured_at = datetime.fromtimestamp(mtime, timezone.utc).isoformat()
    capture(data, captured_at=captured_at, filename=path.name)
    # Queued durably before the file goes: a crash in between captures it again (the same sha256).
    if done is None:
        path.unlink(missing_ok=True)
    else:
        shutil.move(str(path), str(done / path.name))
    return True


class Watcher:
    def __init__(
        self,
        folder: Path,
        capture: Capture,
        done: Path | None = None,
        poll_s: float = 0.5,
        settle_s: float = 0.5,
    ) -> None:
        self.folder, self.capture, self.done = folder, capture, done
        self.poll_s, self.settle_s = poll_s, settle_s

    def check(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.done is not None:
            self.done.mkdir(parents=True, exist_ok=True)

    def run(self, stop: threading.Event) -> None:
        log.info("watching %s for image files", self.folder)
        while not stop.is_set():
            try:
                for path in ready_files(self.folder, self.settle_s):
                    if stop.is_set():
                        break
                    take(path, self.capture, self.done)
            except Exception:  # an unreadable file or folder: say so, keep watching
                log.exception("watching %s", self.folder)
            stop.wait(self.poll_s)
