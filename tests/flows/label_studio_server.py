"""A real Label Studio for the integration tests: its own virtual environment, one server per session.

Label Studio lives in ``.venv-label-studio`` (scripts/setup.sh makes it): its pins would break the
project's environment. Without it the tests that need the server are skipped, except in CI (``CI``
set), where they fail instead.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from acusight.stack import free_port

ROOT = Path(__file__).resolve().parents[2]
LABEL_STUDIO_BIN = ROOT / ".venv-label-studio" / "bin" / "label-studio"
# Label Studio reads these bare names too, not only LABEL_STUDIO_*: they must not leak in from the caller.
BARE_NAMES = ("PORT", "HOST", "USERNAME", "PASSWORD")
START_TIMEOUT_S = 240  # ~24 s on a fresh data folder on an idle machine; the CI box is shared


@dataclass(frozen=True)
class LabelStudioEnv:
    """Where the session's Label Studio listens and how to sign in: known before it starts."""

    url: str
    port: int
    token: str
    email: str
    password: str
    data_dir: Path

    def worker_env(self) -> dict[str, str]:
        """The worker's view: no Label Studio token (the flows get each link's from the API), and no
        scheduled pull in tests (each test starts the pulls it checks)."""
        return {
            "ACUSIGHT_LABEL_STUDIO_URL": self.url,
            "ACUSIGHT_LABEL_STUDIO_PULL_MINUTES": "0",
        }


class LabelStudioServer:
    """`label-studio start` bound to loopback, with the legacy API token set at first start."""

    def __init__(self, env: LabelStudioEnv) -> None:
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = env.data_dir.parent / "label-studio.log"

    def start(self) -> None:
        from tests.helpers import wait_until

        env = {
            k: v for k, v in os.environ.items() if k not in BARE_NAMES and not k.startswith("LABEL_STUDIO_")
        }
        env.update(
            LABEL_STUDIO_BASE_DATA_DIR=str(self.env.data_dir),
            LABEL_STUDIO_USERNAME=self.env.email,
            LABEL_STUDIO_PASSWORD=self.env.password,
            LABEL_STUDIO_USER_TOKEN=self.env.token,
            LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN="true",
            LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK="true",
            # Webhooks go to the API on 127.0.0.1, which SSRF protection would refuse.
            SSRF_PROTECTION_ENABLED="false",
            LATEST_VERSION_CHECK="false",
            COLLECT_ANALYTICS="false",
            SENTRY_DSN="",
            FRONTEND_SENTRY_DSN="",
        )
        start_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed when the process is
        self.proc = subprocess.Popen(
            [
                str(LABEL_STUDIO_BIN),
                "start",
                "--no-browser",
                "--internal-host",
                "127.0.0.1",
                "-p",
                str(self.env.port),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

        def up() -> bool:
            text = self.log_path.read_bytes()[start_offset:].decode(errors="replace")
            assert self.proc is not None and self.proc.poll() is None, f"Label Studio exited:\n{text[-3000:]}"
            # A busy port is skipped silently for the next one: then the worker would talk to nothing.
            assert "Trying to start at" not in text, f"port {self.env.port} was busy:\n{text[-2000:]}"
            try:
                resp = requests.get(
                    f"{self.env.url}/api/current-user/whoami",
                    headers={"Authorization": f"Token {self.env.token}"},
                    timeout=2,
                )
            except requests.RequestException:
                return False
            return resp.status_code == 200

        wait_until(up, START_TIMEOUT_S, "Label Studio to answer", interval=0.5)

    def stop(self) -> None:
        if self.proc is None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None


@pytest.fixture(scope="session")
def label_studio_env(tmp_path_factory: pytest.TempPathFactory) -> LabelStudioEnv:
    port = free_port()
    return LabelStudioEnv(
        url=f"http://127.0.0.1:{port}",
        port=port,
        token=secrets.token_hex(20),
        email="annotator@label-studio.test",
        password=secrets.token_urlsafe(16),
        data_dir=tmp_path_factory.mktemp("label-studio") / "data",
    )


@pytest.fixture(scope="session")
def label_studio(label_studio_env: LabelStudioEnv) -> Iterator[LabelStudioServer]:
    """The session's Label Studio server, started on first use (a fresh data folder)."""
    if not LABEL_STUDIO_BIN.exists():
        reason = f"Label Studio is not installed at {LABEL_STUDIO_BIN.parent.parent}: run scripts/setup.sh"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    server = LabelStudioServer(label_studio_env)
    server.start()
    yield server
    server.stop()
