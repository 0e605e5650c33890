"""What the Prefect UI shows of the platform's runs: their names and tags, and the artifacts they leave.

The API names and tags each run it starts for what it serves (webapp/orchestration.py:
``train · project 3 · job 12``; ``acusight``, ``kind:train``, ``project:3``, ``job:12``, ``org:1``).
A flow's :class:`RunName` keeps that name, and names a run Prefect itself starts (a schedule's) or one
started by hand from its parameters, in the same words; a deployment's tags (``acusight``, ``kind:…``)
go on every run of it. Artifacts are for people: failing to publish one never fails the run.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from prefect import get_run_logger

SEPARATOR = " · "
RUN_TAG = "acusight"


@dataclass(frozen=True)
class RunName:
    """A flow's ``flow_run_name`` (Prefect calls it as a run starts, and renames the run to what it
    returns): the name the API gave the run (``kind · …``) is kept; another run is named ``kind``, then
    ``word value`` for each of ``named`` (word, parameter) whose parameter is set, else ``otherwise``:
    ``scheduled training · schedule 4``, ``drift check · every deployed export``."""

    kind: str
    named: tuple[tuple[str, str], ...] = ()
    otherwise: str | None = None

    def __call__(self) -> str:
        from prefect.runtime import flow_run

        given = flow_run.get_name()
        if given and (given == self.kind or given.startswith(self.kind + SEPARATOR)):
            return given
        return self.name(flow_run.get_parameters())

    def name(self, parameters: Mapping[str, Any]) -> str:
        parts = [f"{word} {parameters[key]}" for word, key in self.named if parameters.get(key) is not None]
        if not parts and self.otherwise:
            parts = [self.otherwise]
        return SEPARATOR.join([self.kind, *parts])

    @property
    def tags(self) -> list[str]:
        """The tags of the flow's deployment, which Prefect puts on each of its runs."""
        return [RUN_TAG, "kind:" + self.kind.replace(" ", "-")]


def deployment_tags(flow: Any) -> list[str]:
    """The tags of a flow's deployment: its :class:`RunName`'s, else just ``acusight``."""
    name = getattr(flow, "flow_run_name", None)
    return name.tags if isinstance(name, RunName) else [RUN_TAG]


# --- artifacts ---------------------------------------------------------------------------------------


def artifact_key(*parts: Any) -> str:
    """An artifact key Prefect accepts (lowercase letters, digits and dashes): ``training-job-12``."""
    key = "-".join(str(part) for part in parts).lower()
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]", "-", key)).strip("-")


def _cell(value: Any) -> Any:
    """A figure as a table shows it: numbers rounded to 4 significant digits, anything nested as JSON."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        return value if not math.isfinite(value) else float(f"{value:.4g}")
    return json.dumps(value, sort_keys=True, default=str)


def flat_figures(figures: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested figures as one level: ``{"latency_ms": {"cpu": {"b1": 0.3}}}`` is ``latency_ms.cpu.b1``.
    Lists (a confusion matrix, per-class figures) are left out: they are not one figure."""
    flat: dict[str, Any] = {}
    for key, value in figures.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flat_figures(value, f"{name}."))
        elif not isinstance(value, list | tuple):
            flat[name] = _cell(value)
    return flat


def markdown_figures(title: str, sections: Iterable[tuple[str, Mapping[str, Any]]], intro: str = "") -> str:
    """Markdown: ``title``, ``intro``, then one two-column table of figures per (heading, figures)."""
    lines = [f"# {title}", ""]
    if intro:
        lines += [intro, ""]
    for heading, figures in sections:
        flat = flat_figures(figures)
        if not flat:
            continue
        lines += [f"## {heading}", "", "| figure | value |", "|---|---|"]
        lines += [f"| {name} | {_text(value)} |" for name, value in flat.items()]
        lines.append("")
    return "\n".join(lines)


def _text(value: Any) -> str:
    return "—" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def epoch_table(history: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every epoch's figures as table rows, epoch first (the run's total epochs is not a column)."""
    rows = []
    for epoch in history:
        row = {"epoch": epoch.get("epoch")}
        rest = sorted((key, value) for key, value in epoch.items() if key not in ("epoch", "epochs"))
        row.update((key, _cell(value)) for key, value in rest)
        rows.append(row)
    return rows


def publish_table(key: str, rows: list[dict[str, Any]], description: str) -> None:
    """A table artifact of the current run; a failure is logged, never raised."""
    try:
        from prefect.artifacts import create_table_artifact

        create_table_artifact(table=rows, key=key, description=description)
    except Exception as exc:  # the run's work is done: an artifact is only a view of it
        warn_unpublished(key, exc)


def publish_markdown(key: str, markdown: str, description: str) -> None:
    """A markdown artifact of the current run; a failure is logged, never raised."""
    try:
        from prefect.artifacts import create_markdown_artifact

        create_markdown_artifact(markdown=markdown, key=key, description=description)
    except Exception as exc:  # the run's work is done: an artifact is only a view of it
        warn_unpublished(key, exc)


def warn_unpublished(key: str, exc: Exception) -> None:
    """Log that an artifact could not be published (the run goes on)."""
    try:
        logger: Any = get_run_logger()
    except Exception:  # called outside a run (a test)
        logger = logging.getLogger(__name__)
    logger.warning("could not publish the artifact %s: %r", key, exc)
