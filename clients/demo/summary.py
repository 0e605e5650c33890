"""What the demo shows at the end: its facts and step times as a table, and the flow runs Prefect holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import requests
from rich.table import Table

from clients.demo.base import Summary


def summary_table(summary: Summary, urls: dict[str, str]) -> Table:
    table = Table(title="Acusight demo", show_header=True, header_style="bold")
    table.add_column("what")
    table.add_column("result")
    for key, value in summary.facts.items():
        if key.endswith("_id"):
            continue
        if isinstance(value, float):
            value = f"{value:.4f}"
        elif isinstance(value, dict):
            value = json.dumps(value, default=str)
        table.add_row(key, str(value))
    for name, seconds in summary.steps.items():
        table.add_row(f"time: {name}", f"{seconds:.1f} s")
    for name, url in urls.items():
        table.add_row(name, url)
    return table


def flow_runs(prefect_api_url: str, auth: tuple[str, str] | None = None) -> list[dict[str, Any]]:
    """The flow runs, as the Prefect UI lists them, less those a schedule has set for later or that a
    worker has not started yet (a scheduled rollout evaluation falls due every few minutes), each with
    its flow's name. ``auth``: the Prefect API's credentials."""
    runs = requests.post(
        f"{prefect_api_url}/flow_runs/filter", json={"limit": 200}, auth=auth, timeout=30
    ).json()
    flows = requests.post(f"{prefect_api_url}/flows/filter", json={}, auth=auth, timeout=30).json()
    names = {flow["id"]: flow["name"] for flow in flows}
    now = datetime.now(UTC)
    return [
        {**run, "flow_name": names.get(run["flow_id"], run["flow_id"])}
        for run in runs
        if not _not_started(run, now)
    ]


def _not_started(run: dict[str, Any], now: datetime) -> bool:
    if run["state_type"] == "PENDING" and run.get("start_time") is None:
        return True
    return bool(
        run["state_type"] == "SCHEDULED"
        and run.get("expected_start_time")
        and datetime.fromisoformat(run["expected_start_time"]) > now
    )


def count_by(runs: list[dict[str, Any]], key: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for run in runs:
        counts[run[key]] = counts.get(run[key], 0) + 1
    return counts
