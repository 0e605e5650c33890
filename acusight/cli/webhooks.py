"""`acusight webhooks deliver`: the dispatcher that sends deliveries and announces offline devices."""

from __future__ import annotations

import signal
import threading

import click

from acusight.cli._datadir import DataDir, data_dir_option, platform
from webapp.extensions import db
from webapp.settings import get_settings


@click.group()
def webhooks() -> None:
    """Outgoing event webhooks."""


@webhooks.command("deliver")
@click.option("--once", is_flag=True, help="One pass over what is due now, then exit (for cron or a check)")
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=32),
    default=4,
    show_default=True,
    help="Deliveries sent at once: a slow receiver holds up one worker, not the others",
)
@data_dir_option
def deliver(once: bool, workers: int, data_dir: DataDir) -> None:
    """Send due webhook deliveries, retrying with backoff, and announce devices gone offline, until stopped.

    `acusight serve` runs this beside the server unless ACUSIGHT_WEBHOOK_DISPATCHER is off; any number
    may run at once, on any machine that reaches the database (each delivery is leased to one)."""
    from webapp.integrations.webhooks import dispatcher

    # Signs with the API's secret key (the endpoints' secrets are encrypted under it).
    with platform(data_dir, writes=True, signs=True) as app:
        settings = get_settings(app)
        if once:
            dispatcher.sweep_offline_devices(db.session, settings)
            dispatcher.prune(db.session, settings)
            made = dispatcher.run_once(db.session, settings)
            click.echo(f"{made} delivery attempts made")
            return
        loops: list[dispatcher.Loop] = []

        def work(first: bool) -> None:
            with app.app_context():  # each thread its own session
                loop = dispatcher.Loop(db.session, settings, sweep_s=60.0 if first else float("inf"))
                loops.append(loop)
                loop.run()

        def stop(_signum: int, _frame: object) -> None:
            for loop in loops:
                loop.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        threads = [threading.Thread(target=work, args=(i == 0,), daemon=True) for i in range(workers)]
        for thread in threads:
            thread.start()
        click.echo(f"webhook dispatcher: {workers} workers")
        for thread in threads:
            while thread.is_alive():
                thread.join(timeout=1.0)
