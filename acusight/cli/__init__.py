"""The `acusight` command line: database, server and operator bootstrap."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from webapp import create_app
from webapp.errors import AppError
from webapp.extensions import db
from webapp.migrate import upgrade
from webapp.models import ROLES
from webapp.settings import SecretError
from acusight.stack import local_worker_key


class _Commands(click.Group):
    """The command group; a secret refused at start is a clear error, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SecretError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Commands)
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


# gunicorn's default line without the query string (%(U)s is the path alone) nor the Referer: query
# strings carry credentials (signed image URLs, the sign-in's code and state), logs are kept and shared.
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'


def default_web_shape() -> tuple[int, int]:
    """gunicorn workers and threads per worker of `acusight serve` unless told otherwise."""
    workers = int(os.environ.get("ACUSIGHT_WEB_WORKERS", "0")) or min(2 * (os.cpu_count() or 1) + 1, 8)
    return workers, int(os.environ.get("ACUSIGHT_WEB_THREADS", "4"))


@main.command()
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
            "threads": threads,
            "accesslog": "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "timeout": 120,
            "graceful_timeout": 20,
            # gunicorn's control socket (gunicornc) is per server, not one per user shared by all.
            "control_socket": str(settings.data_dir / "gunicorn.ctl"),
        },
    ).run()


@main.group()
def users() -> None:
    """People and their access."""


ORG_HELP = "Organization name or slug (`acusight orgs list`); it must exist: `acusight orgs create NAME`"


@users.command("create")
@click.argument("email")
@click.option("--org", "org_ref", required=True, help=ORG_HELP)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default=None, help="Display name")
def users_create(email: str, org_ref: str, role: str, name: str | None) -> None:
    """Create a user in an organization."""
    from webapp.services import organizations
    from webapp.services import users as users_service

    with _accounts_session() as session:
        org = organizations.find(session, org_ref)
        user = users_service.create(session, email, org.name, role, name)
        click.echo(f"created user {user.email} (id {user.id}, role {user.role}) in {org.name}")


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


@contextmanager
def _accounts_session() -> Iterator[Session]:
    """A migrated database session for an accounts command; service errors become CLI errors."""
    app = create_app()
    with app.app_context():
        upgrade(app.extensions["acusight.settings"].database_url)
        try:
            yield db.session
        except AppError as exc:
            raise click.ClickException(f"{exc.message}{': ' + exc.details if exc.details else ''}") from exc


@users.command("unlink")
@click.argument("email")
def users_unlink(email: str) -> None:
    """Forget a user's sign-in account (after a provider change); the next sign-in relinks by email."""
    from webapp.services import accounts

    with _accounts_session() as session:
        user = accounts.unlink(session, email)
        click.echo(f"{user.email} will be linked again at their next sign-in")


@users.group("domain")
def users_domain() -> None:
    """Email-domain rules: who may join an organization on first sign-in without an invitation."""


@users_domain.command("add")
@click.argument("domain")
@click.option("--org", "org_ref", required=True, help=ORG_HELP)
@click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True)
def users_domain_add(domain: str, org_ref: str, role: str) -> None:
    """Place first sign-ins with a verified email at DOMAIN into an organization."""
    from webapp.services import accounts, organizations

    with _accounts_session() as session:
        org = organizations.find(session, org_ref)
        rule = accounts.add_domain_rule(session, domain, org.name, role)
        click.echo(f"verified emails at {rule.domain} now join {org.name} as {rule.role}")


@users_domain.command("list")
def users_domain_list() -> None:
    """Print every rule: domain, organization, role (tab-separated)."""
    from webapp.services import accounts

    with _accounts_session() as session:
        for rule, org_name in accounts.list_domain_rules(session):
            click.echo(f"{rule.domain}\t{org_name}\t{rule.role}")


@users_domain.command("remove")
@click.argument("domain")
def users_domain_remove(domain: str) -> None:
    """Remove the rule for DOMAIN (people already placed stay)."""
    from webapp.services import accounts

    with _accounts_session() as session:
        accounts.remove_domain_rule(session, domain)
        click.echo(f"removed the rule for {domain}")


