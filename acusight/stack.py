"""`acusight up`: a local Prefect server, the API and a worker, supervised as one group."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests
from flask import Flask

from webapp.orchestration import DEPLOYMENTS
from webapp.settings import Settings, get_settings

STOP_GRACE_S = 20
# While a start waits on a service, a line at least this often says so (nothing sits silent for long).
HEARTBEAT_S = 10.0
# The local Prefect server's ``user:password`` (PREFECT_SERVER_API_AUTH_STRING), in the data dir.
PREFECT_AUTH_FILE = "prefect_auth"
PREFECT_AUTH_USER = "acusight"


def local_prefect_auth(data_dir: Path) -> str:
    """The local Prefect server's auth string, made on first use (0600; O_EXCL: two starts agree)."""
    path = data_dir / PREFECT_AUTH_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(f"{PREFECT_AUTH_USER}:{secrets.token_urlsafe(24)}")
    return path.read_text().strip()


def local_worker_key(app: Flask, name: str = "local-worker", *, save: bool = True) -> str:
    """Rotate the service account a local worker reports with; keep its key in <data dir>/service_key."""
    from webapp.extensions import db
    from webapp.services import service_accounts
    from webapp.unit_of_work import unit_of_work

    with unit_of_work(db.session):  # committed before the key is handed out
        _, key = service_accounts.rotate(db.session, name)
    if save:
        path = get_settings(app).data_dir / "service_key"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key)
    return key


@dataclass
class Child:
    """A process in its own process group (a server and its workers are signalled together), its
    output appended to ``log``."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    cwd: Path | None = None
    # What asks it to stop. Prefect's worker (`prefect.serve`) ends at once on SIGINT, but its
    # SIGTERM handler's graceful shutdown hung until it was killed.
    stop_signal: int = signal.SIGTERM
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as out:
            # Own process group: Ctrl-C reaches us once, and we stop each child in order.
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        assert self.process is not None, f"{self.name} was not started"
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def terminate(self) -> None:
        """Ask the child's whole process group to stop (its stop_signal)."""
        if self.alive():
            assert self.process is not None
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, self.stop_signal)

    def stop(self, grace: float = STOP_GRACE_S) -> None:
        """SIGTERM the process group; SIGKILL it if it has not exited after ``grace`` seconds."""
        self.terminate()
        self.wait_or_kill(time.monotonic() + grace)

    def kill(self) -> None:
        """SIGKILL the whole process group at once (a crash, as far as the child can tell)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        assert self.process is not None
        self.process.wait()

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return ""

    def wait_or_kill(self, deadline: float) -> None:
        """Wait until ``deadline`` (time.monotonic()) for the child to exit, then SIGKILL its group."""
        if self.process is None:
            return
        try:
            self.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (for servers started on the fly)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_child(
    port: int,
    env: dict[str, str],
    log: Path,
    *,
    host: str = "127.0.0.1",
    workers: int | None = None,
    threads: int | None = None,
    cwd: Path | None = None,
) -> Child:
    """`acusight serve` (gunicorn) as a :class:`Child`; its shape is serve's default unless given.
    ``cwd``: the checkout to run (the code there comes first on the module path)."""
    argv = [sys.executable, "-m", "acusight.cli", "serve", "--host", host, "--port", str(port)]
    if workers is not None:
        argv += ["--workers", str(workers)]
    if threads is not None:
        argv += ["--threads", str(threads)]
    return Child("api", argv, env, log, cwd)


def wait_http(
    url: str,
    timeout: float,
    child: Child,
    auth: tuple[str, str] | None = None,
    waiting: Callable[[], None] | None = None,
) -> None:
    """Wait until ``url`` answers 2xx; raise with the end of the child's log if it exits or times out.
    ``auth``: HTTP Basic credentials to send; ``waiting``: called before each try."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if waiting is not None:
            waiting()
        if not child.alive():
            raise RuntimeError(f"{child.name} exited while starting; see {child.log}:\n{child.log_tail()}")
        try:
            if requests.get(url, timeout=2, auth=auth).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(
        f"{child.name} did not answer at {url} within {timeout:.0f} s; see {child.log}:\n{child.log_tail()}"
    )


class Progress:
    """Lines saying what a start is doing, each with the seconds since it began: ``[ 12.3s] api: ready``."""

    def __init__(self, echo: Callable[[str], None] = lambda line: print(line, flush=True)) -> None:
        self.echo = echo
        self.t0 = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def __call__(self, message: str) -> None:
        self.echo(f"[{self.elapsed():5.1f}s] {message}")

    def heartbeat(self, what: str) -> Callable[[], None]:
        """A ``waiting`` callback for :func:`wait_http`: a line every HEARTBEAT_S while ``what`` lasts."""
        began = time.monotonic()
        last = began

        def waiting() -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= HEARTBEAT_S:
                last = now
                self(f"{what}: still waiting ({now - began:.0f} s so far)")

        return waiting


def _silent(_line: str) -> None:
    pass


