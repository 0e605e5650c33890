"""Every ACUSIGHT_* environment variable, typed and checked once: the API's and the workers' settings.

The bottom layer: ``webapp`` (the API), ``flows`` (the workers) and ``acusight`` (the command line)
import it; it imports none of them, nor Flask nor Prefect. A field ``name`` is read from
``ACUSIGHT_NAME``; an empty variable counts as unset. :class:`Settings` is the API's view,
:class:`FlowSettings` a worker machine's; what both read is declared once, in :class:`CommonSettings`.
``docs/configuration.md`` is generated from these models (`acusight config reference`).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar, Self

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "ACUSIGHT_"
# A shorter ACUSIGHT_SECRET_KEY, or a placeholder left from an example file, is refused at start.
MIN_SECRET_KEY_CHARS = 32
# Parts of the values example files ship (lower case); a secret holding one is refused at start.
PLACEHOLDERS = ("change-me", "change_me", "changeme", "replace-me", "replace_me", "0123456789abcdef")


class SettingsError(ValueError):
    """A variable whose value cannot be used; the message names it (never a secret's value). The command
    line prints the message alone (no traceback)."""


class SecretError(SettingsError):
    """A secret refused at start: too short, or a placeholder from an example file."""


def is_placeholder(value: str) -> bool:
    return any(part in value.lower() for part in PLACEHOLDERS)


def env_name(field: str) -> str:
    """The environment variable a field is read from."""
    return ENV_PREFIX + field.upper()


def setting(default: Any, meaning: str, *, shown: str | None = None, secret: bool = False) -> Any:
    """A field with what the configuration reference says of it: its ``meaning``, the default as
    ``shown`` there (when the value alone would mislead: derived, or computed), whether it is secret (its
    value never appears in an error)."""
    extra: dict[str, Any] = {"secret": secret}
    if shown is not None:
        extra["shown_default"] = shown
    return Field(default, description=meaning, json_schema_extra=extra)


class _EnvSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True, extra="forbid")

    # Who reads a model's own fields, for the reference ("API", "worker").
    readers: ClassVar[str] = ""

    @classmethod
    def load(cls, **overrides: Any) -> Self:
        """Defaults, then the environment, then ``overrides``; a bad value is a :class:`SettingsError`
        naming its variable and what is wrong with it."""
        try:
            return cls(**overrides)
        except ValidationError as exc:
            raise SettingsError(_explain(cls, exc)) from None

    @field_validator("*", mode="before")
    @classmethod
    def _strip_flags(cls, value: Any, info: ValidationInfo) -> Any:
        """A switch may be written `` true `` (the other types already allow the spaces)."""
        field = cls.model_fields.get(info.field_name or "")
        if isinstance(value, str) and field is not None and field.annotation is bool:
            return value.strip()
        return value


def _explain(model: type[BaseSettings], exc: ValidationError) -> str:
    problems = []
    for error in exc.errors(include_url=False):
        field = str(error["loc"][0]) if error["loc"] else ""
        info = model.model_fields.get(field)
        secret = bool(info and isinstance(info.json_schema_extra, dict) and info.json_schema_extra["secret"])
        given = "" if secret or error["type"] == "extra_forbidden" else f" (it is {error['input']!r})"
        name = env_name(field) if info else repr(field)
        problems.append(f"{name}: {error['msg'][:1].lower()}{error['msg'][1:]}{given}")
    return "; ".join(problems)


class CommonSettings(_EnvSettings):
    """What the API and the workers both read."""

    data_dir: Path = setting(
        Path("var"),
        "root of all local state: database, blobs, secrets, logs, the DVC repo",
        shown="`./var`",
    )
    label_studio_url: str = setting(
        "",
        "the *shared* Label Studio (empty: none); it serves one organization, others get their own "
        "(`acusight orgs label-studio set`). A worker that sees it schedules the Label Studio pull every "
        "5 minutes",
    )


class Settings(CommonSettings):
    """Every knob of the API (and of `acusight serve`)."""

    readers: ClassVar[str] = "API"

    database_url: str = setting(
        "",
        "any SQLAlchemy URL, e.g. `postgresql+psycopg://user:pw@host/db`",
        shown="SQLite file `<data dir>/acusight.db` (WAL mode)",
        secret=True,
    )
    secret_key: str = setting(
        "",
        "signs tokens and Label Studio image URLs; the same value on every API replica; shorter than "
        f"{MIN_SECRET_KEY_CHARS} characters or a `change-me` placeholder is refused at start",
        shown="generated once into `<data dir>/secret_key` (0600)",
        secret=True,
    )
    access_token_minutes: int = setting(60, "lifetime of an access token")
    refresh_token_days: int = setting(30, "lifetime of a refresh token")
    session_max_days: int = setting(
        30, "a sign-in's refresh tokens stop this long after the sign-in itself, however often they are used"
    )
    oidc_issuer: str = setting(
        "",
        "the OpenID Connect provider; its endpoints come from `<issuer>/.well-known` discovery",
        shown="empty (sign-in off)",
    )
    oidc_client_id: str = setting("", "this API's client id at the provider")
    oidc_client_secret: str = setting("", "this API's client secret at the provider", secret=True)
    oidc_scopes: str = setting("openid email profile", "the scopes the sign-in asks for")
    oidc_redirect_url: str = setting(
        "",
        "where the provider sends people back",
        shown="empty: `<this API's URL>/api/auth/callback`, from the request's host",
    )
    oidc_post_login_url: str = setting(
        "",
        "empty: the callback answers with the tokens as JSON; else it redirects here, tokens in the "
        "`#fragment`",
    )
    oidc_trust_unverified_email: bool = setting(
        False,
        "emails place and link people only when the provider vouches for them (`email_verified: true`); a "
        "provider that never sends the claim (Azure AD, for one) needs this set to trust its emails anyway",
    )
    invitation_days: int = setting(7, "how long an invitation stays valid")
    max_upload_mb: int = setting(20, "largest file accepted (413 above it)")
    sql_echo: bool = setting(False, "log every SQL statement")
    blob_backend: str = setting("local", "where images and thumbnails are kept: `local` or `s3`")
    s3_bucket: str = setting("", "the bucket of the S3-compatible store (`blob_backend` `s3`)")
    s3_endpoint_url: str = setting(
        "", "the S3-compatible server (empty: AWS); credentials from the standard `AWS_*` variables"
    )
    s3_prefix: str = setting("", "the key prefix of every blob in the bucket")
    s3_region: str = setting("", "the bucket's region")
    max_image_pixels: int = setting(64_000_000, "larger images are refused as decompression bombs")
    decode_memory_mb: int = setting(
        512,
        "memory that images decoded whole (PNG/WebP thumbnails, WebP and progressive-JPEG checks) may "
        "hold at once, across all the server's processes",
    )
    decode_wait_s: int = setting(
        20, "how long such a decode waits for room before answering 503 with Retry-After"
    )
    checkin_interval_s: int = setting(60, "how often devices are told to check in")
    offline_after_s: int = setting(600, "silence after which a device shows `offline`")
    checkin_retention_days: int = setting(
        30, "how long check-ins are kept (`acusight checkins prune`, from cron)"
    )
    field_retention_days: int = setting(
        90, "how long the hourly sums of inference reports and drift events' inputs are kept"
    )
    field_minute_retention_days: int = setting(
        7,
        "how long the per-minute sums of inference reports, their frame-linked samples and the batch ids "
        "that make a resent report count once are kept (`acusight field prune`, and the reaper)",
    )
    inference_future_tolerance_s: int = setting(
        300, "a reported prediction's captured_at may be this far ahead of the server's clock (skew)"
    )
    drift_boost_rate: float = setting(
        0.5, "after drift, the share of frames devices upload at random (the sampling's random rate)"
    )
    drift_boost_hours: float = setting(24, "how long that raised rate lasts")
    rollout_baseline_hours: float = setting(
        24,
        "a rollout compares its export with what the same devices reported of their previous export from "
        "this long before the rollout began",
    )
    upload_enabled: bool = setting(True, "the upload policy sent to devices with every check-in: uploads on")
    upload_min_interval_s: int = setting(0, "the upload policy: the least time between two uploads")
    export_max_accuracy_drop: float = setting(
        0.01, "default held-out accuracy an fp16 or int8 ONNX export may lose against PyTorch"
    )
    label_studio_token: str = setting(
        "",
        "the shared Label Studio's API (legacy) token; the API alone holds it",
        secret=True,
    )
    label_studio_url_ttl_hours: int = setting(
        48,
        "lifetime of the signed image URLs Label Studio loads (each also dies with its link); the scheduled "
        "sync renews them at half-life",
    )
    public_url: str = setting(
        "",
        "the URL Label Studio and browsers reach this API at; webhooks and image URLs use it, never a "
        "request's Host header",
        shown="empty: Label Studio linking refused (503)",
    )
    benchmark_endpoints: bool = setting(
        False, "registers the bare endpoint `benchmarks/ingest.py` measures; never in production"
    )
    reap_interval_s: int = setting(60, "how often `acusight up`'s reaper (`acusight reap`) passes")
    job_check_after_s: int = setting(
        120, "queued/running records quiet this long are checked against their Prefect flow run"
    )
    job_stale_after_s: int = setting(
        21600, "a running record with no report for this long fails, whatever Prefect says"
    )
    zombie_after_s: int = setting(
        600,
        "Prefect marks a flow run CRASHED after this long without a heartbeat (an automation the reaper "
        "sets up; `0`: none)",
    )
    prefect_ui_url: str = setting(
        "",
        "the Prefect UI people reach, e.g. `https://prefect.example.com`: the API links each job to its flow "
        "run there (`flow_run_url`)",
        shown="empty: Prefect's `PREFECT_UI_URL`, else `PREFECT_API_URL` without its `/api`",
    )
    audit_enabled: bool = setting(
        True,
        "records every change (who, what, when, from where) in the audit log (`GET /api/audit-events`); "
        "off only to measure what it costs",
    )
    proxy_hops: int = setting(
        0,
        "reverse proxies in front of the API whose `X-Forwarded-For/-Proto/-Host` are trusted (`1` behind "
        "one proxy that every client goes through); HSTS is sent only over HTTPS",
    )
    rate_limit: str = setting(
        "",
        "per-caller limit (device, user, service key, else IP) in Flask-Limiter's notation, e.g. "
        "`100/minute` or `20/second;1000/hour`; over it: 429 `RATE_LIMITED` with `Retry-After`",
        shown="empty (off)",
    )
    rate_limit_storage_uri: str = setting(
        "memory://",
        "where the counters live: per process, or `redis://host:6379` shared by every replica",
    )
    org_max_jobs: int = setting(
        2,
        "per organization, dataset versions, training jobs and exports (each kind apart) queued or running "
        "at once; more is 429 `RATE_LIMITED` with Retry-After and creates nothing; 0: no limit; "
        "`acusight orgs quota set ORG --jobs N` gives one organization its own",
    )
    training_max_epochs: int = setting(
        500, "the most epochs one training job (or schedule) may ask for (400 above; the API's bound: 1000)"
    )
    training_max_width: int = setting(
        256, "the most width one training job (or schedule) may ask for (400 above; the API's bound: 512)"
    )
    schedule_min_interval_s: int = setting(
        3600,
        "training schedules fire at most this often: shorter intervals, and crons whose firings come "
        "closer, are refused (400)",
    )
    org_storage_quota_mb: int = setting(
        51_200,
        "stored image MB per organization; an upload past it is 507 `INSUFFICIENT_STORAGE` and stores "
        "nothing (devices keep the image and retry later); 0: no limit; `acusight orgs quota set ORG "
        "--storage-mb N`",
    )
    org_image_quota: int = setting(
        1_000_000,
        "stored images per organization, likewise; `acusight orgs quota set ORG --images N`",
    )
    web_workers: int = setting(
        0, "gunicorn processes of `acusight serve` (`0`: the default)", shown="`2 x cores + 1` (at most 8)"
    )
    web_threads: int = setting(4, "threads per gunicorn process of `acusight serve`")
    webhook_dispatcher: bool = setting(
        True,
        "`acusight serve` sends the webhooks' deliveries from a side process (and announces "
        "`device.offline`); off: run `acusight webhooks deliver` yourself (any number may run at once)",
    )
    webhook_timeout_s: float = setting(
        10, "how long one webhook delivery waits to connect, and then for each read of the answer"
    )
    webhook_max_attempts: int = setting(8, "attempts of one webhook delivery before it is `failed`")
    webhook_retry_base_s: float = setting(
        60,
        "the wait after a webhook delivery's first failed attempt; each later wait is 3 times longer "
        "(±20 % jitter): 1, 3, 9, 27 minutes… about 18 hours over 8 attempts",
    )
    webhook_delivery_retention_days: int = setting(
        30, "delivered and failed webhook deliveries are kept this long in their log, then deleted"
    )
    webhook_allow_private_urls: bool = setting(
        False,
        "webhook URLs may name loopback, private, link-local and other non-public addresses (a receiver "
        "on your own network); off, such URLs are refused, when created and at each delivery",
    )

    @classmethod
    def from_env(cls, overrides: dict[str, Any] | None = None) -> Settings:
        """Defaults, then the environment, then explicit overrides (tests); the derived defaults filled
        in (database, secret key) and every secret checked."""
        settings = cls.load(**(overrides or {}))
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

    def web_shape(self) -> tuple[int, int]:
        """gunicorn workers and threads per worker of `acusight serve` unless told otherwise."""
        return self.web_workers or min(2 * (os.cpu_count() or 1) + 1, 8), self.web_threads


class FlowSettings(CommonSettings):
    """A worker machine's view: the platform's URL and credential, and where it keeps its work."""

    model_config = SettingsConfigDict(frozen=True)
    readers: ClassVar[str] = "worker"

    api_url: str = setting("http://127.0.0.1:8080/api", "where flows report")
    service_key: str = setting(
        "", "the service account key flows report with", shown="`<data dir>/service_key`", secret=True
    )
    dvc_repo: Path | None = setting(
        None,
        "where dataset versions are committed and tagged",
        shown="`<data dir>/dvc/repo`",
    )
    dvc_remote: str = setting(
        "",
        "where dataset versions are pushed: a folder or `s3://bucket/path`",
        shown="`<data dir>/dvc/remote`",
    )
    dvc_remote_endpoint_url: str = setting(
        "",
        "the S3-compatible server of an `s3://` remote (MinIO, Ceph…)",
        shown="empty (AWS)",
    )
    worker_flows: str = setting(
        "",
        "the flows this worker serves, comma-separated, e.g. `train-model` on a GPU machine",
        shown="all",
    )
    drift_check_minutes: float = setting(
        60,
        "how often the `drift-check` flow compares each deployed export's field with its reference "
        "(`0`: never)",
    )
    drift_window_hours: float = setting(24, "the field window a drift check reads")
    rollout_check_minutes: float = setting(
        5,
        "how often the `rollout-evaluation` flow judges each active rollout's stage: promote, hold or roll "
        "back (`0`: never; `POST /ml/rollout-checks` still starts one)",
    )
    drift_psi_threshold: float = setting(
        0.25,
        "population stability index of the class mix or of the confidence histogram above which a check "
        "records drift (0.1-0.25 is read as a moderate shift, above 0.25 a large one)",
    )
    drift_min_predictions: int = setting(200, "fewer field predictions in the window: no verdict")
    label_studio_pull_minutes: float | None = setting(
        None,
        "the scheduled Label Studio pull behind the webhook, every this many minutes (`0`: none)",
        shown="`5` where `ACUSIGHT_LABEL_STUDIO_URL` is set, else none",
    )

    @classmethod
    def from_env(cls) -> FlowSettings:
        """The environment's settings, with the derived defaults filled in and the service key checked
        (from <data dir>/service_key where the variable is unset)."""
        loaded = cls.load()
        data_dir = Path(loaded.data_dir).resolve()
        key = loaded.service_key
        key_file = data_dir / "service_key"
        if not key and key_file.exists():
            key = key_file.read_text().strip()
        check_service_key(key)
        return loaded.model_copy(
            update={
                "data_dir": data_dir,
                "api_url": loaded.api_url.rstrip("/"),
                "service_key": key,
                "dvc_repo": loaded.dvc_repo or data_dir / "dvc" / "repo",
                "dvc_remote": loaded.dvc_remote or str(data_dir / "dvc" / "remote"),
            }
        )

    @property
    def flows(self) -> set[str]:
        """The flow names ACUSIGHT_WORKER_FLOWS picks (empty: all)."""
        return {name.strip() for name in self.worker_flows.split(",") if name.strip()}

    def label_studio_pull_interval(self) -> timedelta | None:
        """Every N minutes where they are set (none at 0), else every 5 where the shared Label Studio is
        named, else none."""
        minutes = self.label_studio_pull_minutes
        if minutes is None:
            return timedelta(minutes=5) if self.label_studio_url else None
        return timedelta(minutes=minutes) if minutes > 0 else None


def check_service_key(key: str) -> None:
    """Refuse a service key left from an example file (deploy/.env.example once shipped ask_replace_me)."""
    if is_placeholder(key):
        raise SecretError(
            "ACUSIGHT_SERVICE_KEY holds an example placeholder; set the key `acusight service-key "
            "--no-save` prints (its last line)"
        )


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
