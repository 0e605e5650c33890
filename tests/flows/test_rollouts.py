"""Staged rollouts for real: a fleet of 200 devices (the SDK's device client, over HTTP) and the
rollout-evaluation flow run by the worker against a real Prefect server. A good export is promoted
stage by stage to every device, one device offline through a stage and another unable to load it; a
broken one (its scores collapse) is rolled back, and its devices go back to the good one."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from acusight_sdk.agent.models import ModelSlot
from acusight_sdk.device import DeviceClient
from flask.testing import FlaskClient

from tests.flows.prefect_runs import read_flow_run
from tests.helpers import make_export, make_model, service_headers, wait_until
from webapp import orchestration
from webapp.extensions import db
from webapp.models import DatasetVersion
from webapp.services import cohorts

FLEET = 200
REFERENCE = {
    "split": "held-out",
    "predictions": 10,
    "confidence_histogram": [0] * 18 + [2, 8],
    "class_counts": {"cat": 5, "dog": 5},
}


def exports_of_one_model(
    client: FlaskClient, headers: dict[str, str], service: dict[str, str], labeled_project: Any
) -> tuple[int, list[dict[str, Any]]]:
    """A project and three succeeded exports of one model (the flows played by hand: what is tested
    here is the rollout, not training)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(orchestration, "start", lambda kind, parameters: "not-started")
        project_id = labeled_project(headers, n=4, name="rollout fleet", seed=31)["project_id"]
        resp = client.post("/api/data/datasets", json={"project_id": project_id}, headers=headers)
        dataset = db.session.get(DatasetVersion, resp.get_json()["data"]["id"])
        assert dataset is not None
        dataset.status = "ready"
        db.session.commit()
        model = make_model(client, headers, service, dataset.id)
        jobs = [
            make_export(client, headers, service, model["id"], artifact=f"onnx {i}".encode())
            for i in range(3)
        ]
    # The device that uploaded the project's images leaves it: the fleet is the 200 made here.
    for device in client.get(
        "/api/devices", query_string={"project_id": project_id}, headers=headers
    ).get_json()["data"]:
        client.patch(f"/api/devices/{device['id']}", json={"project_id": None}, headers=headers)
    for job in jobs:
        path = f"/api/ml/export-jobs/{job['id']}"
        assert client.patch(path, json={"reference": REFERENCE}, headers=service).status_code == 200
    return project_id, jobs


class Fleet:
    """200 device clients of one project, each saying what it runs and reporting what it predicts."""

    def __init__(self, api: str, token: str, work: Path) -> None:
        self.api = api
        self.work = work
        with ThreadPoolExecutor(8) as pool:
            self.devices = list(
                pool.map(
                    lambda i: DeviceClient.provision(api, token, f"fleet-{i}", f"fleet cam {i}"), range(FLEET)
                )
            )
        self.ids = {id(d): d.me()["id"] for d in self.devices}
        self.offline: set[int] = set()
        self.broken_loader: set[int] = set()

    def device_id(self, device: DeviceClient) -> int:
        return self.ids[id(device)]

    def round(self, score_of: Callable[[int], float]) -> dict[int, int]:
        """Every online device checks in (taking its model, or failing to load it) and reports 5
        predictions of what it runs; returns {device id: export it runs}."""

        def one(device: DeviceClient) -> tuple[int, int | None]:
            device_id = self.device_id(device)
            if device_id in self.offline:
                return device_id, device.running_export_id
            info = device.checkin(battery_pct=90)["model"]
            if info is not None and info["export_id"] != device.running_export_id:
                self.take(device, info)
                device.checkin(battery_pct=90)  # says what it now runs (or what failed)
            if device.running_export_id is not None:
                score = score_of(device.running_export_id)
                at = datetime.now(UTC).isoformat()
                device.report(
                    [
                        {
                            "export_id": device.running_export_id,
                            "label": "cat",
                            "score": score,
                            "latency_ms": 9.0,
                            "captured_at": at,
                        }
                    ]
                    * 5
                )
            return device_id, device.running_export_id

        with ThreadPoolExecutor(8) as pool:
            return {k: v for k, v in pool.map(one, self.devices) if v is not None}

    def take(self, device: DeviceClient, info: dict[str, Any]) -> None:
        """What the agent does with a new assignment: download (checksum-verified), load, swap; a device
        whose model will not load keeps the one it had and says which export failed."""
        device_id = self.device_id(device)

        def loader(path: Path) -> Any:
            if device_id in self.broken_loader:
                raise RuntimeError("onnxruntime: this device's runtime cannot load the model")
            assert hashlib.sha256(path.read_bytes()).hexdigest() == info["sha256"]
            return object()

        slot = ModelSlot(self.work / str(device_id), loader=loader)
        if slot.update(device, info):
            device.running_export_id, device.model_error, device.failed_export_id = (
                info["export_id"],
                None,
                None,
            )
        else:
            device.model_error, device.failed_export_id = slot.error, slot.failed_export_id


