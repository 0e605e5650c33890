"""How the daily commands print and pick their organization: tables for people, JSON for scripts."""

from __future__ import annotations

import io
import json
import shutil
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import click
from rich import box
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from acusight.cli._accounts import ORG_HELP
from webapp.models import Organization

F = TypeVar("F", bound=Callable[..., Any])
# Piped output (grep, less) gets rows this wide rather than cells wrapped to 80 columns.
PIPED_WIDTH = 200


def json_option(command: F) -> F:
    return click.option(
        "--json", "as_json", is_flag=True, help="Print JSON instead of a table (for scripts; fields stay)"
    )(command)


def org_option(command: F) -> F:
    return click.option(
        "--org",
        "org_ref",
        default=None,
        metavar="ORG",
        help=f"{ORG_HELP}. May be left out while there is only one organization",
    )(command)


def limit_option(default: int) -> Callable[[F], F]:
    def decorate(command: F) -> F:
        return click.option(
            "--limit",
            type=click.IntRange(1, 1000),
            default=default,
            show_default=True,
            help="Show at most this many, newest or first in order",
        )(command)

    return decorate


def find_org(session: Session, ref: str | None) -> Organization:
    """The organization --org names (name or slug, exactly one), or the only one there is."""
    from webapp.services import organizations

    if ref is not None:
        return organizations.find(session, ref)
    every = organizations.list_all(session)
    if len(every) == 1:
        return every[0]
    if not every:
        raise click.ClickException("there is no organization yet: `acusight orgs create NAME` makes one")
    slugs = ", ".join(org.slug for org in every[:10]) + (", …" if len(every) > 10 else "")
    raise click.ClickException(f"give --org: there are {len(every)} organizations ({slugs})")


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, default=jsonable, indent=2))


def print_json_line(data: Any) -> None:
    """One compact JSON document per line (JSON Lines), flushed: what a follower prints as it goes."""
    click.echo(json.dumps(data, default=jsonable, sort_keys=True))
    sys.stdout.flush()


def text(value: Any) -> str:
    """A cell: nothing as '-', numbers short, times as their age."""
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, datetime):
        return ago(value)
    return str(value)


def ago(when: datetime, now: datetime | None = None) -> str:
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    seconds = int(((now or datetime.now(UTC)) - when).total_seconds())
    if seconds < 0:
        return when.strftime("%Y-%m-%d %H:%M UTC")
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{seconds} s ago"


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], *, empty: str, footer: str = ""
) -> None:
    """A plain table (no colours when piped), or ``empty`` when there are no rows; ``footer`` after it."""
    if not rows:
        click.echo(empty)
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(text(cell) for cell in row))
    tty = sys.stdout.isatty()
    width = shutil.get_terminal_size().columns if tty else PIPED_WIDTH
    out = io.StringIO()
    Console(file=out, width=width, force_terminal=tty, no_color=not tty, highlight=False).print(table)
    click.echo("\n".join(line.rstrip() for line in out.getvalue().splitlines()).strip("\n"))
    if footer:
        click.echo(footer)


def print_fields(fields: Sequence[tuple[str, Any]]) -> None:
    """``name  value`` lines, the names aligned."""
    width = max(len(name) for name, _ in fields)
    for name, value in fields:
        click.echo(f"{name:<{width}}  {value if isinstance(value, str) and value else text(value)}")


def more(shown: int, total: int, what: str) -> str:
    """The footer of a list cut at --limit."""
    return f"{shown} of {total} {what} shown; --limit N shows more" if total > shown else ""
