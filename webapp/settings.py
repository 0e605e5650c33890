"""Settings read from ACUSIGHT_* environment variables, with embedded defaults."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, fields
from datetime import timedelta
from pathlib import Path
from typing import Any

ENV_PREFIX = "ACUSIGHT_"
# A shorter ACUSIGHT_SECRET_KEY, or a placeholder left from an example file, is refused at start.
MIN_SECRET_KEY_CHARS = 32
# Field annotations are strings under postponed evaluation; these are the ones we coerce.
_TYPE_NAMES: dict[str, type] = {"Path": Path, "str": str, "int": int, "bool": bool, "float": float}


def _secret_from_data_dir(data_dir: Path) -> str:
    """Read the secret kept in the data dir, creating it (mode 0600) on first use."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL so two processes starting at once agree on one key: the loser reads the winner's.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


# Parts of the values example files ship (lower case); a secret holding one is refused at start.
PLACEHOLDERS = ("change-me", "change_me", "changeme", "replace-me", "replace_me", "0123456789abcdef")


class SecretError(ValueError):
    """A secret refused at start; the command line prints its message alone (no traceback)."""


def is_placeholder(value: str) -> bool:
    return any(part in value.lower() for part in PLACEHOLDERS)


def _check_secret_key(key: str) -> None:
    """Refuse a secret anyone could guess: it signs every user's tokens."""
    if len(key) < MIN_SECRET_KEY_CHARS or is_placeholder(key):
        raise SecretError(
            f"ACUSIGHT_SECRET_KEY must be at least {MIN_SECRET_KEY_CHARS} random characters, not a "
            "placeholder (python -c 'import secrets; print(secrets.token_urlsafe(48))'), or unset to "
            "keep one generated in the data dir"
        )


def _database_password(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).password or ""
    except (ArgumentError, ValueError):
        return ""


def _check_placeholders(settings: Settings) -> None:
    """Refuse every secret the API reads that still holds an example file's placeholder."""
    secrets_read = {
        "ACUSIGHT_DATABASE_URL (its password)": _database_password(settings.database_url),
        "ACUSIGHT_LABEL_STUDIO_TOKEN": settings.label_studio_token,
        "ACUSIGHT_OIDC_CLIENT_SECRET": settings.oidc_client_secret,
        # Read from the environment by boto3 (the s3 blob backend) and by Prefect's client.
        "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
        "PREFECT_API_AUTH_STRING": os.environ.get("PREFECT_API_AUTH_STRING", ""),
    }
    for name, value in secrets_read.items():
        if value and is_placeholder(value):
            raise SecretError(
                f"{name} holds an example placeholder; set a secret of its own "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )


def _coerce(value: str, kind: type) -> Any:
    if kind is bool:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if kind is int:
        return int(value)
    if kind is float:
        return float(value)
    if kind is Path:
        return Path(value)
    return value


