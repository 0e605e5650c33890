"""The drift-check flow: is the world the devices see still the one each deployed model was tested on?

On a schedule (ACUSIGHT_DRIFT_CHECK_MINUTES), for every deployed export, the field's class mix and
confidence histogram over the last ACUSIGHT_DRIFT_WINDOW_HOURS are compared with the export's
reference (its model's predictions on held-out images) by the population stability index. Past
ACUSIGHT_DRIFT_PSI_THRESHOLD the flow records a drift event; the API answers it by raising the
project's sampling for a while, so the changed world's frames come in to be labelled.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from prefect import flow, get_run_logger, task

from flows.client import PlatformClient
from flows.config import FlowSettings
from flows.prefect_ui import RunName
from pipelines.field_stats import compare


@task(task_run_name="check export {export_id}")
def check_export(
    api: PlatformClient, export_id: int, settings: FlowSettings, now: datetime
) -> dict[str, Any]:
    """Compare one export's field window with its reference; record drift when it passes the threshold."""
    start = now - timedelta(hours=settings.drift_window_hours)
    metrics = api.get(
        f"/ml/export-jobs/{export_id}/field-metrics",
        **{"from": start.isoformat(), "to": now.isoformat(), "bucket": "hour"},
    )
    summary, reference = metrics["summary"], metrics["reference"]
    outcome = compare(
        summary,
        reference or {},
        threshold=settings.drift_psi_threshold,
        min_predictions=settings.drift_min_predictions,
    )
    outcome["at"] = now.isoformat()
    if outcome["verdict"] == "drift":
        event = api.post(
            "/ml/drift-events",
            {
                "export_id": export_id,
                "window_from": metrics["from"],
                "window_to": metrics["to"],
                "predictions": outcome["predictions"],
                "class_psi": outcome["class_psi"],
                "confidence_psi": outcome["confidence_psi"],
                "threshold": outcome["threshold"],
                "figures": {
                    "field": _distributions(summary),
                    "reference": _distributions(reference),
                },
            },
        )
        outcome["drift_event_id"] = event["id"]
        outcome["sampling_boost"] = event["sampling_boost"]
    # Every check, drift or not, is the export's last one: what a person (or the demo) looks at.
    api.patch(f"/ml/export-jobs/{export_id}", {"drift_check": outcome})
    return outcome | {"export_id": export_id}


def _distributions(figures: dict[str, Any]) -> dict[str, Any]:
    return {
        "class_mix": figures["class_mix"],
        "confidence_histogram": figures["confidence_histogram"],
        "low_confidence_share": figures["low_confidence_share"],
        "mean_confidence": figures["mean_confidence"],
    }


@flow(
    name="drift-check",
    flow_run_name=RunName("drift check", (("export", "export_id"),), otherwise="every deployed export"),
)
def drift_check(export_id: int | None = None) -> list[dict[str, Any]]:
    """Check every deployed export (or only ``export_id``) for drift; returns each check's outcome."""
    log = get_run_logger()
    settings = FlowSettings.from_env()
    now = datetime.now(UTC)
    outcomes = []
    for target in PlatformClient(settings, None).get("/ml/drift-targets"):
        if export_id is not None and target["export_id"] != export_id:
            continue
        api = PlatformClient(settings, target["organization_id"])
        outcome = check_export(api, target["export_id"], settings, now)
        log.info(
            "export %s: %s (class PSI %s, confidence PSI %s) %s",
            target["export_id"],
            outcome["verdict"],
            _fmt(outcome.get("class_psi")),
            _fmt(outcome.get("confidence_psi")),
            outcome.get("reason", ""),
        )
        outcomes.append(outcome)
    return outcomes


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
