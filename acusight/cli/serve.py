"""Running the platform: the schema, the API server, a flow worker, the whole local stack."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from acusight.cli._datadir import DataDir, data_dir_option, export_env, is_new, setup_app
from acusight.cli._keys import record_serving_key
from acusight.stack import Progress, local_worker_key
from webapp.migrate import upgrade
from webapp.settings import Settings, get_settings


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@data_dir_option
def db_upgrade(data_dir: DataDir) -> None:
    """Apply every migration to the configured database (made when missing)."""
    app = setup_app(data_dir)
    upgrade(get_settings(app).database_url)
    click.echo(f"database is up to date (data dir {data_dir.path})")


# gunicorn's default line without the query string (%(U)s is the path alone) nor the Referer: query
# strings carry credentials (signed image URLs, the sign-in's code and state), logs are kept and shared.
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'


def default_web_shape() -> tuple[int, int]:
    """gunicorn workers and threads per worker of `acusight serve` unless told otherwise."""
    return Settings.load().web_shape()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option(
    "--workers",
    default=lambda: default_web_shape()[0],
    type=int,
    help="gunicorn worker processes (default: 2 x cores + 1, at most 8; ACUSIGHT_WEB_WORKERS)",
)
@click.option(
    "--threads",
    default=lambda: default_web_shape()[1],
    type=int,
    help="threads per worker; above 1, gunicorn's gthread workers overlap requests waiting on disk "
    "or database (default 4; ACUSIGHT_WEB_THREADS)",
)
@data_dir_option
def serve(host: str, port: int, workers: int, threads: int, data_dir: DataDir) -> None:
    """Serve the API under /api with gunicorn, applying migrations first."""
    from webapp.server import GunicornServer

    app = setup_app(data_dir)
    settings = get_settings(app)
    upgrade(settings.database_url)
    # Which key this API signs with (a fingerprint): `acusight users token` checks it signs alike.
    record_serving_key(settings.data_dir, settings.secret_key)
    base = f"http://{host}:{port}"
    click.echo(f"Acusight API   {base}/api")
    click.echo(f"API docs       {base}/api/docs")
    click.echo(f"OpenAPI        {base}/api/openapi.json")
    click.echo(f"data dir       {settings.data_dir}")
    sys.stdout.flush()
    GunicornServer(
        app,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "accesslog": "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "timeout": 120,
            "graceful_timeout": 20,
            # gunicorn's control socket (gunicornc) is per server, not one per user shared by all.
            "control_socket": str(settings.data_dir / "gunicorn.ctl"),
            **(_webhook_dispatcher_hooks(settings.data_dir) if settings.webhook_dispatcher else {}),
        },
    ).run()


def _webhook_dispatcher_hooks(data_dir: Path) -> dict[str, Any]:
    """gunicorn hooks that run `acusight webhooks deliver` beside the server, from start to stop.

    A process of its own rather than a thread of the master: the master forks workers (again whenever
    one dies), and a fork copies a thread's locks and connections but not the thread.
    """
    command = [sys.executable, "-m", "acusight.cli", "webhooks", "deliver", "--data-dir", str(data_dir)]
    held: list[subprocess.Popen[bytes]] = []

    def when_ready(_arbiter: Any) -> None:
        held.append(subprocess.Popen(command, preexec_fn=_die_with_parent))

    def on_exit(_arbiter: Any) -> None:
        for process in held:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    return {"when_ready": when_ready, "on_exit": on_exit}


def _die_with_parent() -> None:
    """In the side process before it runs: the kernel stops it when the server's master dies (Linux), so a
    master killed outright leaves no dispatcher behind to pile up with the next one's."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


@click.command("service-key")
@click.option("--name", default="local-worker", show_default=True, help="Service account name")
@click.option("--save/--no-save", default=True, help="Also keep it in <data dir>/service_key (0600)")
@data_dir_option
def service_key(name: str, save: bool, data_dir: DataDir) -> None:
    """Create or rotate a service account (flows report with it); print its key as the last line."""
    app = setup_app(data_dir)
    with app.app_context():
        upgrade(get_settings(app).database_url)
        key = local_worker_key(app, name, save=save)
        click.echo(key)


@click.command()
@data_dir_option
def worker(data_dir: DataDir) -> None:
    """Serve every flow deployment from this machine (PREFECT_API_URL picks the Prefect server)."""
    from flows.worker import main as serve_flows

    export_env(data_dir)  # the flows read their settings (service key, DVC repo) from the environment
    serve_flows()


def _echo_now(line: str) -> None:
    click.echo(line)
    sys.stdout.flush()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--prefect-port", default=4200, show_default=True, type=int)
@data_dir_option
def up(host: str, port: int, prefect_port: int, data_dir: DataDir) -> None:
    """Run the embedded platform: a local Prefect server, the API and a worker; Ctrl-C stops all.

    Each service is reported as it starts and when it is ready, with the seconds elapsed.
    """
    import signal

    from acusight.stack import Stack

    # A process started in the background by a non-interactive shell (or by a parent that ignores
    # SIGINT) inherits SIGINT ignored, and Python then installs no KeyboardInterrupt handler:
    # Ctrl-C / SIGINT must still stop the platform.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # SIGTERM (a service manager, `kill`) stops it the same way: children included, not orphaned.
    signal.signal(signal.SIGTERM, _interrupt)
    progress = Progress(_echo_now)
    click.echo(f"data dir       {data_dir.describe()}{', new' if is_new(data_dir) else ''}")
    app = setup_app(data_dir, announce=False)
    settings = get_settings(app)
    with app.app_context():
        progress("database: applying migrations")
        upgrade(settings.database_url)
        progress("database: up to date")
        key = local_worker_key(app)
        progress("worker: service key rotated")
    stack = Stack(settings, host=host, port=port, prefect_port=prefect_port, progress=progress)
    try:
        stack.start(key)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyboardInterrupt:
        click.echo("stopped before it was ready")
        return
    click.echo(f"Acusight API   {stack.api_url}")
    click.echo(f"API docs       {stack.api_url}/docs")
    click.echo(f"Prefect UI     {stack.prefect_ui_url}")
    if "PREFECT_API_URL" not in os.environ:
        click.echo(f"               (its auth string, user:password, is in {stack.prefect_auth_file})")
    click.echo(f"logs           {settings.data_dir / 'logs'}")
    click.echo(f"ready after {progress.elapsed():.0f} s. Ctrl-C stops everything.")
    sys.stdout.flush()
    sys.exit(stack.supervise())
