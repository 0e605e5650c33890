"""Staged rollouts through the API: who gets the export, what the stage's figures say, the decisions a
person and the evaluation flow make, and the input that is refused with nothing stored."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from flows.rollouts import judge
from tests.conftest import bearer
from tests.helpers import assert_error, make_export
from webapp.extensions import db
from webapp.models import Rollout, RolloutDecision
from webapp.services import cohorts, events

ROLLOUTS = "/api/ml/rollouts"
REFERENCE = {
    "split": "held-out",
    "predictions": 10,
    "confidence_histogram": [0] * 18 + [2, 8],
    "class_counts": {"cat": 5, "dog": 5},
}
# Shares wide enough that the hash puts at least 2 of the 30 devices in the first stage (fewer happens
# about once in 400,000 rollouts at 40 %; at 20 % it would be about once in 100).
FAST = [
    {"percent": 40, "min_duration_s": 0, "min_devices": 2},
    {"percent": 70, "min_duration_s": 0, "min_devices": 2},
    {"percent": 100, "min_duration_s": 0, "min_devices": 2},
]
_batches = itertools.count(1)


@pytest.fixture
def staged(
    client: FlaskClient,
    admin_headers: dict[str, str],
    service: dict[str, str],
    fleet: dict[str, Any],
    provision: Any,
) -> dict[str, Any]:
    """The fleet's project running export A (with a reference), export B of the same model ready to go
    out, and 30 devices in the project."""
    project_id, model_id = fleet["project_id"], fleet["model"]["id"]
    baseline = fleet["export"]
    candidate = make_export(client, admin_headers, service, model_id, artifact=b"\x08\x09candidate")
    for job in (baseline, candidate):
        path = f"/api/ml/export-jobs/{job['id']}"
        assert client.patch(path, json={"reference": REFERENCE}, headers=service).status_code == 200
    resp = client.patch(
        f"/api/data/projects/{project_id}", json={"deployed_export_id": baseline["id"]}, headers=admin_headers
    )
    assert resp.status_code == 200, resp.get_json()
    devices = [fleet["device"] | {"key": fleet["key"]}]
    for i in range(29):
        made = provision(admin_headers, f"CAM-R{i}", project_id=project_id)
        devices.append(made["device"] | {"key": {"X-Device-Key": made["api_key"]}})
    # The device that uploaded the project's images leaves it: the 30 here are the whole fleet.
    listed = client.get(
        "/api/devices", query_string={"project_id": project_id, "per_page": 100}, headers=admin_headers
    )
    for other in {d["id"] for d in listed.get_json()["data"]} - {d["id"] for d in devices}:
        client.patch(f"/api/devices/{other}", json={"project_id": None}, headers=admin_headers)
    return {"project_id": project_id, "baseline": baseline, "candidate": candidate, "devices": devices}


def start(client: FlaskClient, headers: dict[str, str], **body: Any) -> Any:
    return client.post(ROLLOUTS, json=body, headers=headers)


def assigned(client: FlaskClient, device: dict[str, Any]) -> dict[str, Any] | None:
    resp = client.post("/api/device/checkin", json={}, headers=device["key"])
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["data"]["config"]["model"]


def report(client: FlaskClient, device: dict[str, Any], export_id: int, score: float, n: int = 5) -> None:
    at = datetime.now(UTC).isoformat()
    predictions = [
        {"export_id": export_id, "captured_at": at, "latency_ms": 10.0, "label": "cat", "score": score}
    ] * n
    body = {"batch_id": f"r-{next(_batches)}", "predictions": predictions}
    resp = client.post("/api/device/inferences", json=body, headers=device["key"])
    assert resp.status_code in (200, 201), resp.get_json()


def detail(client: FlaskClient, headers: dict[str, str], rollout_id: int) -> dict[str, Any]:
    resp = client.get(f"{ROLLOUTS}/{rollout_id}", headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return dict(resp.get_json()["data"])


def decide(client: FlaskClient, service: dict[str, str], rollout: dict[str, Any]) -> Any:
    """What the evaluation flow does: judge the stage read, and send the decision."""
    verdict = judge(rollout)
    body = {
        "stage": rollout["stage"],
        "action": verdict.action,
        "reason": verdict.reason,
        "figures": rollout["figures"],
    }
    return client.post(f"{ROLLOUTS}/{rollout['id']}/decisions", json=body, headers=service)


def test_stages_reach_a_hashed_share_that_only_grows_and_complete_into_the_project(
    client: FlaskClient, admin_headers: dict[str, str], service: dict[str, str], staged: dict[str, Any]
) -> None:
    heard: list[dict[str, Any]] = []

    def hear(_sender: Any, **kw: Any) -> None:
        heard.append(kw)

    events.platform_event.connect(hear)
    try:
        resp = start(client, admin_headers, export_id=staged["candidate"]["id"], stages=FAST)
        assert resp.status_code == 201, resp.get_json()
        rollout = resp.get_json()["data"]
        assert rollout["status"] == "active" and rollout["baseline_export_id"] == staged["baseline"]["id"]
        assert rollout["figures"]["target_devices"] == 30
        candidate, baseline = staged["candidate"]["id"], staged["baseline"]["id"]
        seen: dict[int, set[int]] = {}
        for stage in range(3):
            running = {
                d["id"]
                for d in staged["devices"]
                if (assigned(client, d) or {}).get("export_id") == candidate
            }
            expected = {
                d["id"]
                for d in staged["devices"]
                if cohorts.bucket(rollout["id"], d["id"]) < FAST[stage]["percent"]
            }
            assert running == expected
            seen[stage] = running
            for device in staged["devices"]:
                model = assigned(client, device)
                assert model is not None
                assert model["source"] == ("rollout" if device["id"] in running else "project")
                report(client, device, model["export_id"], 0.95)
            now = detail(client, admin_headers, rollout["id"])
            assert now["figures"]["stage_devices"] == len(running)
            assert now["figures"]["reporting_devices"] == len(running)
            # The first stage's devices reported nothing of the baseline before switching: the
            # export's reference stands in; later stages' devices did, on the baseline.
            assert now["figures"]["baseline"]["source"] == ("reference" if stage == 0 else "field")
            assert now["figures"]["score_drop"] == pytest.approx(0.0, abs=0.02)
            resp = decide(client, service, now)
            assert resp.status_code == 200, resp.get_json()
        assert seen[0] <= seen[1] <= seen[2] and len(seen[2]) == 30 and 1 < len(seen[0]) < 25
        done = detail(client, admin_headers, rollout["id"])
        assert done["status"] == "completed" and done["figures"] is None
        assert [d["action"] for d in done["decisions"]] == ["promote", "promote", "complete"]
        assert all(d["decided_by"] == "flow" and d["figures"]["stage_devices"] for d in done["decisions"])
        project = client.get(f"/api/data/projects/{staged['project_id']}", headers=admin_headers).get_json()
        assert project["data"]["deployed_export_id"] == candidate
        assert {(assigned(client, d) or {}).get("source") for d in staged["devices"]} == {"project"}
        assert baseline != candidate
        assert [e["name"] for e in heard] == ["rollout.promoted"] * 3
        assert heard[-1]["data"]["status"] == "completed" and heard[-1]["data"]["percent"] == 100
    finally:
        events.platform_event.disconnect(hear)


def test_a_worse_export_is_rolled_back_and_the_devices_go_back(
    client: FlaskClient, admin_headers: dict[str, str], service: dict[str, str], staged: dict[str, Any]
) -> None:
    candidate, baseline = staged["candidate"]["id"], staged["baseline"]["id"]
    for device in staged["devices"]:
        report(client, device, baseline, 0.95)  # what they did before
    rollout = start(client, admin_headers, export_id=candidate, stages=FAST).get_json()["data"]
    for device in staged["devices"]:
        model = assigned(client, device)
        assert model is not None
        report(client, device, model["export_id"], 0.35 if model["export_id"] == candidate else 0.95)
    now = detail(client, admin_headers, rollout["id"])
    assert now["figures"]["score_drop"] == pytest.approx(0.6, abs=0.06)
    assert now["figures"]["candidate"]["mean_confidence"] < now["figures"]["baseline"]["mean_confidence"]
    resp = decide(client, service, now)
    assert resp.status_code == 200, resp.get_json()
    after = resp.get_json()["data"]
    assert after["status"] == "rolled_back"
    [decision] = after["decisions"]
    assert decision["action"] == "rollback" and "mean top score dropped" in decision["reason"]
    assert decision["figures"]["score_drop"] == pytest.approx(now["figures"]["score_drop"])
    assert {(assigned(client, d) or {}).get("export_id") for d in staged["devices"]} == {baseline}
    # Over: nothing more is decided on it, by the flow or by hand (a completed one could be rolled back).
    assert_error(decide(client, service, now), 409, "CONFLICT")
    assert_error(client.post(f"{ROLLOUTS}/{rollout['id']}/promote", headers=admin_headers), 409, "CONFLICT")


def test_devices_that_cannot_load_the_export_roll_it_back(
    client: FlaskClient, admin_headers: dict[str, str], service: dict[str, str], staged: dict[str, Any]
) -> None:
    candidate, baseline = staged["candidate"]["id"], staged["baseline"]["id"]
    guardrails = {"max_failure_rate": 0.2}
    rollout = start(client, admin_headers, export_id=candidate, stages=FAST, guardrails=guardrails)
    rollout = rollout.get_json()["data"]
    chosen = [d for d in staged["devices"] if (assigned(client, d) or {}).get("export_id") == candidate]
    assert len(chosen) >= 2
    # One device keeps its previous model and says why; the others load it.
    failing, *loading = chosen
    body = {"running_export_id": baseline, "failed_export_id": candidate, "model_error": "would not load"}
    assert client.post("/api/device/checkin", json=body, headers=failing["key"]).status_code == 200
    held = detail(client, admin_headers, rollout["id"])
    assert judge(held).action == "hold"  # one device of one tried: not enough to judge by
    for device in loading[:1]:
        client.post("/api/device/checkin", json={"running_export_id": candidate}, headers=device["key"])
    now = detail(client, admin_headers, rollout["id"])
    failures = now["figures"]["failures"]
    assert failures["devices_failed"] == 1 and failures["devices_loaded"] == 1
    assert failures["load_failure_rate"] == pytest.approx(0.5)
    after = decide(client, service, now).get_json()["data"]
    assert after["status"] == "rolled_back" and "could not load" in after["decisions"][-1]["reason"]


def test_by_hand_pause_resume_promote_and_manual_rollouts(
    client: FlaskClient, admin_headers: dict[str, str], service: dict[str, str], staged: dict[str, Any]
) -> None:
    candidate = staged["candidate"]["id"]
    body = {"export_id": candidate, "stages": FAST, "promotion": "manual"}
    rollout = start(client, admin_headers, **body).get_json()["data"]
    path = f"{ROLLOUTS}/{rollout['id']}"
    for device in staged["devices"]:
        model = assigned(client, device)
        report(client, device, model["export_id"], 0.95)  # type: ignore[index]
    now = detail(client, admin_headers, rollout["id"])
    verdict = judge(now)
    assert verdict.action == "hold" and "waiting for a person" in verdict.reason
    assert decide(client, service, now).status_code == 200
    assert decide(client, service, now).status_code == 200  # the same hold again: kept once
    # The flow may not promote a manual rollout.
    promote = {"stage": 0, "action": "promote", "reason": "x", "figures": {}}
    assert_error(client.post(f"{path}/decisions", json=promote, headers=service), 409, "CONFLICT")

    paused = client.post(f"{path}/pause", json={"reason": "night shift"}, headers=admin_headers)
    assert paused.status_code == 200 and paused.get_json()["data"]["status"] == "paused"
    assert_error(decide(client, service, now), 409, "CONFLICT")  # paused: the flow leaves it alone
    assert_error(client.post(f"{path}/pause", headers=admin_headers), 409, "CONFLICT")
    assert client.post(f"{path}/resume", headers=admin_headers).status_code == 200
    moved = client.post(f"{path}/promote", headers=admin_headers).get_json()["data"]
    assert moved["stage"] == 1
    # A decision on the stage read before the promotion is stale.
    assert_error(decide(client, service, now), 409, "CONFLICT")
    actions = [(d["action"], d["decided_by"]) for d in moved["decisions"]]
    assert actions == [("hold", "flow"), ("pause", "user"), ("resume", "user"), ("promote", "user")]
    assert moved["decisions"][1]["reason"] == "night shift"
    # Rolled back by hand after completion: the project goes back to the baseline.
    client.post(f"{path}/promote", headers=admin_headers)
    client.post(f"{path}/promote", headers=admin_headers)
    assert client.get(path, headers=admin_headers).get_json()["data"]["status"] == "completed"
    assert client.post(f"{path}/rollback", headers=admin_headers).status_code == 200
    project = client.get(f"/api/data/projects/{staged['project_id']}", headers=admin_headers).get_json()
    assert project["data"]["deployed_export_id"] == staged["baseline"]["id"]


def test_pins_tags_and_one_rollout_per_project(
    client: FlaskClient, admin_headers: dict[str, str], staged: dict[str, Any]
) -> None:
    candidate = staged["candidate"]["id"]
    pinned, *rest = staged["devices"]
    tagged = rest[:10]
    for device in tagged:
        resp = client.patch(
            f"/api/devices/{device['id']}", json={"tags": ["site:north"]}, headers=admin_headers
        )
        assert resp.status_code == 200, resp.get_json()
    client.patch(
        f"/api/devices/{pinned['id']}",
        json={"deployed_export_id": staged["baseline"]["id"]},
        headers=admin_headers,
    )
    everyone = [{"percent": 100, "min_duration_s": 0, "min_devices": 1}]
    rollout = start(client, admin_headers, export_id=candidate, stages=everyone, tags=["site:north"])
    assert rollout.status_code == 201, rollout.get_json()
    rollout = rollout.get_json()["data"]
    assert rollout["figures"]["target_devices"] == 10
    for device in staged["devices"]:
        model = assigned(client, device)
        assert model is not None
        want = candidate if device in tagged else staged["baseline"]["id"]
        assert model["export_id"] == want, device["id"]
    assert assigned(client, pinned)["source"] == "device"  # type: ignore[index]
    # A second rollout to the project, whatever its tags: CONFLICT, nothing stored.
    second = start(client, admin_headers, export_id=candidate, stages=everyone)
    assert_error(second, 409, "CONFLICT")
    assert db.session.query(Rollout).count() == 1
    # Nor may the project's export change under it.
    resp = client.patch(
        f"/api/data/projects/{staged['project_id']}",
        json={"deployed_export_id": candidate},
        headers=admin_headers,
    )
    assert_error(resp, 409, "CONFLICT")
    # Completed, a tagged rollout keeps its export on the tagged devices; the project's stays.
    client.post(f"{ROLLOUTS}/{rollout['id']}/promote", headers=admin_headers)
    assert (assigned(client, tagged[0]) or {}).get("export_id") == candidate
    assert (assigned(client, rest[-1]) or {}).get("export_id") == staged["baseline"]["id"]
    listed = client.get(ROLLOUTS, query_string={"status": "completed"}, headers=admin_headers).get_json()
    assert [r["id"] for r in listed["data"]] == [rollout["id"]] and listed["meta"]["total"] == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"stages": [{"percent": 50}, {"percent": 40}, {"percent": 100}]}, 400, "VALIDATION_ERROR"),
        ({"stages": [{"percent": 10}, {"percent": 50}]}, 400, "VALIDATION_ERROR"),
        ({"stages": [{"percent": 0}, {"percent": 100}]}, 400, "VALIDATION_ERROR"),
        ({"stages": [{"percent": 100, "min_duration_s": -1}]}, 400, "VALIDATION_ERROR"),
        ({"stages": []}, 400, "VALIDATION_ERROR"),
        ({"guardrails": {"max_score_drop": 1.5}}, 400, "VALIDATION_ERROR"),
        ({"guardrails": {"max_failure_rate": -0.1}}, 400, "VALIDATION_ERROR"),
        ({"guardrails": {"max_p95_latency_ms": 0}}, 400, "VALIDATION_ERROR"),
        ({"guardrails": {"max_everything": 1}}, 400, "VALIDATION_ERROR"),
        ({"promotion": "sometimes"}, 400, "VALIDATION_ERROR"),
        ({"tags": ["bad tag!"]}, 400, "VALIDATION_ERROR"),
        ({"export_id": 999_999}, 404, "NOT_FOUND"),
        ({"project_id": 999_999}, 404, "NOT_FOUND"),
    ],
)
def test_bad_rollouts_are_refused_and_store_nothing(
    client: FlaskClient,
    admin_headers: dict[str, str],
    staged: dict[str, Any],
    body: dict[str, Any],
    status: int,
    code: str,
) -> None:
    resp = start(client, admin_headers, **({"export_id": staged["candidate"]["id"]} | body))
    assert_error(resp, status, code)
    assert db.session.query(Rollout).count() == 0 and db.session.query(RolloutDecision).count() == 0


def test_exports_of_another_project_or_organization_are_refused(
    client: FlaskClient,
    admin_headers: dict[str, str],
    staged: dict[str, Any],
    labeled_project: Any,
    make_user: Any,
) -> None:
    other = labeled_project(admin_headers, n=2, name="other", seed=7)["project_id"]
    resp = start(client, admin_headers, export_id=staged["candidate"]["id"], project_id=other)
    assert_error(resp, 400, "VALIDATION_ERROR")
    stranger = make_user("admin", org="Elsewhere")
    resp = start(client, bearer(stranger), export_id=staged["candidate"]["id"])
    assert_error(resp, 404, "NOT_FOUND")
    assert db.session.query(Rollout).count() == 0


def test_judge_holds_until_old_enough_and_enough_devices_report() -> None:
    rollout = {
        "stage": 0,
        "stages": [{"percent": 10, "min_duration_s": 600, "min_devices": 3}, {"percent": 100}],
        "guardrails": {"max_score_drop": 0.1, "max_failure_rate": 0.05},
        "promotion": "auto",
        "figures": {
            "stage_age_s": 60,
            "stage_devices": 5,
            "reporting_devices": 1,
            "score_drop": 0.5,  # one device: not enough to judge by
            "candidate": {},
            "failures": {"devices_loaded": 1, "devices_failed": 0, "failure_rate": 0.0},
        },
    }
    assert judge(rollout).action == "hold"
    rollout["figures"] |= {"stage_age_s": 601, "reporting_devices": 3, "score_drop": 0.05}
    assert judge(rollout).action == "promote"
    rollout["figures"]["score_drop"] = 0.2
    assert judge(rollout).action == "rollback"
