"""`acusight jobs`: training and export jobs, and following one as it runs."""

from __future__ import annotations

import time
from typing import Any

import click
from sqlalchemy.orm import Session

from acusight.cli._accounts import accounts_session
from acusight.cli._datadir import DataDir, data_dir_option
from acusight.cli._output import (
    find_org,
    json_option,
    limit_option,
    more,
    org_option,
    print_fields,
    print_json,
    print_json_line,
    print_table,
    text,
)
from webapp.models import FINAL_TRAINING_STATUSES, TRAINING_STATUSES, ExportJob, TrainingJob

KINDS = ("training", "export")
FINAL = set(FINAL_TRAINING_STATUSES)  # an export job ends succeeded or failed: the same words
# The figures of an epoch in the order they are shown; any others follow, by name.
EPOCH_ORDER = ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr", "images_per_second")
# Where `--follow` sleeps between reads (a name tests replace).
sleep = time.sleep


@click.group()
def jobs() -> None:
    """Training and export jobs of an organization: list, show, follow."""


def _service(kind: str) -> Any:
    from webapp.services import exports, training

    return training if kind == "training" else exports


def describe(job: TrainingJob | ExportJob) -> dict[str, Any]:
    """A job as the commands show it: the API's fields, with its kind."""
    common = {
        "id": job.id,
        "status": job.status,
        "project_id": job.project_id,
        "progress": job.progress,
        "error": job.error,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }
    if isinstance(job, TrainingJob):
        model = job.model
        return {
            "kind": "training",
            **common,
            "dataset_id": job.dataset_id,
            "device": job.device,
            "params": job.params,
            "metrics": job.metrics,
            "warnings": job.warnings or [],
            "model_id": model.id if model is not None else None,
        }
    return {
        "kind": "export",
        **common,
        "model_id": job.model_id,
        "format": job.format,
        "precision": job.precision,
        "opset": job.opset,
        "parity": job.parity,
        "accuracy": job.accuracy,
        "latency_ms": job.latency_ms,
        "artifact_sha256": job.artifact_sha256,
        "artifact_size": job.artifact_size,
    }


def _what(job: dict[str, Any]) -> str:
    if job["kind"] == "training":
        return f"dataset {job['dataset_id']} -> " + (f"model {job['model_id']}" if job["model_id"] else "…")
    return f"model {job['model_id']} {job['format']} {job['precision']}"


def _where(job: dict[str, Any]) -> str:
    """How far a running job is: its epoch, or its export stage."""
    progress = job["progress"] if isinstance(job["progress"], dict) else {}
    if "epoch" in progress:
        return f"epoch {progress['epoch']}/{progress.get('epochs', '?')}"
    if "stage" in progress:
        return f"{progress['stage']} ({progress.get('step', '?')}/{progress.get('steps', '?')})"
    return ""


@jobs.command("list")
@org_option
@click.option("--kind", type=click.Choice([*KINDS, "all"]), default="all", show_default=True)
@click.option("--status", type=click.Choice(TRAINING_STATUSES), default=None)
@click.option("--project", "project_id", type=int, default=None, help="Only the jobs of this project id")
@limit_option(20)
@json_option
@data_dir_option
def jobs_list(
    org_ref: str | None,
    kind: str,
    status: str | None,
    project_id: int | None,
    limit: int,
    as_json: bool,
    data_dir: DataDir,
) -> None:
    """List jobs, newest first: training jobs (dataset -> model) and export jobs (model -> ONNX)."""
    with accounts_session(data_dir, writes=False) as session:
        org = find_org(session, org_ref)
        rows: list[dict[str, Any]] = []
        total = 0
        for each in KINDS if kind == "all" else (kind,):
            page = _service(each).list_(session, org.id, 1, limit, project_id=project_id, status=status)
            rows += [describe(job) for job in page]
            total += page.total
    rows = sorted(rows, key=lambda r: (r["created_at"], r["kind"], r["id"]), reverse=True)[:limit]
    if as_json:
        print_json(rows)
        return
    print_table(
        ["KIND", "ID", "STATUS", "PROJECT", "WHAT", "PROGRESS", "CREATED"],
        [
            [r["kind"], r["id"], r["status"], r["project_id"], _what(r), _where(r), r["created_at"]]
            for r in rows
        ],
        empty=f"no jobs in {org.name}",
        footer=more(len(rows), total, "jobs"),
    )


class EpochTracker:
    """The epochs of a training job's progress not yet shown, each once, in order: ``progress`` holds the
    latest epoch's figures and, where the worker reports it, ``history``, every epoch's so far."""

    def __init__(self) -> None:
        self.last = 0.0

    def new(self, progress: Any) -> list[dict[str, Any]]:
        if not isinstance(progress, dict):
            return []
        latest = {k: v for k, v in progress.items() if k != "history"}
        history = progress.get("history")
        rows = [r for r in history if isinstance(r, dict)] if isinstance(history, list) else []
        rows.append(latest)
        fresh = []
        for row in sorted(rows, key=_epoch_of):
            if _epoch_of(row) > self.last:
                self.last = _epoch_of(row)
                fresh.append({"epochs": latest.get("epochs"), **row})
        return fresh


