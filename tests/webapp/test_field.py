"""The field loop through the API: inference reports, field metrics, check-ins that say what runs,
sampling policies, frames uploaded under them, drift events."""

from __future__ import annotations

import io
import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import bearer, png_bytes
from tests.helpers import assert_error, make_export, service_headers
from webapp.extensions import db
from webapp.models import InferenceBatch, field_class_counts, field_stats
from webapp.services import service_accounts
from webapp.unit_of_work import unit_of_work

INFERENCES = "/api/device/inferences"
REFERENCE = {
    "split": "held-out",
    "predictions": 4,
    "confidence_histogram": [0] * 18 + [1, 3],
    "class_counts": {"cat": 2, "dog": 2},
    "latency_ms": {"p50": 0.21},
}
_batch_ids = itertools.count(1)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def prediction(export_id: int, **over: Any) -> dict[str, Any]:
    return {
        "export_id": export_id,
        "captured_at": (_now() - timedelta(minutes=1)).isoformat(),
        "latency_ms": 12.0,
        "label": "cat",
        "score": 0.93,
        **over,
    }


def report(
    client: FlaskClient, key: dict[str, str], predictions: list[dict[str, Any]], batch_id: str = ""
) -> Any:
    return client.post(
        INFERENCES,
        json={"batch_id": batch_id or f"b-{next(_batch_ids)}", "predictions": predictions},
        headers=key,
    )


