"""The model the agent runs, and its replacement when the platform assigns another.

An update is: download beside ``<sha256>.onnx`` (a hidden ``.part`` file), check the sha256, rename
into place, load it with onnxruntime, and only then record it as current (``current.json``, itself
written by rename). Until that last step the previous model keeps running; a download that does not
match its checksum, or a file that will not load, leaves it running and is said at the next check-in
as ``model_error``. A file that failed to load is not fetched again until the platform assigns another.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from acusight_sdk.device import ChecksumMismatch, DeviceClient

log = logging.getLogger("acusight_sdk.agent")
POINTER = "current.json"
MAX_ERROR = 500  # what a check-in's model_error holds


@dataclass(frozen=True)
class Held:
    """A loaded model and what the platform said of it (``export_id``, ``sha256``, ``task``, ...)."""

    info: dict[str, Any]
    path: Path
    model: Any  # acusight_sdk.model.DeviceModel (imported lazily: numpy and onnxruntime)

    @property
    def export_id(self) -> int:
        return int(self.info["export_id"])


def _load(path: Path) -> Any:
    from acusight_sdk.model import DeviceModel

    return DeviceModel(path)


class ModelSlot:
    """Holds the current model; :meth:`update` swaps it atomically or not at all."""

    def __init__(self, directory: Path, loader: Callable[[Path], Any] = _load) -> None:
        self.directory = directory
        self.loader = loader
        self.current: Held | None = None
        self.error: str | None = None
        # The export that failed (checksum, load) while the current one kept running; None once one loads.
        self.failed_export_id: int | None = None
        # Inference runs of the current model that raised since the last check-in said them.
        self.runs_failed = 0
        self._failed: set[str] = set()  # sha256 of files that would not load
        self._lock = threading.Lock()

    def restore(self) -> None:
        """At start: load the model recorded as current, so the agent runs offline as it did."""
        pointer = self.directory / POINTER
        if not pointer.exists():
            return
        try:
            info = json.loads(pointer.read_text())
            path = self.directory / f"{info['sha256']}.onnx"
            self.current = Held(info, path, self.loader(path))
            log.info("running export %s (%s)", info["export_id"], path.name)
        except Exception as exc:  # a damaged state dir: start without a model; the platform sends one
            self.error = _said(f"the model kept in {self.directory} would not load: {exc}")
            log.error("%s", self.error)

    @property
    def running_export_id(self) -> int | None:
        return self.current.export_id if self.current else None

    def update(self, client: DeviceClient, info: dict[str, Any] | None) -> bool:
        """Make ``info`` (the check-in's ``config.model``; None: nothing assigned) the running model.
        True when the model changed. Network failures propagate (the next check-in tries again)."""
        with self._lock:
            if info is None:
                if self.current is not None:
                    log.info("no model is assigned any more: export %s unloaded", self.current.export_id)
                    self.current, self.error = None, None
                    (self.directory / POINTER).unlink(missing_ok=True)
                    return True
                return False
            sha = str(info["sha256"])
            if self.current is not None and self.current.info.get("sha256") == sha:
                self.current = Held(info, self.current.path, self.current.model)  # newer sampling etc.
                return False
            if sha in self._failed:
                return False
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / f"{sha}.onnx"
            try:
                client.download_model(info, path)
            except ChecksumMismatch as exc:
                self.error, self.failed_export_id = _said(str(exc)), int(info["export_id"])
                log.error("model update refused, keeping %s: %s", self._running(), exc)
                return False
            try:
                model = self.loader(path)
            except Exception as exc:
                self._failed.add(sha)
                path.unlink(missing_ok=True)
                self.error = _said(f"export {info['export_id']} would not load: {exc}")
                self.failed_export_id = int(info["export_id"])
                log.error("model update failed, keeping %s: %s", self._running(), self.error)
                return False
            previous = self.current
            self._write_pointer(info)
            self.current, self.error, self.failed_export_id = Held(info, path, model), None, None
            self.runs_failed = 0
            log.info("now running export %s (%s)", info["export_id"], info.get("task", "classification"))
            self._prune(keep={path, previous.path if previous else path})
            return True

    def _running(self) -> str:
        return f"export {self.current.export_id}" if self.current else "no model"

    def _write_pointer(self, info: dict[str, Any]) -> None:
        part = self.directory / (POINTER + ".part")
        part.write_text(json.dumps(info))
        os.replace(part, self.directory / POINTER)

    def _prune(self, keep: set[Path]) -> None:
        """Remove older model files, keeping the current one and the one it replaced, and downloads a
        crash left half done (hidden ``.part`` files: the one in flight is this thread's own)."""
        for path in [*self.directory.glob("*.onnx"), *self.directory.glob(".*.onnx.*.part")]:
            if path not in keep:
                path.unlink(missing_ok=True)


def _said(message: str) -> str:
    return message[:MAX_ERROR]
