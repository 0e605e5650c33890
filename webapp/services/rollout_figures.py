"""What a rollout's current stage shows: the devices it holds, how its export does on them, and how the
export those same devices ran before did — the figures the guardrails compare.

* candidate: the rollout's export on the stage's devices since the stage began (inference reports).
* baseline: the export those devices ran before (the project's when the rollout began), on the same
  devices, from ``baseline_hours`` before the rollout began until now; where they reported nothing
  of it, the candidate's own reference (its test split) stands in for the confidence figures.
* failures: devices that said at check-in that the export would not load (``failed_export_id``)
  against those that said they run it, and inference runs that failed against runs made.

Reads the same per-minute and per-hour sums as the field metrics (webapp/services/field_metrics.py),
grouped by device, so a stage of any size costs one grouped query per table.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from pipelines import field_stats as bins
from webapp.models import (
    HOUR,
    MINUTE,
    DeviceCheckin,
    ExportJob,
    Project,
    Rollout,
    field_class_counts,
    field_stats,
)
from webapp.services import cohorts
from webapp.services.field_metrics import SUMS, reference_figures, tally_of

# What a stage's figures keep of a tally's (no histograms: the field metrics show those).
_KEPT = ("predictions", "mean_confidence", "low_confidence_share", "latency_ms", "class_mix")


def current(
    session: Session,
    rollout: Rollout,
    *,
    baseline_hours: float,
    minute_retention: timedelta,
    now: datetime,
) -> dict[str, Any]:
    """The figures of the rollout's current stage, as of ``now``."""
    project = session.get(Project, rollout.project_id)
    assert project is not None
    threshold = project.low_confidence_threshold
    percent = cohorts.stage_percent(rollout)
    targets = cohorts.target_devices(session, rollout)
    stage = {device.id for device in cohorts.chosen(rollout.id, targets, percent)}
    since = rollout.stage_started_at

    # From a minute before the stage began: a device whose clock runs a little behind stamps its first
    # predictions of the export before the server's start of the stage.
    early = since - timedelta(minutes=1)
    candidate, reporting = _tally(session, rollout.export_id, stage, early, now, minute_retention)
    candidate_figures = _kept(candidate.figures(threshold))
    baseline_figures, source = None, None
    if rollout.baseline_export_id is not None:
        start = rollout.created_at - timedelta(hours=baseline_hours)
        baseline, _ = _tally(session, rollout.baseline_export_id, stage, start, now, minute_retention)
        if baseline.predictions:
            baseline_figures, source = _kept(baseline.figures(threshold)), "field"
    if baseline_figures is None:
        export = session.get(ExportJob, rollout.export_id)
        reference = reference_figures(export.reference if export else None, threshold)
        if reference and reference.get("predictions"):
            baseline_figures, source = _kept(reference), "reference"

    figures: dict[str, Any] = {
        "at": now.isoformat(),
        "stage": rollout.stage,
        "percent": percent,
        "stage_started_at": since.isoformat(),
        "stage_age_s": max((now - since).total_seconds(), 0.0),
        "target_devices": len(targets),
        "stage_devices": len(stage),
        "reporting_devices": len(reporting),
        "candidate": candidate_figures,
        "baseline": None if baseline_figures is None else baseline_figures | {"source": source},
        "failures": _failures(session, rollout.export_id, stage, since, candidate.predictions),
        "score_drop": None,
        "class_psi": None,
    }
    if baseline_figures is not None:
        before, after = baseline_figures.get("mean_confidence"), candidate_figures.get("mean_confidence")
        if before is not None and after is not None:
            figures["score_drop"] = before - after
        if source == "field" and candidate_figures["class_mix"] and baseline_figures["class_mix"]:
            figures["class_psi"] = bins.psi(baseline_figures["class_mix"], candidate_figures["class_mix"])
    return figures


def _kept(figures: dict[str, Any]) -> dict[str, Any]:
    return {key: figures[key] for key in _KEPT if key in figures}


def _tally(
    session: Session,
    export_id: int,
    devices: Collection[int],
    start: datetime,
    end: datetime,
    minute_retention: timedelta,
) -> tuple[bins.Tally, set[int]]:
    """The export's counts on ``devices`` over [start, end), and which of them reported any: minute
    rows while they are kept that far back, else hour rows (the hour ``start`` falls in counts)."""
    total = bins.Tally()
    if not devices:
        return total, set()
    period = MINUTE if start >= end - minute_retention else HOUR
    floor = datetime.fromtimestamp(int(start.timestamp()) // period * period, UTC)
    where = (
        field_stats.c.export_id == export_id,
        field_stats.c.period_s == period,
        field_stats.c.start >= floor,
        field_stats.c.start < end,
    )
    reporting: set[int] = set()
    for device_id, *sums in session.execute(
        select(field_stats.c.device_id, *SUMS).where(*where).group_by(field_stats.c.device_id)
    ):
        if device_id not in devices or not sums[0]:
            continue
        reporting.add(device_id)
        total.merge(tally_of(sums))
    table = field_class_counts
    for device_id, label, count in session.execute(
        select(table.c.device_id, table.c.label, func.sum(table.c.count))
        .where(
            table.c.export_id == export_id,
            table.c.period_s == period,
            table.c.start >= floor,
            table.c.start < end,
        )
        .group_by(table.c.device_id, table.c.label)
    ):
        if device_id in devices:
            total.classes[label] = total.classes.get(label, 0) + int(count)
    return total, reporting


def _failures(
    session: Session, export_id: int, devices: Collection[int], since: datetime, predictions: int
) -> dict[str, Any]:
    """Load failures (devices, from check-ins since ``since``) and run failures (runs) of the export."""
    loaded: set[int] = set()
    failed: set[int] = set()
    runs_failed = 0
    if devices:
        rows = session.execute(
            select(
                DeviceCheckin.device_id,
                DeviceCheckin.running_export_id,
                DeviceCheckin.failed_export_id,
                DeviceCheckin.runs_failed,
            ).where(
                DeviceCheckin.created_at >= since,
                or_(
                    DeviceCheckin.running_export_id == export_id, DeviceCheckin.failed_export_id == export_id
                ),
            )
        )
        for device_id, running, failing, runs in rows:
            if device_id not in devices:
                continue
            if failing == export_id:
                failed.add(device_id)
            if running == export_id:
                loaded.add(device_id)
                runs_failed += runs or 0
    # A device that failed once and loaded later (a corrupt download fetched again) counts as loaded.
    failed -= loaded
    tried = len(loaded) + len(failed)
    runs = predictions + runs_failed
    load_rate = len(failed) / tried if tried else None
    run_rate = runs_failed / runs if runs else None
    rates = [rate for rate in (load_rate, run_rate) if rate is not None]
    return {
        "devices_loaded": len(loaded),
        "devices_failed": len(failed),
        "load_failure_rate": load_rate,
        "runs_failed": runs_failed,
        "run_failure_rate": run_rate,
        "failure_rate": max(rates) if rates else None,
    }
