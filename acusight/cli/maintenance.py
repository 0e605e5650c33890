"""Upkeep meant for cron or a side process: pruning check-ins and field figures, reaping dead jobs,
checking storage."""

from __future__ import annotations

import sys

import click

from acusight.cli._datadir import DataDir, data_dir_option, platform
from webapp.extensions import db
from webapp.settings import Settings, get_settings
from webapp.unit_of_work import unit_of_work


@click.group()
def checkins() -> None:
    """Device check-ins."""


@checkins.command("prune")
@data_dir_option
def checkins_prune(data_dir: DataDir) -> None:
    """Delete check-ins older than ACUSIGHT_CHECKIN_RETENTION_DAYS, for every device (run it from cron)."""
    from datetime import timedelta

    from webapp.services import checkins as checkins_service

    with platform(data_dir, writes=True) as app:
        days = get_settings(app).checkin_retention_days
        with unit_of_work(db.session):
            removed = checkins_service.prune(db.session, timedelta(days=days))
        click.echo(f"removed {removed} check-ins older than {days} days")


@click.group()
def field() -> None:
    """What devices report of their models in the field."""


@field.command("prune")
@data_dir_option
def field_prune(data_dir: DataDir) -> None:
    """Delete field sums past ACUSIGHT_FIELD_RETENTION_DAYS (hours) and ACUSIGHT_FIELD_MINUTE_RETENTION_DAYS
    (minutes, samples, counted batch ids); `acusight reap --every` also does it hourly."""
    with platform(data_dir, writes=True) as app:
        removed = _prune_field(get_settings(app))
        click.echo(f"removed {removed} rows of field figures past their retention")


def _prune_field(settings: Settings) -> int:
    from datetime import timedelta

    from webapp.services import field_metrics

    with unit_of_work(db.session):
        return field_metrics.prune(
            db.session,
            retention=timedelta(days=settings.field_retention_days),
            minute_retention=timedelta(days=settings.field_minute_retention_days),
        )


# How often `acusight reap --every` also prunes the field figures.
FIELD_PRUNE_EVERY_S = 3600


@click.command()
@click.option(
    "--every",
    type=click.IntRange(min=1),
    default=None,
    help="Pass again every this many seconds, until stopped (default: one pass, for cron)",
)
@data_dir_option
def reap(every: int | None, data_dir: DataDir) -> None:
    """Fail queued/running jobs whose worker died (Prefect says so, or they went silent); print each."""
    import time

    from webapp import orchestration
    from webapp.services import reaper

    with platform(data_dir, writes=True) as app:
        settings = get_settings(app)
        pruned_at = 0.0
        while True:
            if time.monotonic() - pruned_at >= FIELD_PRUNE_EVERY_S:
                _prune_field(settings)
                pruned_at = time.monotonic()
            if settings.zombie_after_s:
                orchestration.ensure_zombie_detection(settings.zombie_after_s)
            with unit_of_work(db.session):  # each pass one unit of work
                reaped = reaper.reap(db.session, settings)
            for done in reaped:
                where = f"{done.kind} {done.id} (organization {done.organization_id})"
                click.echo(f"{where} {done.status}: {done.error}")
            sys.stdout.flush()
            if every is None:
                return
            db.session.close()  # each pass reads fresh rows in its own transaction
            time.sleep(every)


@click.command()
@click.option("--repair", is_flag=True, help="Remove orphan blobs and stale staged files past the grace")
@click.option(
    "--grace-hours",
    default=24.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Leave alone anything written or claimed more recently (uploads in flight)",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON")
@data_dir_option
def fsck(repair: bool, grace_hours: float, as_json: bool, data_dir: DataDir) -> None:
    """Check that the database and the blob store agree; exit 1 while problems remain."""
    import json

    from webapp.services import fsck as fsck_service
    from webapp.storage import get_store

    with platform(data_dir, writes=repair) as app:
        settings = get_settings(app)
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
