"""`acusight demo`: the whole platform on a real image set."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from webapp import create_app


@click.command()
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