def metrics(client: FlaskClient, headers: dict[str, str], export_id: int, **args: Any) -> dict[str, Any]:
    resp = client.get(f"/api/ml/export-jobs/{export_id}/field-metrics", query_string=args, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return dict(resp.get_json()["data"])


def stored_rows() -> tuple[int, int, int]:
    return (
        db.session.query(field_stats).count(),
        db.session.query(field_class_counts).count(),
        db.session.query(InferenceBatch).count(),
    )


@pytest.fixture
def deployed(
    client: FlaskClient, admin_headers: dict[str, str], fleet: dict[str, Any], service: Any
) -> dict[str, Any]:
    """The fleet's export, with a reference, assigned to its project."""
    path = f"/api/ml/export-jobs/{fleet['export']['id']}"
    assert client.patch(path, json={"reference": REFERENCE}, headers=service).status_code == 200
    resp = client.patch(
        f"/api/data/projects/{fleet['project_id']}",
        json={"deployed_export_id": fleet["export"]["id"]},
        headers=admin_headers,
    )
    assert resp.status_code == 200, resp.get_json()
    return fleet


def test_reports_are_counted_once_and_summed_per_bucket(
    client: FlaskClient, admin_headers: dict[str, str], deployed: dict[str, Any]
) -> None:
    export_id, key = deployed["export"]["id"], deployed["key"]
    minute = _now().replace(second=0) - timedelta(minutes=3)
    batch = [
        prediction(
            export_id,
            captured_at=(minute + timedelta(seconds=i)).isoformat(),
            score=s,
            label=lab,
            latency_ms=ms,
        )
        for i, (s, lab, ms) in enumerate([(0.97, "cat", 10.0), (0.42, "dog", 20.0), (0.62, "cat", 30.0)])
    ]
    batch.append(
        prediction(
            export_id, captured_at=(minute + timedelta(minutes=1)).isoformat(), score=0.12, label="dog"
        )
    )
    first = report(client, key, batch, batch_id="lost-answer")
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["data"] == {"batch_id": "lost-answer", "accepted": 4, "duplicate": False}
    # The device never saw that answer and sends the batch again: nothing is counted twice.
    again = report(client, key, batch, batch_id="lost-answer")
    assert again.status_code == 200
    assert again.get_json()["data"] == {"batch_id": "lost-answer", "accepted": 4, "duplicate": True}

    data = metrics(client, admin_headers, export_id, bucket="minute")
    assert data["total_predictions"] == 4 and data["devices_reporting"] == 1
    assert data["from"] < data["to"] and data["bucket"] == "minute"
    assert [b["predictions"] for b in data["buckets"]] == [3, 1]
    first_bucket = data["buckets"][0]
    assert first_bucket["start"].startswith(minute.strftime("%Y-%m-%dT%H:%M"))
    assert first_bucket["class_counts"] == {"cat": 2, "dog": 1}
    assert first_bucket["confidence_histogram"][19] == 1 and first_bucket["confidence_histogram"][8] == 1
    assert first_bucket["latency_ms"]["mean"] == pytest.approx(20.0)
    assert 11 <= first_bucket["latency_ms"]["p50"] <= 32  # interpolated in its latency bin
    # Under the project's threshold (0.5 by default): 0.42 and 0.12.
    assert data["summary"]["low_confidence_share"] == pytest.approx(0.5)
    assert data["summary"]["class_mix"] == {"cat": 0.5, "dog": 0.5}
    assert len(data["bins"]["confidence"]) == 21
    # The baseline, shown as the same figures.
    ref = data["reference"]
    assert ref["predictions"] == 4 and ref["class_mix"] == {"cat": 0.5, "dog": 0.5}
    assert ref["low_confidence_share"] == 0.0 and ref["latency_ms"]["p50"] == 0.21

    hourly = metrics(client, admin_headers, export_id, bucket="hour")
    assert sum(b["predictions"] for b in hourly["buckets"]) == 4
    daily = metrics(client, admin_headers, export_id, bucket="day")
    assert daily["total_predictions"] == 4 and daily["buckets"][0]["devices_reporting"] == 1
    # A device filter, and a window before any report.
    mine = metrics(client, admin_headers, export_id, device_id=deployed["device"]["id"])
    assert mine["total_predictions"] == 4
    old = (_now() - timedelta(days=3)).isoformat()
    assert metrics(client, admin_headers, export_id, to=old)["total_predictions"] == 0

    # The threshold is the project's: raised to 0.65, the 0.62 counts as low too.
    resp = client.patch(
        f"/api/data/projects/{deployed['project_id']}",
        json={"low_confidence_threshold": 0.65},
        headers=admin_headers,
    )
    assert resp.status_code == 200, resp.get_json()
    assert metrics(client, admin_headers, export_id)["summary"]["low_confidence_share"] == pytest.approx(0.75)


def test_bad_reports_store_nothing(
    client: FlaskClient,
    admin_headers: dict[str, str],
    deployed: dict[str, Any],
    make_user: Any,
    service: Any,
) -> None:
    export_id, key = deployed["export"]["id"], deployed["key"]
    future = (_now() + timedelta(hours=1)).isoformat()
    # Another export of the same model, never assigned to this device.
    unassigned = make_export(client, admin_headers, service, deployed["model"]["id"], precision="fp16")
    cases = [
        ([prediction(export_id, score=1.2)], "score"),
        ([prediction(export_id, score=-0.1)], "score"),
        ([prediction(export_id, label="wolf")], "'wolf'"),
        ([prediction(export_id, captured_at=future)], "clock"),
        ([prediction(export_id, captured_at=(_now() - timedelta(days=60)).isoformat())], "kept"),
        ([prediction(export_id, latency_ms=-1)], "latency_ms"),
        ([prediction(export_id, detections=[])], "classifier"),
        ([prediction(export_id, unknown_field=1)], "unknown_field"),
        ([prediction(unassigned["id"])], "not this device's model"),
        ([prediction(export_id)] * 1001, "at most 1000"),
        ([prediction(2**31)], "export_id"),
        ([], "predictions"),
        # One bad prediction in a good batch refuses the batch: nothing of it is counted.
        ([prediction(export_id)] * 5 + [prediction(export_id, score=float("nan"))], "score"),
    ]
    for predictions, hint in cases:
        body = json.dumps({"batch_id": "same-id", "predictions": predictions})
        resp = client.post(INFERENCES, data=body, content_type="application/json", headers=key)
        error = assert_error(resp, 400, "VALIDATION_ERROR")
        assert hint in f"{error['message']} {error['details']}", (hint, error)
    assert stored_rows() == (0, 0, 0)
    assert_error(
        client.post(INFERENCES, data="not json", content_type="application/json", headers=key),
        400,
        "VALIDATION_ERROR",
    )
    assert_error(
        client.post(INFERENCES, data="{}", content_type="text/plain", headers=key), 400, "VALIDATION_ERROR"
    )
    assert_error(report(client, {}, [prediction(export_id)]), 401, "UNAUTHORIZED")

    # Another organization's export is not found, from either side.
    rival = bearer(make_user(org="Rival"))
    assert_error(report(client, key, [prediction(10_000 + export_id)]), 404, "NOT_FOUND")
    assert_error(
        client.get(f"/api/ml/export-jobs/{export_id}/field-metrics", headers=rival), 404, "NOT_FOUND"
    )
    assert stored_rows() == (0, 0, 0)
    # The batch id refused above was never counted: the good batch under it is.
    assert report(client, key, [prediction(export_id)], batch_id="same-id").status_code == 201

    # Query arguments.
    path = f"/api/ml/export-jobs/{export_id}/field-metrics"
    assert_error(
        client.get(path, query_string={"bucket": "week"}, headers=admin_headers), 400, "VALIDATION_ERROR"
    )
    since = (_now() - timedelta(days=30)).isoformat()
    too_many = client.get(path, query_string={"bucket": "minute", "from": since}, headers=admin_headers)
    assert "Too many buckets" in assert_error(too_many, 400, "VALIDATION_ERROR")["message"]
    backwards = {"from": _now().isoformat(), "to": (_now() - timedelta(hours=2)).isoformat()}
    assert_error(client.get(path, query_string=backwards, headers=admin_headers), 400, "VALIDATION_ERROR")


def test_detector_reports_count_each_detection(
    client: FlaskClient, admin_headers: dict[str, str], deployed: dict[str, Any], service: Any
) -> None:
    export_id, key = deployed["export"]["id"], deployed["key"]
    signature = deployed["export"]["signature"] | {"task": "detection"}
    path = f"/api/ml/export-jobs/{export_id}"
    assert client.patch(path, json={"signature": signature}, headers=service).status_code == 200
    box = {"label": "dog", "score": 0.8, "x": 0.1, "y": 0.2, "width": 0.3, "height": 0.4}
    frames = [
        {k: v for k, v in prediction(export_id).items() if k not in ("label", "score")} | {"detections": d}
        for d in ([box, box | {"label": "cat", "score": 0.3}], [])
    ]
    resp = report(client, key, frames)
    assert resp.status_code == 201, resp.get_json()
    summary = metrics(client, admin_headers, export_id)["summary"]
    assert summary["predictions"] == 2 and summary["scores"] == 2
    assert summary["class_counts"] == {"cat": 1, "dog": 1}
    # A full batch of busy frames is megabytes of JSON, past the 1 MB other bodies are held to: taken.
    busy = frames[1] | {"detections": [box] * 20}
    big = json.dumps({"batch_id": "busy", "predictions": [busy] * 1000})
    assert len(big) > 1024 * 1024
    resp = client.post(INFERENCES, data=big, content_type="application/json", headers=key)
    assert resp.status_code == 201, resp.get_json()
    assert metrics(client, admin_headers, export_id)["summary"]["scores"] == 2 + 20_000
    # Past the report's own limit (8 MB): refused before it is parsed, nothing counted.
    huge = json.dumps({"batch_id": "huge", "predictions": [busy] * 6000})
    assert len(huge) > 8 * 1024 * 1024
    refused = client.post(INFERENCES, data=huge, content_type="application/json", headers=key)
    assert_error(refused, 413, "PAYLOAD_TOO_LARGE")
    outside = frames[0] | {"detections": [box | {"x": 0.9}]}
    assert "outside" in assert_error(report(client, key, [outside]), 400, "VALIDATION_ERROR")["message"]
    classifier_style = prediction(export_id)
    assert (
        "detector"
        in assert_error(report(client, key, [classifier_style]), 400, "VALIDATION_ERROR")["details"]
    )


def test_checkins_say_which_export_runs_and_why_a_load_failed(
    client: FlaskClient, admin_headers: dict[str, str], deployed: dict[str, Any], make_user: Any
) -> None:
    key, export_id = deployed["key"], deployed["export"]["id"]
    device_url = f"/api/devices/{deployed['device']['id']}"
    failed = {"running_export_id": None, "model_error": "sha256 mismatch; kept no model"}
    assert client.post("/api/device/checkin", json=failed, headers=key).status_code == 200
    seen = client.get(device_url, headers=admin_headers).get_json()["data"]
    assert seen["running_export_id"] is None and seen["model_error"] == failed["model_error"]
    ok = client.post("/api/device/checkin", json={"running_export_id": export_id}, headers=key)
    assert ok.status_code == 200
    # A check-in that does not mention the model leaves what the last one said.
    assert client.post("/api/device/checkin", json={"battery_pct": 50}, headers=key).status_code == 200
    seen = client.get(device_url, headers=admin_headers).get_json()["data"]
    assert seen["running_export_id"] == export_id and seen["model_error"] is None
    checkins = client.get(f"{device_url}/checkins", headers=admin_headers).get_json()["data"]
    assert checkins[1]["running_export_id"] == export_id

    assert_error(
        client.post("/api/device/checkin", json={"running_export_id": 10_000}, headers=key), 404, "NOT_FOUND"
    )
    bad = {"running_export_id": "seven", "model_error": "x" * 501}
    assert_error(client.post("/api/device/checkin", json=bad, headers=key), 400, "VALIDATION_ERROR")


def test_sampling_policy_reaches_devices_and_refuses_nonsense(
    client: FlaskClient, admin_headers: dict[str, str], deployed: dict[str, Any]
) -> None:
    project_url = f"/api/data/projects/{deployed['project_id']}"
    key = deployed["key"]
    for policy, hint in [
        ({"score_band": {"low": 0.7, "high": 0.3}}, "low"),
        ({"class_quotas": {"cat": -1}}, "class_quotas"),
        ({"class_quotas": {"wolf": 3}}, "wolf"),
        ({"random_rate": 1.5}, "random_rate"),
        ({"daily_budget": -2}, "daily_budget"),
        ({"surprise": True}, "surprise"),
    ]:
        error = assert_error(
            client.patch(project_url, json={"sampling": policy}, headers=admin_headers),
            400,
            "VALIDATION_ERROR",
        )
        assert hint in json.dumps(error), (hint, error)
    for threshold in (0.33, 0.0, 1.0):
        assert_error(
            client.patch(project_url, json={"low_confidence_threshold": threshold}, headers=admin_headers),
            400,
            "VALIDATION_ERROR",
        )
    assert (
        client.post("/api/device/checkin", json={}, headers=key).get_json()["data"]["config"]["sampling"]
        is None
    )

    policy = {
        "score_band": {"low": 0.3, "high": 0.7},
        "class_quotas": {"dog": 5, "*": 2},
        "random_rate": 0.01,
    }
    policy["daily_budget"] = 50
    resp = client.patch(project_url, json={"sampling": policy}, headers=admin_headers)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["data"]["sampling"] == policy | {"enabled": True}
    config = client.post("/api/device/checkin", json={}, headers=key).get_json()["data"]["config"]
    assert config["sampling"] == policy | {"enabled": True, "low_confidence_threshold": 0.5, "boost": None}
    model = client.get("/api/device/model", headers=key).get_json()["data"]
    assert model["sampling"] == config["sampling"]
    assert client.patch(project_url, json={"sampling": None}, headers=admin_headers).status_code == 200
    assert (
        client.post("/api/device/checkin", json={}, headers=key).get_json()["data"]["config"]["sampling"]
        is None
    )


def _upload(client: FlaskClient, key: dict[str, str], seed: int, **form: str) -> Any:
    data: dict[str, Any] = {"file": (io.BytesIO(png_bytes(seed)), f"frame{seed}.png"), **form}
    return client.post(
        "/api/device/images/upload", data=data, headers=key, content_type="multipart/form-data"
    )


def test_frames_sampled_by_devices_land_prelabelled_in_the_active_learning_batch(
    client: FlaskClient, admin_headers: dict[str, str], deployed: dict[str, Any]
) -> None:
    key, export_id = deployed["key"], deployed["export"]["id"]
    guess = {"export_id": export_id, "label": "dog", "score": 0.51}
    resp = _upload(client, key, 901, prediction=json.dumps(guess), sampling_reason="uncertain")
    assert resp.status_code == 201, resp.get_json()
    image = resp.get_json()["data"]
    batch = client.get(f"/api/data/batches/{image['batch_id']}", headers=admin_headers).get_json()["data"]
    assert batch["name"] == f"active learning {datetime.now(UTC).date().isoformat()}"
    stored = client.get(f"/api/data/images/{image['id']}", headers=admin_headers).get_json()["data"]
    assert stored["metadata"]["sampling"] == {"reason": "uncertain", "prediction": guess}
    notes = client.get("/api/data/annotations", query_string={"image_id": image["id"]}, headers=admin_headers)
    [annotation] = notes.get_json()["data"]
    assert annotation["source"] == "model" and annotation["label"] == "dog"
    # A report naming the frame links what the camera saw to the image.
    linked = prediction(export_id, image_sha256=image["sha256"], label="dog", score=0.51)
    assert report(client, key, [linked]).status_code == 201
    seen = client.get(f"/api/data/images/{image['id']}/field-predictions", headers=admin_headers).get_json()
    [field_prediction] = seen["data"]
    assert field_prediction["prediction"] == {"label": "dog", "score": 0.51}
    assert field_prediction["export_id"] == export_id and field_prediction["latency_ms"] == 12.0
    # The same frame again: the same image, no second pre-label.
    assert _upload(client, key, 901, prediction=json.dumps(guess)).status_code == 200
    notes = client.get("/api/data/annotations", query_string={"image_id": image["id"]}, headers=admin_headers)
    assert len(notes.get_json()["data"]) == 1

    images_before = client.get("/api/data/images", headers=admin_headers).get_json()["meta"]["total"]
    for bad, status in [
        ({"export_id": export_id, "label": "wolf", "score": 0.5}, 400),
        ({"label": "dog", "score": 0.5}, 400),
        ({"export_id": export_id, "detections": []}, 400),
        ({"export_id": 10_000, "label": "dog", "score": 0.5}, 404),
        ({"export_id": 2**31, "label": "dog", "score": 0.5}, 400),
        ({"export_id": -(2**40), "label": "dog", "score": 0.5}, 400),
    ]:
        resp = _upload(client, key, 902, prediction=json.dumps(bad))
        assert resp.status_code == status, resp.get_json()
    assert_error(_upload(client, key, 902, prediction="[1]"), 400, "VALIDATION_ERROR")
    assert_error(_upload(client, key, 902, sampling_reason="whim"), 400, "VALIDATION_ERROR")
    assert client.get("/api/data/images", headers=admin_headers).get_json()["meta"]["total"] == images_before


def test_drift_events_raise_sampling_and_are_listed(
    client: FlaskClient,
    admin: Any,
    admin_headers: dict[str, str],
    deployed: dict[str, Any],
    service: Any,
    make_user: Any,
    provision: Any,
) -> None:
    export_id, key = deployed["export"]["id"], deployed["key"]
    with unit_of_work(db.session):
        _, raw = service_accounts.create(db.session, "drift")
    targets = client.get("/api/ml/drift-targets", headers=service_headers(raw, None))
    assert targets.status_code == 200, targets.get_json()
    target = {
        "organization_id": admin.organization_id,
        "project_id": deployed["project_id"],
        "export_id": export_id,
    }
    assert target in targets.get_json()["data"]
    assert_error(client.get("/api/ml/drift-targets", headers=admin_headers), 403, "FORBIDDEN")

    now = _now()
    body = {
        "export_id": export_id,
        "window_from": (now - timedelta(hours=24)).isoformat(),
        "window_to": now.isoformat(),
        "predictions": 800,
        "class_psi": 0.61,
        "confidence_psi": 0.3,
        "threshold": 0.25,
        "figures": {"field": {"class_mix": {"cat": 0.9, "dog": 0.1}}},
    }
    assert_error(client.post("/api/ml/drift-events", json=body, headers=admin_headers), 403, "FORBIDDEN")
    # Ids past the id columns' range, either way, are refused before any lookup (PostgreSQL cannot compare).
    for far in (-(2**31) - 1, 2**31):
        bad = client.post("/api/ml/drift-checks", json={"export_id": far}, headers=admin_headers)
        assert_error(bad, 400, "VALIDATION_ERROR")
    assert_error(
        client.post("/api/ml/drift-events", json=body | {"export_id": 10_000}, headers=service),
        404,
        "NOT_FOUND",
    )
    backwards = body | {"window_from": body["window_to"], "window_to": body["window_from"]}
    assert_error(
        client.post("/api/ml/drift-events", json=backwards, headers=service), 400, "VALIDATION_ERROR"
    )
    resp = client.post("/api/ml/drift-events", json=body, headers=service)
    assert resp.status_code == 201, resp.get_json()
    event = resp.get_json()["data"]
    assert event["sampling_boost"]["random_rate"] == 0.5
    # A second event while the boost is on starts nothing new.
    second = client.post("/api/ml/drift-events", json=body, headers=service).get_json()["data"]
    assert second["sampling_boost"] is None

    # Devices that run the drifted export now sample at the raised rate, though the project set no policy.
    config = client.post("/api/device/checkin", json={}, headers=key).get_json()["data"]["config"]
    sampling = config["sampling"]
    assert sampling["random_rate"] == 0.5 and sampling["boost"]["until"] == event["sampling_boost"]["until"]
    assert client.get("/api/device/model", headers=key).get_json()["data"]["sampling"] == sampling
    # A device of the same project on another export of its own is not raised.
    other = make_export(client, admin_headers, service, deployed["model"]["id"])
    elsewhere = provision(admin_headers, "CAM-2", project_id=deployed["project_id"])
    url = f"/api/devices/{elsewhere['device']['id']}"
    assert (
        client.patch(url, json={"deployed_export_id": other["id"]}, headers=admin_headers).status_code == 200
    )
    answer = client.post("/api/device/checkin", json={}, headers={"X-Device-Key": elsewhere["api_key"]})
    assert answer.get_json()["data"]["config"]["sampling"] is None

    viewer = bearer(make_user(role="viewer"))
    listed = client.get(
        "/api/ml/drift-events", query_string={"export_id": export_id}, headers=viewer
    ).get_json()
    assert [e["id"] for e in listed["data"]] == [second["id"], event["id"]]
    assert (
        client.get("/api/ml/drift-events", query_string={"project_id": 10_000}, headers=viewer).get_json()[
            "data"
        ]
        == []
    )
    assert (
        client.get(f"/api/ml/drift-events/{event['id']}", headers=viewer).get_json()["data"]["class_psi"]
        == 0.61
    )
    rival = bearer(make_user(org="Rival"))
    assert client.get("/api/ml/drift-events", headers=rival).get_json()["data"] == []
    assert_error(client.get(f"/api/ml/drift-events/{event['id']}", headers=rival), 404, "NOT_FOUND")


def test_late_reports_of_the_export_a_device_ran_before_a_switch_are_taken(
    client: FlaskClient, admin_headers: dict[str, str], deployed: dict[str, Any], service: Any
) -> None:
    key, old = deployed["key"], deployed["export"]["id"]
    assert report(client, key, [prediction(old)]).status_code == 201
    new = make_export(client, admin_headers, service, deployed["model"]["id"])
    resp = client.patch(
        f"/api/data/projects/{deployed['project_id']}",
        json={"deployed_export_id": new["id"]},
        headers=admin_headers,
    )
    assert resp.status_code == 200
    # Frames the old model saw before the switch, sent after it: still counted, to the old export.
    assert report(client, key, [prediction(old), prediction(new["id"])]).status_code == 201
    assert metrics(client, admin_headers, old)["total_predictions"] == 2
    assert metrics(client, admin_headers, new["id"])["total_predictions"] == 1