def evaluated(client: FlaskClient, headers: dict[str, str], rollout_id: int) -> dict[str, Any]:
    """Ask for an evaluation now (a rollout-evaluation flow run), wait for that run to finish, and
    answer the rollout as it left it."""
    resp = client.post("/api/ml/rollout-checks", json={"rollout_id": rollout_id}, headers=headers)
    assert resp.status_code == 202, resp.get_json()
    run_id = resp.get_json()["data"]["flow_run_id"]

    def finished() -> bool:
        state = read_flow_run(run_id).state
        assert state is None or state.type.value not in ("FAILED", "CRASHED"), state
        return state is not None and state.type.value == "COMPLETED"

    wait_until(finished, 180, f"the evaluation of rollout {rollout_id}", interval=0.5)
    return dict(client.get(f"/api/ml/rollouts/{rollout_id}", headers=headers).get_json()["data"])


@pytest.mark.usefixtures("worker")
def test_a_fleet_of_200_takes_a_good_export_stage_by_stage_and_gives_back_a_broken_one(
    client: FlaskClient,
    admin: Any,
    admin_headers: dict[str, str],
    labeled_project: Any,
    service_key: str,
    live_api: str,
    tmp_path: Path,
) -> None:
    service = service_headers(service_key, admin.organization_id)
    project_id, (old, good, broken) = exports_of_one_model(client, admin_headers, service, labeled_project)
    client.patch(
        f"/api/data/projects/{project_id}", json={"deployed_export_id": old["id"]}, headers=admin_headers
    )
    token = client.post(
        "/api/provisioning-tokens",
        json={"name": "fleet", "max_uses": FLEET, "project_id": project_id},
        headers=admin_headers,
    ).get_json()["data"]["token"]
    fleet = Fleet(live_api, token, tmp_path)
    scores = {old["id"]: 0.9, good["id"]: 0.9, broken["id"]: 0.3}
    assert set(fleet.round(scores.__getitem__).values()) == {old["id"]}  # the fleet before

    stages = [
        {"percent": 10, "min_duration_s": 0, "min_devices": 5},
        {"percent": 50, "min_duration_s": 0, "min_devices": 50},
        {"percent": 100, "min_duration_s": 0, "min_devices": 150},
    ]
    body = {"export_id": good["id"], "stages": stages, "guardrails": {"max_failure_rate": 0.1}}
    resp = client.post("/api/ml/rollouts", json=body, headers=admin_headers)
    assert resp.status_code == 201, resp.get_json()
    rollout = resp.get_json()["data"]
    # One rollout per target: a second, of any export, is refused.
    second = client.post("/api/ml/rollouts", json={"export_id": broken["id"]}, headers=admin_headers)
    assert second.status_code == 409, second.get_json()

    # Chosen by hash: one device of the first stage cannot load the export (it keeps the old one and
    # says so), and one of the second goes offline before that stage starts.
    share = {fleet.device_id(d): cohorts.bucket(rollout["id"], fleet.device_id(d)) for d in fleet.devices}
    failing = min(d for d, b in share.items() if b < 10)
    offline = min(d for d, b in share.items() if 10 <= b < 50)
    fleet.broken_loader.add(failing)
    running = fleet.round(scores.__getitem__)
    first = {d for d, e in running.items() if e == good["id"]}
    assert first == {d for d, b in share.items() if b < 10} - {failing}
    assert 5 <= len(first) <= 40, len(first)  # about 10 % of 200
    assert running[failing] == old["id"]
    fleet.offline.add(offline)

    decided = evaluated(client, admin_headers, rollout["id"])
    assert [d["action"] for d in decided["decisions"]] == ["promote"], decided["decisions"]
    figures = decided["decisions"][0]["figures"]
    assert figures["failures"]["devices_failed"] == 1 and figures["stage_devices"] == len(first) + 1
    assert figures["baseline"]["source"] == "field"

    for _ in range(2):
        running = fleet.round(scores.__getitem__)
        decided = evaluated(client, admin_headers, rollout["id"])
    assert decided["status"] == "completed", decided["decisions"]
    assert [d["action"] for d in decided["decisions"]] == ["promote", "promote", "complete"]
    # Everyone online runs it but the device that cannot load it; the offline one gets it when back.
    running = fleet.round(scores.__getitem__)
    assert {d for d, e in running.items() if e != good["id"]} == {failing, offline}
    fleet.offline.clear()
    assert fleet.round(scores.__getitem__)[offline] == good["id"]

    # A broken export: its scores collapse on the first stage's devices, and it is rolled back.
    fleet.broken_loader.clear()
    body = {
        "export_id": broken["id"],
        "stages": [{"percent": 20, "min_duration_s": 0, "min_devices": 10}, {"percent": 100}],
    }
    rollout = client.post("/api/ml/rollouts", json=body, headers=admin_headers).get_json()["data"]
    running = fleet.round(scores.__getitem__)
    took = {d for d, e in running.items() if e == broken["id"]}
    assert 10 <= len(took) <= 70, len(took)
    decided = evaluated(client, admin_headers, rollout["id"])
    assert decided["status"] == "rolled_back", decided["decisions"]
    [decision] = decided["decisions"]
    assert decision["decided_by"] == "flow" and "mean top score dropped" in decision["reason"]
    assert decision["figures"]["score_drop"] > 0.5
    running = fleet.round(scores.__getitem__)
    assert set(running.values()) == {good["id"]}
