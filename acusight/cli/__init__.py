"""The `acusight` command line: database, server, operator bootstrap and daily work on the fleet."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy.exc import OperationalError

from acusight.cli import (
    config,
    demo,
    deploy,
    devices,
    jobs,
    maintenance,
    orgs,
    projects,
    serve,
    users,
    webhooks,
)
from acusight_settings import SettingsError

HELP = """Acusight: devices, data and models of camera fleets.

\b
Start:       acusight up                      (the whole platform; Ctrl-C stops it)
Accounts:    acusight orgs create NAME, acusight users create EMAIL --org NAME --role admin
Daily work:  acusight devices list, acusight projects list, acusight jobs list,
             acusight jobs show ID --follow, acusight deploy EXPORT_ID --device ID
Scripts:     the list and show commands take --json

Every command that uses the platform's state takes --data-dir DIR (else ACUSIGHT_DATA_DIR, else ./var
of the current folder); only db upgrade, serve, up, demo and service-key create one.

\b
Shell completion (click reads _ACUSIGHT_COMPLETE), e.g. in ~/.bashrc:
  bash:  eval "$(_ACUSIGHT_COMPLETE=bash_source acusight)"
  zsh:   eval "$(_ACUSIGHT_COMPLETE=zsh_source acusight)"
  fish:  _ACUSIGHT_COMPLETE=fish_source acusight | source
docs/how-to/command-line.md has more.
"""


class _Commands(click.Group):
    """The command group; a setting refused at start (a bad value, a guessable secret) or a database
    that cannot be used is a clear one-line error, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SettingsError as exc:
            raise click.ClickException(str(exc)) from exc
        except OperationalError as exc:
            first = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else "unknown error"
            raise click.ClickException(f"the database could not be used: {first}") from exc


@click.group(cls=_Commands, help=HELP)
@click.version_option(package_name="acusight", prog_name="acusight", message="%(prog)s %(version)s")
def main() -> None:
    pass


for command in (
    serve.db_group,
    serve.serve,
    users.users,
    orgs.orgs,
    serve.service_key,
    serve.worker,
    serve.up,
    maintenance.checkins,
    maintenance.field,
    maintenance.reap,
    maintenance.fsck,
    demo.demo,
    config.config,
    devices.devices,
    projects.projects,
    jobs.jobs,
    deploy.deploy,
    webhooks.webhooks,
):
    main.add_command(command)
