"""What a flow needs to know, from ACUSIGHT_* environment variables: the API and local folders."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Parts of the values example files ship (lower case); a service key holding one is refused.
PLACEHOLDERS = ("change-me", "change_me", "changeme", "replace-me", "replace_me", "0123456789abcdef")


def check_service_key(key: str) -> None:
    """Refuse a service key left from an example file (deploy/.env.example once shipped ask_replace_me)."""
    if any(part in key.lower() for part in PLACEHOLDERS):
        raise ValueError(
            "ACUSIGHT_SERVICE_KEY holds an example placeholder; set the key `acusight service-key "
            "--no-save` prints (its last line)"
        )


@dataclass(frozen=True)
class FlowSettings:
    """A worker machine's view: the platform's URL and credential, and where it keeps its work."""

    api_url: str
    service_key: str
    data_dir: Path
    dvc_repo: Path
    dvc_remote: str
    dvc_remote_endpoint: str

    @classmethod
    def from_env(cls) -> FlowSettings:
        data_dir = Path(os.environ.get("ACUSIGHT_DATA_DIR", "var")).resolve()
        key = os.environ.get("ACUSIGHT_SERVICE_KEY", "")
        key_file = data_dir / "service_key"
        if not key and key_file.exists():
            key = key_file.read_text().strip()
        check_service_key(key)
        return cls(
            api_url=os.environ.get("ACUSIGHT_API_URL", "http://127.0.0.1:8080/api").rstrip("/"),
            service_key=key,
            data_dir=data_dir,
            dvc_repo=Path(os.environ.get("ACUSIGHT_DVC_REPO", data_dir / "dvc" / "repo")),
            dvc_remote=os.environ.get("ACUSIGHT_DVC_REMOTE", str(data_dir / "dvc" / "remote")),
            # An S3-compatible server other than AWS (MinIO, Ceph…) for an s3:// remote.
            dvc_remote_endpoint=os.environ.get("ACUSIGHT_DVC_REMOTE_ENDPOINT_URL", ""),
        )
