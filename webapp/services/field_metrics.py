"""How an export does in the field: its reported predictions summed per bucket, beside its reference.

Reads the sums inference reports keep (webapp/services/inferences.py): minute rows for minute buckets,
hour rows for hour and day buckets, so a day of 100 devices is at most 2,400 rows whatever the traffic.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from pipelines import field_stats as bins
from webapp.errors import ValidationError
from webapp.models import (
    HOUR,
    MINUTE,
    Device,
    ExportJob,
    InferenceBatch,
    InferenceSample,
    Project,
    field_class_counts,
    field_stats,
    utcnow,
)
from webapp.models.field import LATENCY_COLUMNS, SCORE_COLUMNS
from webapp.services.common import get_in_org

BUCKETS = {"minute": MINUTE, "hour": HOUR, "day": 86_400}
MAX_BUCKETS = 2_000
DEFAULT_WINDOW = timedelta(hours=24)

# The sums of a group of field_stats rows, in the order :func:`tally_of` reads them.
SUMS = (
    func.sum(field_stats.c.predictions),
    func.sum(field_stats.c.latency_sum),
    *(func.sum(field_stats.c[name]) for name in (*SCORE_COLUMNS, *LATENCY_COLUMNS)),
)


def tally_of(sums: Any, classes: dict[str, int] | None = None) -> bins.Tally:
    """The tally of one group's ``SUMS`` (and its class counts)."""
    predictions, latency_sum, *hists = sums
    return bins.Tally(
        predictions=int(predictions),
        latency_sum=float(latency_sum),
        score_hist=[int(n) for n in hists[: len(SCORE_COLUMNS)]],
        latency_hist=[int(n) for n in hists[len(SCORE_COLUMNS) :]],
        classes=classes or {},
    )


def metrics(
    session: Session,
    organization_id: int,
    export_id: int,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    device_id: int | None = None,
    bucket: str = "hour",
    now: datetime | None = None,
) -> dict[str, Any]:
    """The export's field figures per bucket over [start, end) (default: the last 24 hours), and its
    reference; buckets without predictions are left out."""
    job = get_in_org(session, ExportJob, organization_id, export_id)
    if device_id is not None:
        get_in_org(session, Device, organization_id, device_id)
    project = session.get(Project, job.project_id)
    assert project is not None
    threshold = project.low_confidence_threshold
    size = BUCKETS[bucket]
    end = _ceil(end or now or utcnow(), size)
    start = _floor(start or end - DEFAULT_WINDOW, size)
    if start >= end:
        raise ValidationError("Empty time range", "from must be before to")
    if (end - start) / timedelta(seconds=size) > MAX_BUCKETS:
        raise ValidationError(
            "Too many buckets",
            f"{bucket} buckets over this range would be more than {MAX_BUCKETS}; use a larger bucket or a "
            "shorter range",
        )
    period = MINUTE if bucket == "minute" else HOUR
    where = _window(field_stats, job.id, period, start, end, device_id)
    class_where = _window(field_class_counts, job.id, period, start, end, device_id)
    group = field_stats.c.day if bucket == "day" else field_stats.c.start
    class_group = field_class_counts.c.day if bucket == "day" else field_class_counts.c.start

    rows = session.execute(
        select(group, func.count(func.distinct(field_stats.c.device_id)), *SUMS)
        .where(*where)
        .group_by(group)
        .order_by(group)
    ).all()
    classes: dict[Any, dict[str, int]] = {}
    for key, label, count in session.execute(
        select(class_group, field_class_counts.c.label, func.sum(field_class_counts.c.count))
        .where(*class_where)
        .group_by(class_group, field_class_counts.c.label)
    ):
        classes.setdefault(key, {})[label] = int(count)
    devices = session.scalar(select(func.count(func.distinct(field_stats.c.device_id))).where(*where)) or 0

    buckets = []
    total = bins.Tally()
    for key, reporting, *sums in rows:
        tally = tally_of(sums, classes.get(key, {}))
        total.merge(tally)
        buckets.append(
            {"start": _bucket_start(key), "devices_reporting": int(reporting), **tally.figures(threshold)}
        )
    return {
        "export_id": job.id,
        "project_id": job.project_id,
        "task": (job.signature or {}).get("task", "classification"),
        "start": start,  # shown as from and to
        "end": end,
        "bucket": bucket,
        "device_id": device_id,
        "low_confidence_threshold": threshold,
        "total_predictions": total.predictions,
        "devices_reporting": int(devices),
        "summary": total.figures(threshold),
        "buckets": buckets,
        "reference": reference_figures(job.reference, threshold),
        "bins": {"confidence": _score_edges(), "latency_ms": list(bins.LATENCY_EDGES_MS)},
    }


def reference_figures(reference: dict[str, Any] | None, threshold: float) -> dict[str, Any] | None:
    """An export's stored reference counts as the figures a bucket shows (its latency: the exporter's
    batch-1 median on its CPU)."""
    if not reference:
        return None
    tally = bins.Tally(
        predictions=int(reference.get("predictions", 0)),
        score_hist=list(reference.get("confidence_histogram") or [0] * bins.SCORE_BINS),
        classes=dict(reference.get("class_counts") or {}),
    )
    figures = tally.figures(threshold)
    figures["latency_ms"] = {"mean": None, "p50": (reference.get("latency_ms") or {}).get("p50"), "p95": None}
    del figures["latency_histogram"]
    return {"split": reference.get("split"), **figures}


def _window(
    table: Any, export_id: int, period: int, start: datetime, end: datetime, device_id: int | None
) -> list[Any]:
    """The conditions that pick an export's rows of one resolution in [start, end) from ``table``
    (field_stats or field_class_counts: the same key columns), of one device when given."""
    where = [
        table.c.export_id == export_id,
        table.c.period_s == period,
        table.c.start >= start,
        table.c.start < end,
    ]
    if device_id is not None:
        where.append(table.c.device_id == device_id)
    return where


def _score_edges() -> list[float]:
    return [round(i * bins.SCORE_BIN_WIDTH, 4) for i in range(bins.SCORE_BINS + 1)]


def _bucket_start(key: Any) -> datetime:
    if isinstance(key, datetime):
        return key
    return datetime(key.year, key.month, key.day, tzinfo=UTC)


def _floor(at: datetime, size: int) -> datetime:
    at = at.astimezone(UTC)
    return datetime.fromtimestamp(int(at.timestamp()) // size * size, UTC)


def _ceil(at: datetime, size: int) -> datetime:
    floored = _floor(at, size)
    return floored if floored == at.astimezone(UTC) else floored + timedelta(seconds=size)


def prune(
    session: Session, *, retention: timedelta, minute_retention: timedelta, now: datetime | None = None
) -> int:
    """Drop hour sums older than ``retention``; minute sums, samples and counted batch ids older than
    ``minute_retention``. Returns the rows removed."""
    now = now or utcnow()
    removed = 0
    for table in (field_stats, field_class_counts):
        for period, keep in ((MINUTE, minute_retention), (HOUR, retention)):
            result = session.execute(
                delete(table).where(table.c.period_s == period, table.c.start < now - keep)
            )
            removed += int(getattr(result, "rowcount", 0) or 0)
    for model, column in (
        (InferenceSample, InferenceSample.created_at),
        (InferenceBatch, InferenceBatch.received_at),
    ):
        result = session.execute(delete(model).where(column < now - minute_retention))
        removed += int(getattr(result, "rowcount", 0) or 0)
    session.flush()
    return removed
