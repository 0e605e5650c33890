"""The export flow: fetch a model and its dataset version, export to ONNX with parity checks, report back."""

from __future__ import annotations

import hashlib
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.client import PlatformClient
from flows.config import FlowSettings
from flows.prefect_ui import RunName, artifact_key, markdown_figures, publish_markdown, warn_unpublished
from flows.tasks import failure_hook, mark_failed, retried_task
from flows.training import checkout_dataset
from pipelines.export import EXPORT_STAGES, ParityError, export_onnx

# Parity is judged on onnxruntime's CPU provider, named explicitly: it is what devices run, its
# numerics are deterministic, and onnxruntime-gpu left to choose would try CUDA and fall back
# silently where CUDA libraries are missing. export_onnx times CUDA too when both torch
# and onnxruntime really see a GPU.
PARITY_PROVIDERS = ["CPUExecutionProvider"]
CHUNK = 1 << 20


@retried_task()
def fetch_checkpoint(api: PlatformClient, model: dict[str, Any], into: Path) -> Path:
    """The model's PyTorch checkpoint, verified against the sha256 the registry holds."""
    digest = hashlib.sha256()
    with api.stream("GET", f"/ml/models/{model['id']}/download") as resp, open(into, "wb") as f:
        for chunk in resp.iter_bytes(CHUNK):
            digest.update(chunk)
            f.write(chunk)
    if digest.hexdigest() != model["artifact_sha256"]:
        raise RuntimeError(
            f"checkpoint of model {model['id']} is corrupt: sha256 {digest.hexdigest()}, "
            f"the registry says {model['artifact_sha256']}"
        )
    return into


# The steps an export job's progress names, in order: the flow's own around export_onnx's.
STAGES: tuple[str, ...] = ("fetching the model", "checking out the dataset", *EXPORT_STAGES, "uploading")


class StageReporter:
    """Reports each stage the export reaches as the job's progress: stage, step of steps, and when."""

    def __init__(self, api: PlatformClient, job_id: int) -> None:
        self.api, self.job_id = api, job_id

    def __call__(self, stage: str) -> None:
        progress = {
            "stage": stage,
            "step": STAGES.index(stage) + 1,
            "steps": len(STAGES),
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        self.api.patch(f"/ml/export-jobs/{self.job_id}", {"progress": progress})


# No cache: the export depends on files on disk and a live reporter, not only its arguments.
@task(cache_policy=NO_CACHE)
def export_artifact(
    checkpoint: Path, dataset_dir: Path, out: Path, job: dict[str, Any], on_stage: StageReporter
) -> dict[str, Any]:
    """Export, onnx.checker, parity with PyTorch on held-out images, latency; ParityError if a check fails."""
    return export_onnx(
        checkpoint,
        dataset_dir,
        out,
        opset=job["opset"],
        precision=job["precision"],
        dynamic_batch=job["dynamic_batch"],
        max_accuracy_drop=job["max_accuracy_drop"],
        providers=PARITY_PROVIDERS,
        detection=job.get("options"),
        on_stage=on_stage,
    )


@retried_task()
def upload_artifact(api: PlatformClient, job_id: int, path: Path, sha256: str) -> dict[str, Any]:
    """Send the .onnx file to the API, which keeps it in the blob store; the server checks the sha256."""
    with open(path, "rb") as f:
        return dict(api.upload(f"/ml/export-jobs/{job_id}/artifact", f, {"sha256": sha256}))


def figures(report: dict[str, Any]) -> dict[str, Any]:
    """What the job records of export_onnx's report (the artifact's size and sha256 come with its upload)."""
    return {
        "parity": report["parity"],
        "accuracy": report["accuracy"],
        "latency_ms": report["latency_ms"],
        "reference": report["reference"],
        "signature": {
            "task": report.get("task", "classification"),
            "input": report["input"],
            "output": report["output"],
        },
    }


def publish_figures(job: dict[str, Any], report: dict[str, Any], outcome: str) -> None:
    """The export's parity, accuracy and latency figures as a markdown artifact (``export-job-7``), for
    the Prefect UI; a failure is logged, not raised."""
    key = artifact_key("export-job", job["id"])
    try:
        markdown = markdown_figures(
            f"Export job {job['id']}",
            [
                ("Parity with PyTorch", report.get("parity") or {}),
                ("Accuracy on held-out images", report.get("accuracy") or {}),
                ("Latency (ms)", report.get("latency_ms") or {}),
                ("Artifact", {k: report[k] for k in ("size_bytes", "sha256") if k in report}),
            ],
            intro=(
                f"Project {job['project_id']}, model version {job['model_id']}: ONNX opset {job['opset']}, "
                f"{job['precision']}. {outcome}"
            ),
        )
    except Exception as exc:  # figures of an unexpected shape: the job's outcome stands all the same
        warn_unpublished(key, exc)
        return
    publish_markdown(key, markdown, f"Export job {job['id']}: parity and latency")


# A failed or crashed run marks its job failed, with the error, through the API (unless already final).
_report_failure = failure_hook(
    mark_failed("/ml/export-jobs/{job_id}", final_is_done=True), "the export failed"
)


@flow(
    name="export-model",
    flow_run_name=RunName("export", (("job", "job_id"),)),
    on_failure=[_report_failure],
    on_crashed=[_report_failure],
)
def export_model(job_id: int, organization_id: int) -> dict[str, Any]:
    """Export a model version to ONNX, prove it matches PyTorch, store the artifact, report the figures."""
    log = get_run_logger()
    settings = FlowSettings.from_env()
    api = PlatformClient(settings, organization_id)
    job = api.patch(f"/ml/export-jobs/{job_id}", {"status": "running"})
    model = api.get(f"/ml/models/{job['model_id']}")
    dataset = api.get(f"/data/datasets/{model['dataset_id']}")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    stage = StageReporter(api, job_id)
    with tempfile.TemporaryDirectory(dir=settings.data_dir, prefix="export-") as scratch:
        scratch_dir = Path(scratch)
        stage("fetching the model")
        checkpoint = fetch_checkpoint(api, model, scratch_dir / "model.pt")
        stage("checking out the dataset")
        dataset_dir = checkout_dataset(settings, dataset, scratch_dir / "dataset-repo")
        out = scratch_dir / "model.onnx"
        try:
            report = export_artifact(checkpoint, dataset_dir, out, job, stage)
        except ParityError as exc:
            # The figures go on the job as well as in the error the failure hook records.
            api.patch(
                f"/ml/export-jobs/{job_id}",
                {"parity": exc.report["parity"], "accuracy": exc.report["accuracy"]},
            )
            publish_figures(job, exc.report, f"Refused: {exc}")
            raise
        stage("uploading")
        upload_artifact(api, job_id, out, report["sha256"])
    done = api.patch(f"/ml/export-jobs/{job_id}", {"status": "succeeded", **figures(report)})
    publish_figures(job, report, "Parity and accuracy checks passed.")
    log.info(
        "export %s of model %s: %s, %d bytes, accuracy %s",
        job_id,
        model["id"],
        job["precision"],
        report["size_bytes"],
        report["accuracy"],
    )
    return {"sha256": done["artifact_sha256"], "size": done["artifact_size"], **figures(report)}