@dataclass
class Settings:
    """Every knob of the platform; each field maps to ACUSIGHT_<FIELD NAME IN CAPS>."""

    data_dir: Path = Path("var")
    database_url: str = ""
    secret_key: str = ""
    access_token_minutes: int = 60
    refresh_token_days: int = 30
    # A sign-in's refresh tokens stop this long after the sign-in itself, however often they are used.
    session_max_days: int = 30
    # OpenID Connect sign-in (empty issuer: off). Endpoints come from <issuer>/.well-known discovery.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_scopes: str = "openid email profile"
    # Empty: <this API's URL>/api/auth/callback, from the request's host.
    oidc_redirect_url: str = ""
    # Empty: the callback answers with the tokens as JSON; else it redirects here, tokens in the #fragment.
    oidc_post_login_url: str = ""
    # Emails place and link people only when the provider vouches for them (email_verified: true). A
    # provider that never sends the claim (Azure AD, for one) needs this set to trust its emails anyway.
    oidc_trust_unverified_email: bool = False
    invitation_days: int = 7
    max_upload_mb: int = 20
    sql_echo: bool = False
    # Blob store (images, thumbnails): "local" keeps them under <data dir>/blobs, "s3" in a bucket.
    blob_backend: str = "local"
    s3_bucket: str = ""
    s3_endpoint_url: str = ""
    s3_prefix: str = ""
    s3_region: str = ""
    # Uploads larger than this many pixels are refused as decompression bombs.
    max_image_pixels: int = 64_000_000
    # Images decoded whole (PNG and WebP thumbnails, WebP and progressive-JPEG checks) may hold this many
    # MB at once across all the server's processes; a decode waits up to decode_wait_s for room, then 503.
    decode_memory_mb: int = 512
    decode_wait_s: int = 20
    # Devices: how often they should check in, when they count as offline, how long check-ins are kept.
    checkin_interval_s: int = 60
    offline_after_s: int = 600
    checkin_retention_days: int = 30
    # Upload policy sent to devices with every check-in.
    upload_enabled: bool = True
    upload_min_interval_s: int = 0
    # ONNX exports: the held-out accuracy an fp16 or int8 export may lose against PyTorch, by default.
    export_max_accuracy_drop: float = 0.01
    # Label Studio (empty URL: the integration is off). The token is a Label Studio API (legacy) token.
    label_studio_url: str = ""
    label_studio_token: str = ""
    # Lifetime of the signed image URLs Label Studio loads; the scheduled sync renews them at half-life.
    # Each is also bound to its link (unlinking revokes it); short, since whoever holds one sees the image.
    label_studio_url_ttl_hours: int = 48
    # The URL Label Studio (and annotators' browsers) reach this API at; empty: Label Studio linking,
    # pushes and URL renewals are refused (never built from a request's Host header).
    public_url: str = ""
    # Registers /api/_benchmark/sink, the bare ceiling benchmarks/ingest.py measures; never in production.
    benchmark_endpoints: bool = False
    # The reaper (`acusight reap`, run by `acusight up`): how often it passes; queued/running records
    # quiet this long are checked against Prefect; running ones silent this long fail whatever
    # Prefect says; Prefect marks a run CRASHED after this long without a heartbeat (0: not set up).
    reap_interval_s: int = 60
    job_check_after_s: int = 120
    job_stale_after_s: int = 21600
    zombie_after_s: int = 600
    # Reverse proxies every client goes through, whose X-Forwarded-For/-Proto/-Host are trusted; 0: none.
    proxy_hops: int = 0
    # Rate limits per caller (device key, user, service key, else client IP) in Flask-Limiter's notation,
    # e.g. "100/minute" or "20/second;1000/hour"; empty: off. Counters live at the storage URI
    # (memory:// is per process; redis://host:6379 is shared by every replica).
    rate_limit: str = ""
    rate_limit_storage_uri: str = "memory://"
    # Shared workers, per organization (0: no limit). Dataset versions, training jobs and exports each:
    # at most this many queued or running at once; more is refused (429) until one finishes. An
    # organization's own value (`acusight orgs quota set --jobs`) takes the place of this default.
    org_max_jobs: int = 2
    # What one training job may ask for (the API's own bounds are 1000 epochs, width 512).
    training_max_epochs: int = 500
    training_max_width: int = 256
    # Training schedules fire at most this often: shorter intervals and more frequent crons are refused.
    schedule_min_interval_s: int = 3600
    # Stored images per organization (0: no limit): their bytes in MB and their number. An upload past
    # either is refused (507) and stores nothing; `acusight orgs quota set` gives an organization its own.
    org_storage_quota_mb: int = 51_200
    org_image_quota: int = 1_000_000

    @classmethod
    def from_env(cls, overrides: dict[str, Any] | None = None) -> Settings:
        """Defaults, then the environment, then explicit overrides (tests)."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = os.environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _coerce(raw, _TYPE_NAMES.get(str(f.type), str))
        values.update(overrides or {})
        settings = cls(**values)
        settings.data_dir = Path(settings.data_dir).resolve()
        if not settings.database_url:
            settings.database_url = f"sqlite:///{settings.data_dir / 'acusight.db'}"
        if not settings.secret_key:
            settings.secret_key = _secret_from_data_dir(settings.data_dir)
        _check_secret_key(settings.secret_key)
        _check_placeholders(settings)
        return settings

    @property
    def access_token_expires(self) -> timedelta:
        return timedelta(minutes=self.access_token_minutes)

    @property
    def refresh_token_expires(self) -> timedelta:
        return timedelta(days=self.refresh_token_days)

    @property
    def session_max(self) -> timedelta:
        return timedelta(days=self.session_max_days)

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024