def _epoch_of(row: dict[str, Any]) -> float:
    epoch = row.get("epoch")
    return float(epoch) if isinstance(epoch, int | float) and not isinstance(epoch, bool) else 0.0


def epoch_line(row: dict[str, Any]) -> str:
    figures = [k for k in EPOCH_ORDER if k in row] + sorted(
        k for k in row if k not in (*EPOCH_ORDER, "epoch", "epochs")
    )
    shown = "  ".join(f"{k} {text(row[k])}" for k in figures if not isinstance(row[k], dict | list))
    return f"epoch {row['epoch']}/{row.get('epochs') or '?'}  {shown}".rstrip()


def _final_line(job: dict[str, Any]) -> str:
    line = f"{job['kind']} job {job['id']} {job['status']}"
    if job["status"] == "succeeded" and job["kind"] == "training" and job["model_id"]:
        line += f": model {job['model_id']} registered"
    if job["status"] == "succeeded" and job["kind"] == "export":
        line += f": {job['artifact_size']} bytes, sha256 {job['artifact_sha256']}"
    if job["error"]:
        line += f": {job['error'].strip().splitlines()[-1]}"
    return line


def follow(session: Session, org_id: int, kind: str, job_id: int, interval: float, as_json: bool) -> str:
    """Print what the job reports as it comes (status changes, each new epoch once, export stages) until
    it ends; its final status."""
    service = _service(kind)
    epochs = EpochTracker()
    status, stage = "", None

    def emit(event: str, line: str, **data: Any) -> None:
        if as_json:
            print_json_line({"event": event, "kind": kind, "job_id": job_id, **data})
        else:
            click.echo(line)

    while True:
        session.rollback()  # a fresh transaction: the worker's latest report
        job = describe(service.get(session, org_id, job_id))
        if job["status"] != status:
            status = job["status"]
            if status not in FINAL:
                emit("status", f"{kind} job {job_id} {status}", status=status)
        for row in epochs.new(job["progress"]) if kind == "training" else []:
            emit("epoch", epoch_line(row), **row)
        progress = job["progress"] if isinstance(job["progress"], dict) else {}
        if kind == "export" and progress.get("stage") not in (None, stage):
            stage = progress["stage"]
            emit("stage", _where(job), **progress)
        if status in FINAL:
            emit("done", _final_line(job), job=job)
            return status
        sleep(interval)


@jobs.command("show")
@click.argument("job_id", type=int)
@org_option
@click.option("--kind", type=click.Choice(KINDS), default="training", show_default=True)
@click.option(
    "--follow", "-f", "following", is_flag=True, help="Print each new epoch (or stage) until it ends"
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=2.0,
    show_default=True,
    help="Seconds between reads while following",
)
@json_option
@data_dir_option
def jobs_show(
    job_id: int,
    org_ref: str | None,
    kind: str,
    following: bool,
    interval: float,
    as_json: bool,
    data_dir: DataDir,
) -> None:
    """One job: its parameters, progress, figures and error. With --follow, its epochs as they arrive
    (JSON Lines with --json); the exit status is then 0 when it succeeded, 1 otherwise."""
    with accounts_session(data_dir, writes=False) as session:
        org = find_org(session, org_ref)
        if following:
            try:
                final = follow(session, org.id, kind, job_id, interval, as_json)
            except KeyboardInterrupt:
                click.echo(f"stopped following; {kind} job {job_id} goes on", err=True)
                raise SystemExit(130) from None
        else:
            job = describe(_service(kind).get(session, org.id, job_id))
    if following:
        if final != "succeeded":
            raise SystemExit(1)
        return
    if as_json:
        print_json(job)
        return
    _print_job(job)


def _print_job(job: dict[str, Any]) -> None:
    fields: list[tuple[str, Any]] = [
        (f"{job['kind']} job", f"{job['id']} of project {job['project_id']}: {_what(job)}"),
        ("status", job["status"] + (f", {_where(job)}" if job["status"] == "running" else "")),
        ("created", job["created_at"]),
        ("started", job["started_at"]),
        ("finished", job["finished_at"]),
    ]
    if job["kind"] == "training":
        params = ", ".join(f"{k} {v}" for k, v in sorted(job["params"].items()))
        fields += [("device", job["device"]), ("params", params or "defaults")]
        metrics = job["metrics"] or {}
        fields += [(f"  {k}", v) for k, v in sorted(metrics.items()) if not isinstance(v, dict | list)]
        fields += [("warning", w) for w in job["warnings"]]
    else:
        artifact = job["artifact_sha256"] and f"{job['artifact_size']} bytes, sha256 {job['artifact_sha256']}"
        fields.append(("artifact", artifact or None))
        for name in ("parity", "accuracy", "latency_ms"):
            figures = job[name] or {}
            fields.append((name, ", ".join(f"{k} {text(v)}" for k, v in figures.items()) or None))
    if job["error"]:
        fields.append(("error", job["error"].strip().splitlines()[-1]))
    print_fields(fields)
    if job["kind"] == "training":
        for row in EpochTracker().new(job["progress"]):
            click.echo(epoch_line(row))