@dataclass
class Stack:
    """The embedded platform: which children run, and the URLs they answer at. ``progress`` hears of
    each service as it is started and as it is ready."""

    settings: Settings
    host: str = "127.0.0.1"
    port: int = 8080
    prefect_port: int = 4200
    children: list[Child] = field(default_factory=list)
    progress: Progress = field(default_factory=lambda: Progress(_silent))

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.port}/api"

    @property
    def prefect_api_url(self) -> str:
        # An external Prefect server (at scale) is chosen by the standard PREFECT_API_URL alone.
        return os.environ.get("PREFECT_API_URL") or f"http://127.0.0.1:{self.prefect_port}/api"

    @property
    def prefect_ui_url(self) -> str:
        return self.prefect_api_url.removesuffix("/api")

    @property
    def prefect_auth_file(self) -> Path:
        return self.settings.data_dir / PREFECT_AUTH_FILE

    @property
    def prefect_auth_string(self) -> str:
        """``user:password`` of the Prefect API: an external server's (PREFECT_API_AUTH_STRING), else
        the local one's, kept in the data dir."""
        if "PREFECT_API_URL" in os.environ:
            return os.environ.get("PREFECT_API_AUTH_STRING", "")
        return local_prefect_auth(self.settings.data_dir)

    @property
    def prefect_auth(self) -> tuple[str, str] | None:
        """The Prefect API's credentials as HTTP Basic auth, for our own calls to it."""
        user, sep, password = self.prefect_auth_string.partition(":")
        return (user, password) if sep else None

    def start(self, service_key: str) -> None:
        """Start every child, wait until jobs can run; anything interrupting it (Ctrl-C too) stops all."""
        try:
            self._start(service_key)
        except BaseException:
            self.stop()
            raise

    def _start(self, service_key: str) -> None:
        logs = self.settings.data_dir / "logs"
        base_env = {
            **os.environ,
            "ACUSIGHT_DATA_DIR": str(self.settings.data_dir),
            "PREFECT_API_URL": self.prefect_api_url,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }
        if self.prefect_auth_string:
            base_env["PREFECT_API_AUTH_STRING"] = self.prefect_auth_string
        cli = [sys.executable, "-m", "acusight.cli"]
        if "PREFECT_API_URL" not in os.environ:
            prefect_home = self.settings.data_dir / "prefect"
            server = Child(
                "prefect server",
                [
                    sys.executable,
                    "-m",
                    "prefect",
                    "server",
                    "start",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.prefect_port),
                ],
                {
                    **base_env,
                    "PREFECT_HOME": str(prefect_home),
                    # Anything that reaches 127.0.0.1 (another local user, a web page the developer
                    # visits through DNS rebinding) must not drive it: its API can run code on the
                    # worker. Every call needs the auth string; browsers may call it from its own UI only.
                    "PREFECT_SERVER_API_AUTH_STRING": self.prefect_auth_string,
                    "PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS": self.prefect_ui_url,
                },
                logs / "prefect.log",
            )
            self._run(server, f"{self.prefect_api_url}/health", 90, self.prefect_ui_url)
        else:
            self.progress(f"prefect server: using {self.prefect_api_url} (PREFECT_API_URL)")
        api = serve_child(self.port, base_env, logs / "api.log", host=self.host)
        self._run(api, f"{self.api_url}/openapi.json", 60, self.api_url)
        worker_env = {**base_env, "ACUSIGHT_API_URL": self.api_url, "ACUSIGHT_SERVICE_KEY": service_key}
        worker = Child("worker", [*cli, "worker"], worker_env, logs / "worker.log", stop_signal=signal.SIGINT)
        self._run(worker, None, 0)
        # Ready means jobs can start: every deployment the API may ask for is registered.
        names = list(DEPLOYMENTS.values())
        self.progress(f"worker: registering {len(names)} flow deployments")
        for done, name in enumerate(names, 1):
            wait_http(
                f"{self.prefect_api_url}/deployments/name/{name}",
                120,
                worker,
                self.prefect_auth,
                self.progress.heartbeat(f"worker: deployment {name}"),
            )
            self.progress(f"worker: deployment {name} registered ({done}/{len(names)})")
        self.progress("worker: ready")
        # Jobs whose worker died end failed instead of running forever (webapp/services/reaper.py).
        every = str(self.settings.reap_interval_s)
        self._run(Child("reaper", [*cli, "reap", "--every", every], base_env, logs / "reaper.log"), None, 0)

    def _run(self, child: Child, health_url: str | None, timeout: float, ready_at: str = "") -> None:
        self.progress(f"{child.name}: starting (log {child.log})")
        child.start()
        self.children.append(child)
        if health_url:
            wait_http(health_url, timeout, child, waiting=self.progress.heartbeat(child.name))
            self.progress(f"{child.name}: ready{' at ' + ready_at if ready_at else ''}")
        else:
            self.progress(f"{child.name}: started (pid {child.pid})")

    def supervise(self) -> int:
        """Block until Ctrl-C (exit 0) or a child dies (exit 1); then stop everything."""
        try:
            while True:
                for child in self.children:
                    if not child.alive():
                        print(f"{child.name} exited unexpectedly; see {child.log}", file=sys.stderr)
                        return 1
                time.sleep(0.5)
        except KeyboardInterrupt:
            return 0
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop the children newest first, each before the next: the reaper and the worker while the
        API and the Prefect server they call are still up, then the API, then Prefect.

        Each gets STOP_GRACE_S after its SIGTERM, within one overall budget of twice that, so that
        several slow children cannot add up their grace periods; what is left is SIGKILLed.
        """
        overall = time.monotonic() + 2 * STOP_GRACE_S
        for child in reversed(self.children):
            child.terminate()
            child.wait_or_kill(min(time.monotonic() + STOP_GRACE_S, overall))
