"""The secret key a command signs with, and whether the API signs with the same one.

The API signs tokens with ACUSIGHT_SECRET_KEY, else with ``<data dir>/secret_key``. A token signed
with another key is refused by the API ("Signature verification failed"), so a command that signs
(``users token``) refuses, in one line, to sign with a key the API does not use: none at all (it would
have to make one up), or one whose fingerprint differs from the one ``acusight serve`` recorded in the
data dir (``signing_key_id``) when it last started there.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from acusight.cli._datadir import DataDir, DataDirError
from acusight_settings import Settings, env_name

KEY_FILE = "secret_key"
# What `acusight serve` last signed with here: a fingerprint of the key (not the key), and its source.
KEY_ID_FILE = "signing_key_id"
ENV_KEY = env_name("secret_key")


@dataclass(frozen=True)
class Key:
    value: str
    source: str  # ACUSIGHT_SECRET_KEY, or the key file's path


def find(data_dir: DataDir) -> Key | None:
    """The key the API would sign with from this environment and data dir; None: none exists yet."""
    value = Settings.load(data_dir=data_dir.path).secret_key
    if value:
        return Key(value, ENV_KEY)
    path = data_dir.path / KEY_FILE
    if path.is_file():
        return Key(path.read_text().strip(), str(path))
    return None


def fingerprint(value: str) -> str:
    """A short identifier of a key that tells nothing about it."""
    return hmac.new(value.encode(), b"acusight signing key id", hashlib.sha256).hexdigest()[:16]


def record_serving_key(data_dir: Path, value: str) -> None:
    """Remember (for `users token`) which key the API starting on this data dir signs with."""
    source = ENV_KEY if Settings.load(data_dir=data_dir).secret_key else str(data_dir / KEY_FILE)
    record = {"key_id": fingerprint(value), "from": source, "started_at": datetime.now(UTC).isoformat()}
    path = data_dir / KEY_ID_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record) + "\n")
    os.replace(tmp, path)


def require_serving_key(data_dir: DataDir, key: Key | None) -> None:
    """Refuse (exit 2) to sign without a key, or with one the API last started here did not use."""
    if key is None:
        raise DataDirError(
            f"no secret key to sign with: {ENV_KEY} is unset and {data_dir.path / KEY_FILE} does not exist "
            f"(data dir {data_dir.describe()}); set {ENV_KEY} as the API has it, or point --data-dir (or "
            "ACUSIGHT_DATA_DIR) at the API's data dir"
        )
    try:
        recorded = json.loads((data_dir.path / KEY_ID_FILE).read_text())
    except (OSError, ValueError):
        return  # no API has started here (or a record we cannot read): nothing to compare with
    if not isinstance(recorded, dict) or recorded.get("key_id") in (None, fingerprint(key.value)):
        return
    raise DataDirError(
        f"the secret key from {key.source} is not the one the API started on {data_dir.path} at "
        f"{recorded.get('started_at', '?')} signs with (from {recorded.get('from', '?')}): it would refuse "
        f"this token (Signature verification failed); run this with the API's {ENV_KEY}, or unset it to "
        f"use {data_dir.path / KEY_FILE}"
    )
