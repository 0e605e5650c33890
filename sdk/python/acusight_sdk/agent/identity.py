"""Who the agent is to the platform: its device key, provisioned once and kept in a file only the agent's
user may read.

The key is shown by the platform once, at provisioning, and is as good as the device itself: the file is
created 0600 and the agent refuses to start when it finds it readable by group or others (someone could
have copied it), rather than fixing the mode silently.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import httpx

from acusight_sdk.agent.config import AgentConfig
from acusight_sdk.device import DeviceClient
from acusight_sdk.errors import AcusightError, ApiError
from acusight_sdk.transport import RetryPolicy

log = logging.getLogger("acusight_sdk.agent")


class SetupError(AcusightError):
    """The agent cannot start: the message says why and what to do (the CLI prints it, no traceback)."""


def prepare_state_dir(state_dir: Path) -> None:
    """Create the state dir (0700) and check the agent may write there."""
    try:
        state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe = state_dir / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise SetupError(f"the state dir {state_dir} is not writable: {exc.strerror or exc}") from exc


def read_key(path: Path) -> str | None:
    """The kept key, or None when there is none yet. Refuses a file others may read."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SetupError(
            f"{path} is readable by others (mode {stat.S_IMODE(mode):04o}): the device key must be private. "
            f"Run `chmod 600 {path}` if nobody else could have read it, or revoke the device and provision "
            "it again"
        )
    key = path.read_text().strip()
    if not key:
        raise SetupError(f"{path} is empty: remove it and start with --token to provision again")
    return key


def write_key(path: Path, key: str) -> None:
    """Write the key to a new file created 0600 (never readable by others, not even for a moment)."""
    part = path.with_name(path.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, key.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(part, path)


def device_key(config: AgentConfig) -> str:
    """The device's key: the kept one, else a new one from provisioning with the config's token."""
    kept = read_key(config.key_file)
    if kept is not None:
        return kept
    if not config.token:
        raise SetupError(
            f"no device key in {config.key_file}: start once with --token (a provisioning token from "
            "the platform, `POST /api/provisioning-tokens`) to provision this device"
        )
    serial, name = config.device_serial(), config.device_name()
    log.info("provisioning at %s as serial %r, name %r", config.api, serial, name)
    try:
        client = DeviceClient.provision(config.api, config.token, serial, name)
    except ApiError as exc:
        if exc.status == 401:
            raise SetupError(f"the provisioning token was refused: {exc.message} ({exc.details})") from exc
        if exc.status == 409:
            raise SetupError(
                f"serial number {serial!r} is already registered: give another --serial, or delete "
                "that device on the platform"
            ) from exc
        raise SetupError(f"provisioning failed: {exc}") from exc
    except httpx.HTTPError as exc:
        raise SetupError(f"cannot reach the platform at {config.api} to provision: {exc}") from exc
    client.close()
    write_key(config.key_file, client.key)
    log.info("provisioned; the device key is kept in %s", config.key_file)
    return client.key


def agent_retry() -> RetryPolicy:
    """The transport's own retries, kept short: the agent's loops wait and retry themselves, and a stop
    must not wait behind a two-minute retry."""
    return RetryPolicy(attempts=3, initial=0.2, maximum=2.0, deadline=10.0)
