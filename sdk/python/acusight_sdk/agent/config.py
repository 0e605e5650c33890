"""The agent's settings: command-line flags over ``ACUSIGHT_AGENT_*`` variables over defaults.

Only what the device itself must know lives here; what the platform decides (how often to check in,
which model, which frames to upload) comes with each check-in.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

ENV_PREFIX = "ACUSIGHT_AGENT_"


class ConfigError(ValueError):
    """A setting the agent cannot run with; the message says which and why."""


@dataclass
class AgentConfig:
    api: str
    state_dir: Path
    # Provisioning, needed only on the first start (later starts reuse the key kept in state_dir).
    token: str | None = None
    serial: str | None = None
    name: str | None = None
    # A folder a camera process writes image files into; each is captured, then removed (or moved to
    # watch_done).
    watch: Path | None = None
    watch_done: Path | None = None
    watch_poll_s: float = 0.5
    # The queue's bounds: past either, the oldest frames are evicted.
    queue_max_mb: float = 512.0
    queue_max_frames: int | None = None
    batch_size: int = 16
    # Until the first check-in answers with the platform's interval.
    checkin_interval_s: float = 60.0
    # Waits between upload tries after a failure: doubling from the first to the most, with jitter.
    backoff_initial_s: float = 1.0
    backoff_max_s: float = 60.0
    firmware_version: str | None = None
    log_level: str = "INFO"

    @property
    def queue_max_bytes(self) -> int | None:
        return int(self.queue_max_mb * 1024 * 1024) if self.queue_max_mb > 0 else None

    @property
    def key_file(self) -> Path:
        return self.state_dir / "device.key"

    @property
    def queue_file(self) -> Path:
        return self.state_dir / "queue.sqlite3"

    @property
    def model_dir(self) -> Path:
        return self.state_dir / "models"

    def device_name(self) -> str:
        return self.name or f"agent {self.device_serial()}"

    def device_serial(self) -> str:
        return self.serial or socket.gethostname()

    def check(self) -> None:
        if not self.api:
            raise ConfigError("--api (or ACUSIGHT_AGENT_API) is required: the platform's URL")
        if not self.api.startswith(("http://", "https://")):
            raise ConfigError(f"--api {self.api!r}: give an http:// or https:// URL")
        if self.batch_size < 1:
            raise ConfigError("--batch-size must be at least 1")
        if self.queue_max_frames is not None and self.queue_max_frames < 1:
            raise ConfigError("--queue-max-frames must be at least 1")


def _convert(name: str, kind: Any, raw: str) -> Any:
    kind = str(kind)
    try:
        if "Path" in kind:
            return Path(raw).expanduser()
        if kind.startswith("float"):
            return float(raw)
        if kind.startswith("int"):
            return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{ENV_PREFIX}{name.upper()}={raw!r}: not a number") from exc
    return raw


def from_sources(flags: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> AgentConfig:
    """Flags (None: not given) over ``ACUSIGHT_AGENT_<NAME>`` over the defaults."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for spec in fields(AgentConfig):
        given = flags.get(spec.name)
        if given is not None:
            values[spec.name] = given
            continue
        raw = environ.get(ENV_PREFIX + spec.name.upper())
        if raw not in (None, ""):
            values[spec.name] = _convert(spec.name, spec.type, str(raw))
    if "api" not in values:
        raise ConfigError("--api (or ACUSIGHT_AGENT_API) is required: the platform's URL")
    if "state_dir" not in values:
        raise ConfigError(
            "--state-dir (or ACUSIGHT_AGENT_STATE_DIR) is required: where the agent keeps its key"
        )
    values["state_dir"] = Path(values["state_dir"]).expanduser()
    config = AgentConfig(**values)
    config.check()
    return config