@main.group()
def orgs() -> None:
    """Organizations: the tenants. A name identifies one, whatever its case."""


@orgs.command("create")
@click.argument("name")
def orgs_create(name: str) -> None:
    """Create an organization; a name taken in any case is refused."""
    from webapp.services import organizations

    with _accounts_session() as session:
        org = organizations.create(session, name)
        session.commit()
        click.echo(f"created organization {org.name} (id {org.id}, slug {org.slug})")


@orgs.command("list")
def orgs_list() -> None:
    """Print every organization: id, slug, name (tab-separated)."""
    from webapp.services import organizations

    with _accounts_session() as session:
        for org in organizations.list_all(session):
            click.echo(f"{org.id}\t{org.slug}\t{org.name}")


@orgs.group("quota")
def orgs_quota() -> None:
    """An organization's own quotas: jobs queued or running, stored image MB and images."""


def _quota_value(value: str | None) -> int | str | None:
    """A quota option's value: a count (0: no limit), "default" (the setting's), or not given."""
    if value is None:
        return "unchanged"
    if value.strip().lower() == "default":
        return None
    try:
        number = int(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is neither a whole number nor 'default'") from None
    if not 0 <= number <= 2**31 - 1:
        raise click.BadParameter(f"{number} is not between 0 (no limit) and {2**31 - 1}")
    return number


def _echo_quotas(session: Session, org: Any) -> None:
    from webapp.services import quotas

    applied = quotas.limits(org)
    usage = quotas.report(session, org)
    for column, used in (
        ("max_jobs", ", ".join(f"{kind} {n}" for kind, n in usage["jobs"].items())),
        ("storage_quota_mb", f"{usage['image_bytes'] / quotas.MB:.1f} MB stored"),
        ("image_quota", f"{usage['images']} images stored"),
    ):
        own = getattr(org, column)
        source = "default" if own is None else "own"
        limit = applied[column] or "no limit"
        click.echo(f"{column}\t{limit}\t({source})\t{used}")


QUOTA_HELP = "a whole number (0: no limit) or 'default' (the ACUSIGHT_ORG_* setting)"


@orgs_quota.command("show")
@click.argument("org_ref")
def orgs_quota_show(org_ref: str) -> None:
    """Print an organization's quotas (its own or the default) and what it uses of each."""
    from webapp.services import organizations

    with _accounts_session() as session:
        _echo_quotas(session, organizations.find(session, org_ref))


@orgs_quota.command("set")
@click.argument("org_ref")
@click.option("--jobs", default=None, help=f"Queued or running jobs of each kind: {QUOTA_HELP}")
@click.option("--storage-mb", default=None, help=f"Stored image MB: {QUOTA_HELP}")
@click.option("--images", default=None, help=f"Stored images: {QUOTA_HELP}")
def orgs_quota_set(org_ref: str, jobs: str | None, storage_mb: str | None, images: str | None) -> None:
    """Give an organization its own quotas (in place of the settings' defaults), then print them.

    A lower quota refuses what comes next; nothing stored or started is removed.
    """
    from webapp.services import organizations

    values = {"max_jobs": jobs, "storage_quota_mb": storage_mb, "image_quota": images}
    changes = {column: _quota_value(value) for column, value in values.items()}
    changes = {column: value for column, value in changes.items() if value != "unchanged"}
    if not changes:
        raise click.UsageError("Give at least one of --jobs, --storage-mb, --images")
    with _accounts_session() as session:
        org = organizations.find(session, org_ref)
        for column, value in changes.items():
            setattr(org, column, value)
        session.commit()
        _echo_quotas(session, org)


@orgs.group("label-studio")
def orgs_label_studio() -> None:
    """The Label Studio each organization annotates in. Label Studio's community edition shows every
    project to every member, so an organization gets its own instance (or its own Label Studio
    organization and token); ACUSIGHT_LABEL_STUDIO_URL/TOKEN serve one organization at most."""


@orgs_label_studio.command("set")
@click.argument("org_ref", metavar="ORG")
@click.option("--url", required=True, help="The organization's Label Studio, e.g. https://ls.acme.example")
@click.option(
    "--token",
    prompt=True,
    hide_input=True,
    envvar="ACUSIGHT_ORG_LABEL_STUDIO_TOKEN",
    help="A Label Studio API (legacy) token of an account there (prompted for when not given; or "
    "ACUSIGHT_ORG_LABEL_STUDIO_TOKEN)",
)
def orgs_label_studio_set(org_ref: str, url: str, token: str) -> None:
    """Give ORG its own Label Studio: its new links are made there, and the flows use this token."""
    from webapp.services import label_studio_instances, organizations

    with _accounts_session() as session:
        org = organizations.find(session, org_ref)
        account = label_studio_instances.configure(session, org.id, url, token)
        click.echo(f"{org.name} annotates in {account.url}")


@orgs_label_studio.command("unset")
@click.argument("org_ref", metavar="ORG")
@click.option(
    "--release-shared",
    is_flag=True,
    help="Also let go of the shared Label Studio (ACUSIGHT_LABEL_STUDIO_URL), if ORG holds it; its "
    "projects there stay visible to whichever organization links there next",
)
def orgs_label_studio_unset(org_ref: str, release_shared: bool) -> None:
    """Forget ORG's own Label Studio; its links there stop syncing until it is set again."""
    from webapp.services import label_studio_instances, organizations

    with _accounts_session() as session:
        org = organizations.find(session, org_ref)
        label_studio_instances.unconfigure(session, org.id, release_shared=release_shared)
        click.echo(
            f"{org.name} has no Label Studio of its own" + (" and none shared" if release_shared else "")
        )


@orgs_label_studio.command("renew-webhooks")
@click.argument("org_ref", metavar="ORG")
def orgs_label_studio_renew_webhooks(org_ref: str) -> None:
    """Give each of ORG's links a new webhook secret (and Label Studio a webhook sending it to
    ACUSIGHT_PUBLIC_URL): links made before secrets were per link, or a secret to rotate."""
    from webapp.services import label_studio, label_studio_instances, organizations

    with _accounts_session() as session:
        org = organizations.find(session, org_ref)
        done = label_studio.renew_webhooks(session, org.id, public_url=label_studio_instances.public_url())
        click.echo(f"{org.name}: new webhook secrets for {len(done)} linked projects")


@orgs_label_studio.command("list")
def orgs_label_studio_list() -> None:
    """Print each configured organization: slug, its Label Studio (or "shared"), links (tab-separated)."""
    from webapp.models import Organization
    from webapp.services import label_studio_instances

    with _accounts_session() as session:
        for row in label_studio_instances.accounts(session):
            org = session.get(Organization, row["organization_id"])
            where = [row["url"] + ("" if row["has_token"] else " (no token)")] if row["url"] else []
            where += ["shared"] if row["shared"] else []
            click.echo(
                f"{org.slug if org else row['organization_id']}\t{', '.join(where)}\t{row['links']} links"
            )


@main.command("service-key")
@click.option("--name", default="local-worker", show_default=True, help="Service account name")
@click.option("--save/--no-save", default=True, help="Also keep it in <data dir>/service_key (0600)")
def service_key(name: str, save: bool) -> None:
    """Create or rotate a service account (flows report with it); print its key as the last line."""
    app = create_app()
    with app.app_context():
        upgrade(app.extensions["acusight.settings"].database_url)
        key = local_worker_key(app, name, save=save)
        click.echo(key)


@main.command()
def worker() -> None:
    """Serve every flow deployment from this machine (PREFECT_API_URL picks the Prefect server)."""
    from flows.worker import main as serve_flows

    serve_flows()


@main.command()
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
    settings = app.extensions["acusight.settings"]
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


@main.group()
def checkins() -> None:
    """Device check-ins."""


@checkins.command("prune")
def checkins_prune() -> None:
    """Delete check-ins older than ACUSIGHT_CHECKIN_RETENTION_DAYS, for every device (run it from cron)."""
    from datetime import timedelta

    from webapp.services import checkins as checkins_service

    app = create_app()
    with app.app_context():
        upgrade(app.extensions["acusight.settings"].database_url)
        days = app.extensions["acusight.settings"].checkin_retention_days
        removed = checkins_service.prune(db.session, timedelta(days=days))
        click.echo(f"removed {removed} check-ins older than {days} days")


@main.command()
@click.option(
    "--every",
    type=click.IntRange(min=1),
    default=None,
    help="Pass again every this many seconds, until stopped (default: one pass, for cron)",
)
def reap(every: int | None) -> None:
    """Fail queued/running jobs whose worker died (Prefect says so, or they went silent); print each."""
    import time

    from webapp import orchestration
    from webapp.services import reaper

    app = create_app()
    settings = app.extensions["acusight.settings"]
    with app.app_context():
        upgrade(settings.database_url)
        while True:
            if settings.zombie_after_s:
                orchestration.ensure_zombie_detection(settings.zombie_after_s)
            for done in reaper.reap(db.session, settings):
                where = f"{done.kind} {done.id} (organization {done.organization_id})"
                click.echo(f"{where} {done.status}: {done.error}")
            sys.stdout.flush()
            if every is None:
                return
            db.session.close()  # each pass reads fresh rows in its own transaction
            time.sleep(every)


@main.command()
@click.option("--repair", is_flag=True, help="Remove orphan blobs and stale staged files past the grace")
@click.option(
    "--grace-hours",
    default=24.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Leave alone anything written or claimed more recently (uploads in flight)",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON")
def fsck(repair: bool, grace_hours: float, as_json: bool) -> None:
    """Check that the database and the blob store agree; exit 1 while problems remain."""
    import json

    from webapp.services import fsck as fsck_service
    from webapp.storage import get_store

    app = create_app()
    settings = app.extensions["acusight.settings"]
    with app.app_context():
        upgrade(settings.database_url)
        if settings.blob_backend == "s3":
            where = f"s3://{settings.s3_bucket}/{settings.s3_prefix}"
        else:
            where = str(settings.data_dir / "blobs")
        report = fsck_service.check(
            db.session,
            db.engine,
            get_store(),
            backend=f"{settings.blob_backend} {where}",
            repair=repair,
            grace_s=grace_hours * 3600,
        )
    click.echo(json.dumps(report.as_dict(), indent=2) if as_json else "\n".join(report.lines()))
    sys.exit(1 if report.problems_remaining else 0)


@main.command()
@click.option("--small", is_flag=True, help="A reduced run (CI): 800 images, 2 devices, 25 epochs")
@click.option("--devices", type=int, default=None, help="Simulated devices (default 4)")
@click.option("--images", type=int, default=None, help="How many digits to use (default all 1,797)")
@click.option("--epochs", type=int, default=None, help="Training epochs (default 15)")
@click.option("--keep-running", is_flag=True, help="Leave the platform running afterwards (Ctrl-C stops it)")
@click.option("--summary-json", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--prefect-port", default=4200, show_default=True, type=int)
@click.option(
    "--label-studio",
    "label_studio_url",
    default=None,
    metavar="URL",
    help="Label in this Label Studio (default: ACUSIGHT_LABEL_STUDIO_URL, if set; token: "
    "ACUSIGHT_LABEL_STUDIO_TOKEN)",
)
def demo(
    small: bool,
    devices: int | None,
    images: int | None,
    epochs: int | None,
    keep_running: bool,
    summary_json: Path | None,
    port: int,
    prefect_port: int,
    label_studio_url: str | None,
) -> None:
    """Run the whole platform on a real image set: devices, labels, dataset, training, ONNX, deployment."""
    from clients.demo import DemoError, DemoOptions, run_demo

    if label_studio_url:
        # Through the environment: the API and the worker the demo starts read it too.
        os.environ["ACUSIGHT_LABEL_STUDIO_URL"] = label_studio_url

    options = DemoOptions(
        devices=devices or (2 if small else 4),
        images=images or (800 if small else None),
        epochs=epochs or (25 if small else 15),
    )
    app = create_app()
    try:
        code = run_demo(
            app,
            options,
            port=port,
            prefect_port=prefect_port,
            keep_running=keep_running,
            summary_json=summary_json,
        )
    except DemoError as exc:
        raise click.ClickException(str(exc)) from exc
    sys.exit(code)

