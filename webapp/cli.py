"""The `acusight` command line: database, server and operator bootstrap."""

from __future__ import annotations

import os
import sys

import click

from webapp import create_app
from webapp.errors import AppError
from webapp.extensions import db
from webapp.migrate import upgrade
from webapp.models import ROLES


@click.group()
def main() -> None:
    """Acusight: devices, data and models of camera fleets."""


@main.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration to the configured database."""
    app = create_app()
    upgrade(app.extensions["acusight.settings"].database_url)
    click.echo("database is up to date")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option(
    "--workers",
    default=lambda: int(os.environ.get("ACUSIGHT_WEB_WORKERS", "0")) or min(2 * (os.cpu_count() or 1) + 1, 8),
    type=int,
    help="gunicorn worker processes (default: 2 x cores + 1, at most 8; ACUSIGHT_WEB_WORKERS)",
)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the API under /api with gunicorn, applying migrations first."""
    from webapp.server import GunicornServer

    app = create_app()
    settings = app.extensions["acusight.settings"]
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
            "accesslog": "-",
            "timeout": 120,
            "graceful_timeout": 20,
        },
    ).run()


@main.group()
def users() -> None:
    """People and their access."""


@users.command("create")
@click.argument("email")
@click.option("--org", "org_name", required=True, help="Organization name (created when new)")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default=None, help="Display name")
def users_create(email: str, org_name: str, role: str, name: str | None) -> None:
    """Create a user in an organization."""
    from webapp.services import users as users_service

    app = create_app()
    with app.app_context():
        upgrade(app.extensions["acusight.settings"].database_url)
        try:
            user = users_service.create(db.session, email, org_name, role, name)
        except AppError as exc:
            raise click.ClickException(f"{exc.message}{': ' + exc.details if exc.details else ''}") from exc
        click.echo(f"created user {user.email} (id {user.id}, role {user.role}) in {org_name}")


@users.command("token")
@click.argument("email")
def users_token(email: str) -> None:
    """Print a signed access token for a user (the last line of the output)."""
    from webapp.auth import issue_access_token
    from webapp.services import users as users_service

    app = create_app()
    with app.app_context():
        try:
            user = users_service.by_email(db.session, email)
        except AppError as exc:
            raise click.ClickException(exc.message) from exc
        if user.disabled:
            raise click.ClickException(f"user {user.email} is disabled")
        click.echo(issue_access_token(user))


if __name__ == "__main__":
    main()
