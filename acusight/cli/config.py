"""`acusight config`: the ACUSIGHT_* settings."""

from __future__ import annotations

from pathlib import Path

import click

from acusight_settings.reference import render


@click.group()
def config() -> None:
    """The ACUSIGHT_* environment variables the API and the workers read."""


@config.command("reference")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write it to this file (docs/configuration.md) instead of printing it",
)
def config_reference(output: Path | None) -> None:
    """The configuration reference (Markdown), generated from the settings models."""
    if output is None:
        click.echo(render(), nl=False)
    else:
        output.write_text(render())
        click.echo(f"wrote {output}")
