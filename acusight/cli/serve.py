"""Running the platform: the schema, the API server, a flow worker, the whole local stack."""

from __future__ import annotations

import os
import sys

import click

from acusight.stack import local_worker_key
from webapp import create_app
from webapp.migrate import upgrade
from webapp.settings import Settings, get_settings


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration to the configured database."""
    app = create_app()
    upgrade(get_settings(app).database_url)
    click.echo("database is up to date")


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
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the API under /api with gunicorn, applying migrations first."""
    from webapp.server import GunicornServer

    app = create_app()
    settings = get_settings(app)
    upgrade(settings.database_url)
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
        },
    ).run()


@click.command("service-key")
@click.option("--name", default="local-worker", show_default=True, help="Service account name")
@click.option("--save/--no-save", default=True, help="Also keep it in <data dir>/service_key (0600)")
def service_key(name: str, save: bool) -> None:
    """Create or rotate a service account (flows report with it); print its key as the last line."""
    app = create_app()
    with app.app_context():
        upgrade(get_settings(app).database_url)
        key = local_worker_key(app, name, save=save)
        click.echo(key)


@click.command()
def worker() -> None:
    """Serve every flow deployment from this machine (PREFECT_API_URL picks the Prefect server)."""
    from flows.worker import main as serve_flows

    serve_flows()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--prefect-port", default=4200, show_default=True, type=int)
def up(host: str, port: int, prefect_port: int) -> None:
    """Run the embedded platform: a local Prefect server, the API and a worker; Ctrl-C stops all."""
    import signal

    from acusight.stack import Stack

    # A process started in the background by a non-interactive shell (or by a parent that ignores
    # SIGINT) inherits SIGINT ignored, and Python then installs no KeyboardInterrupt handler:
    # Ctrl-C / SIGINT must still stop the platform.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    app = create_app()
    settings = get_settings(app)
    with app.app_context():
        upgrade(settings.database_url)
        key = local_worker_key(app)
    stack = Stack(settings, host=host, port=port, prefect_port=prefect_port)
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
    click.echo("Ctrl-C stops everything.")
    sys.stdout.flush()
    sys.exit(stack.supervise())
