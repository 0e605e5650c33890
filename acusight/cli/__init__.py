"""The `acusight` command line: database, server and operator bootstrap."""

from __future__ import annotations

from typing import Any

import click

from acusight.cli import config, demo, maintenance, orgs, serve, users
from acusight_settings import SettingsError


class _Commands(click.Group):
    """The command group; a setting refused at start (a bad value, a guessable secret) is a clear error,
    not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SettingsError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Commands)
def main() -> None:
    """Acusight: devices, data and models of camera fleets."""


for command in (
    serve.db_group,
    serve.serve,
    users.users,
    orgs.orgs,
    serve.service_key,
    serve.worker,
    serve.up,
    maintenance.checkins,
    maintenance.reap,
    maintenance.fsck,
    demo.demo,
    config.config,
):
    main.add_command(command)
