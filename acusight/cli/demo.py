"""`acusight demo`: the whole platform on a real image set. This starts the local platform and prepares
its first user; the demo itself (clients/demo.py) only talks to it over HTTP."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

from acusight.cli._datadir import DataDir, data_dir_option, setup_app
from acusight.stack import Stack, local_worker_key
from webapp.auth import issue_access_token
from webapp.errors import NotFound
from webapp.extensions import db
from webapp.migrate import upgrade
from webapp.services import users
from webapp.settings import get_settings

if TYPE_CHECKING:
    from clients.demo import DemoOptions


@click.command()
@click.option(
    "--small",
    is_flag=True,
    help="A reduced run (CI): 800 digits, 2 devices, 25 epochs; detection: 400 frames, 3 digits, 16 epochs",
)
@click.option("--devices", type=int, default=None, help="Simulated devices (default 4)")
@click.option("--images", type=int, default=None, help="How many digits to use (default all 1,797)")
@click.option("--epochs", type=int, default=None, help="Training epochs (default 15)")
@click.option(
    "--detection/--no-detection",
    default=True,
    show_default=True,
    help="Also run the detection phase (digits on camera frames: boxes, detector, ONNX with NMS, a camera)",
)
@click.option(
    "--field/--no-field",
    default=True,
    show_default=True,
    help="Also run the field loop: cameras report, the world changes, drift, active learning, a new model",
)
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
@data_dir_option
def demo(
    small: bool,
    devices: int | None,
    images: int | None,
    epochs: int | None,
    detection: bool,
    field: bool,
    keep_running: bool,
    summary_json: Path | None,
    port: int,
    prefect_port: int,
    label_studio_url: str | None,
    data_dir: DataDir,
) -> None:
    """Run the whole platform on a real image set: devices, labels, dataset, training, ONNX, deployment,
    the field loop (drift, active learning, a new model), detection."""
    # Imported here: the demo brings onnxruntime and torch, which no other command should load (a
    # server forked with torch's thread pools in it hung at exit).
    from clients.demo import DemoError, DemoOptions

    if label_studio_url:
        # Through the environment: the API and the worker the demo starts read it too.
        os.environ["ACUSIGHT_LABEL_STUDIO_URL"] = label_studio_url

    options = DemoOptions(
        devices=devices or (2 if small else 4),
        images=images or (800 if small else None),
        epochs=epochs or (25 if small else 15),
        detection=detection,
        field=field,
    )
    if small:
        options.detection_frames, options.detection_classes, options.detection_epochs = 400, 3, 16
    app = setup_app(data_dir)
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


def _sign_in_link(app: Any, user_id: int, console_url: str) -> str:
    """A one-time sign-in link to the console for the demo's admin."""
    from datetime import timedelta

    from webapp.models import User
    from webapp.services import login_links
    from webapp.unit_of_work import unit_of_work

    with app.app_context(), unit_of_work(db.session) as session:
        secret = login_links.issue(session, session.get(User, user_id), timedelta(hours=1))
    return login_links.link_url(console_url, secret)


def run_demo(
    app: Any,
    options: DemoOptions,
    *,
    port: int,
    prefect_port: int,
    keep_running: bool,
    summary_json: Path | None,
) -> int:
    """Start the embedded platform, run the demo through its API, print the summary; the exit code."""
    from clients.demo import (
        Demo,
        DemoError,
        LabelStudioAnnotators,
        connect,
        count_by,
        flow_runs,
        summary_table,
    )

    console = Console()
    settings = get_settings(app)
    upgrade(settings.database_url)
    with app.app_context():
        try:
            user = users.by_email(db.session, "demo@acusight.local")
        except NotFound:
            user = users.create(db.session, "demo@acusight.local", "Acusight demo", "admin", "Demo admin")
        token = issue_access_token(user)
        key = local_worker_key(app)
    label_studio = None
    if settings.label_studio_url:
        if not settings.label_studio_token:
            raise DemoError(
                f"Label Studio at {settings.label_studio_url} needs a token: set ACUSIGHT_LABEL_STUDIO_TOKEN"
            )
        label_studio = LabelStudioAnnotators(settings.label_studio_url, settings.label_studio_token)
        label_studio.check()  # before anything starts: a wrong URL or token fails at once
    stack = Stack(settings, port=port, prefect_port=prefect_port)
    if label_studio is not None and not settings.public_url:
        # Where Label Studio fetches images and sends webhooks: the API takes it from its settings only.
        os.environ["ACUSIGHT_PUBLIC_URL"] = stack.api_url.removesuffix("/api")
    t0 = time.perf_counter()
    with console.status("starting the platform: Prefect server, API, worker"):
        try:
            stack.start(key)
        except RuntimeError as exc:
            raise DemoError(str(exc)) from exc
    console_url = stack.api_url.removesuffix("/api")
    urls = {
        "Web console": f"{console_url}/",
        "API docs": f"{stack.api_url}/docs",
        "Prefect UI (flow runs)": f"{stack.prefect_ui_url}/runs",
    }
    try:
        demo = Demo(connect(stack.api_url, token), console, settings.data_dir / "demo", options, label_studio)
        demo.summary.steps["start the platform"] = time.perf_counter() - t0
        summary = demo.run()
        urls.update(demo.urls)
        runs = flow_runs(stack.prefect_api_url, stack.prefect_auth)
        summary.facts["flow runs"] = count_by(runs, "state_type")
        summary.facts["flow runs per flow"] = count_by(runs, "flow_name")
        console.print(summary_table(summary, urls))
        if summary_json is not None:
            summary_json.write_text(
                json.dumps(
                    {"facts": summary.facts, "steps": summary.steps, "urls": urls}, default=str, indent=2
                )
            )
        if keep_running:
            link = _sign_in_link(app, user.id, console_url)
            console.print(
                f"Sign in to the web console as {user.email} (this link works once, for an hour):",
                soft_wrap=True,
            )
            console.print(link, soft_wrap=True, highlight=False)
            console.print(f"Another link: .venv/bin/acusight users login-link {user.email}")
            console.print("The platform keeps running; Ctrl-C stops it.")
            return stack.supervise()
        return 0
    finally:
        if not keep_running:
            stack.stop()
