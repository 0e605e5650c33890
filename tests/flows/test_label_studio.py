"""Label Studio for real: a Label Studio server, the API over HTTP, a worker running the sync flows.

Annotations are made through Label Studio's HTTP API the way its annotation screen makes them, and
everything is checked on both sides.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa
import torch
from flask.testing import FlaskClient

from pipelines.detection.model import Detector, DetectorConfig, save_detector
from pipelines.model import ModelConfig, ResNet, save_checkpoint
from tests.conftest import bearer, png_bytes
from tests.flows.label_studio_server import LabelStudioEnv, LabelStudioServer
from tests.helpers import FLOW_TEST_SETTINGS, wait_until, worker_log
from webapp import orchestration
from webapp.extensions import db
from webapp.integrations.label_studio import instances as label_studio_instances
from webapp.models import DatasetVersion, LabelStudioTask, TrainingJob, User
from webapp.services import models, training
from webapp.storage import get_store

# Not module-wide: the schedule's test below needs none of these.
needs_label_studio = pytest.mark.usefixtures("worker", "service_key", "label_studio")

FLOW_TIMEOUT_S = 180


@pytest.fixture
def app_config(label_studio_env: LabelStudioEnv, live_api: str) -> dict[str, Any]:
    """The test's app links projects; Label Studio calls the live API back (webhooks, images)."""
    return {
        **FLOW_TEST_SETTINGS,
        "label_studio_url": label_studio_env.url,
        "label_studio_token": label_studio_env.token,
        "public_url": live_api.removesuffix("/api"),
    }


@pytest.fixture
def ls(label_studio_env: LabelStudioEnv) -> requests.Session:
    """Label Studio's own HTTP API, as its web app calls it."""
    session = requests.Session()
    session.headers["Authorization"] = f"Token {label_studio_env.token}"
    session.base_url = label_studio_env.url  # type: ignore[attr-defined]
    return session


def _ls(ls: requests.Session, method: str, path: str, **kwargs: Any) -> Any:
    resp = ls.request(method, ls.base_url + path, timeout=60, **kwargs)  # type: ignore[attr-defined]
    assert resp.ok, f"{method} {path}: {resp.status_code} {resp.text[:500]}"
    return resp.json() if resp.content else None


def _tasks(ls: requests.Session, ls_project_id: int) -> list[dict[str, Any]]:
    body = _ls(ls, "GET", f"/api/tasks/?project={ls_project_id}&fields=all&page_size=100")
    return sorted(body["tasks"], key=lambda t: t["id"])


def _submit(ls: requests.Session, task: dict[str, Any], result: list[dict[str, Any]]) -> dict[str, Any]:
    """Submit an annotation as the annotation screen does: region ids, origin, timing, parent prediction."""
    predictions = task.get("predictions") or []
    body = {
        "result": [{"id": uuid.uuid4().hex[:10], "origin": "manual", **region} for region in result],
        "ground_truth": False,
        "draft_id": 0,
        "lead_time": 4.2,
        "started_at": datetime.now(UTC).isoformat(),
        "parent_prediction": predictions[0]["id"] if predictions else None,
        "parent_annotation": None,
        "project": str(task["project"]),
    }
    return _ls(ls, "POST", f"/api/tasks/{task['id']}/annotations/?project={task['project']}", json=body)


def _choice(label: str) -> dict[str, Any]:
    return {"from_name": "label", "to_name": "image", "type": "choices", "value": {"choices": [label]}}


def _upload(
    client: FlaskClient, headers: dict[str, str], provision: Any, project_id: int, n: int, seed: int
) -> list[dict[str, Any]]:
    key = provision(headers, f"ls-cam-{seed}", project_id=project_id)["api_key"]
    images = []
    for i in range(n):
        data = png_bytes(seed * 1000 + i, size=40)
        resp = client.post(
            "/api/device/images/upload",
            data={"file": (io.BytesIO(data), f"img{i}.png")},
            headers={"X-Device-Key": key},
            content_type="multipart/form-data",
        )
        assert resp.status_code == 201, resp.get_json()
        images.append({**resp.get_json()["data"], "bytes": data})
    return images


def _project(
    client: FlaskClient, headers: dict[str, str], name: str, task_type: str, labels: list[str]
) -> int:
    body = {"name": name, "task_type": task_type, "labels": labels}
    resp = client.post("/api/data/projects", json=body, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    return int(resp.get_json()["data"]["id"])


def _link(client: FlaskClient, headers: dict[str, str], project_id: int) -> dict[str, Any]:
    resp = client.post(f"/api/data/projects/{project_id}/label-studio", json={}, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["data"]


def _status(client: FlaskClient, headers: dict[str, str], project_id: int) -> dict[str, Any]:
    return client.get(f"/api/data/projects/{project_id}/label-studio", headers=headers).get_json()["data"]


def _wait(check: Any, what: str, worker_dir: Path) -> Any:
    try:
        return wait_until(check, FLOW_TIMEOUT_S, what, interval=0.5)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nworker log:\n{worker_log(worker_dir)}") from exc


def _wait_push(
    client: FlaskClient, headers: dict[str, str], project_id: int, after: str | None, worker_dir: Path
) -> dict[str, Any]:
    """The link once a push that finished after ``after`` (a last_push_at) has reported."""
    since = datetime.now(UTC)

    def done() -> dict[str, Any] | None:
        status = _status(client, headers, project_id)
        failed_at = status["last_error_at"] and datetime.fromisoformat(status["last_error_at"])
        if status["sync_status"] == "failed" and failed_at and failed_at > since:
            raise AssertionError(f"push failed: {status['last_error']}")
        pushed = status["last_push_at"]
        return status if pushed and pushed != after and status["sync_status"] == "synced" else None

    return _wait(done, f"project {project_id} to be pushed", worker_dir)


def _ls_annotations(client: FlaskClient, headers: dict[str, str], project_id: int) -> list[dict[str, Any]]:
    resp = client.get(f"/api/data/annotations?project_id={project_id}&per_page=100", headers=headers)
    return [a for a in resp.get_json()["data"] if a["source"] == "label_studio"]


@needs_label_studio
def test_classification_round_trip(
    client: FlaskClient,
    admin_headers: dict[str, str],
    provision: Any,
    ls: requests.Session,
    label_studio_env: LabelStudioEnv,
    worker_dir: Path,
) -> None:
    pid = _project(client, admin_headers, "pets", "classification", ["cat", "dog"])
    images = _upload(client, admin_headers, provision, pid, 3, seed=1)
    link = _link(client, admin_headers, pid)
    ls_pid = link["label_studio_project_id"]
    config = _ls(ls, "GET", f"/api/projects/{ls_pid}")["label_config"]
    assert "<Choices" in config and '<Choice value="dog"/>' in config

    # Moving the batch to annotating pushes it.
    batch_id = images[0]["batch_id"]
    for status in ("ready", "annotating"):
        resp = client.patch(f"/api/data/batches/{batch_id}", json={"status": status}, headers=admin_headers)
        assert resp.status_code == 200, resp.get_json()
    pushed = _wait_push(client, admin_headers, pid, None, worker_dir)
    assert pushed["tasks_pushed"] == 3 and pushed["tasks_annotated"] == 0
    tasks = _tasks(ls, ls_pid)
    assert sorted(t["data"]["acusight_image_id"] for t in tasks) == sorted(i["id"] for i in images)
    # Label Studio holds no Acusight credential: the image URL alone serves the bytes.
    by_id = {i["id"]: i for i in images}
    for task in tasks:
        resp = requests.get(task["data"]["image"], timeout=30)
        assert resp.status_code == 200 and resp.content == by_id[task["data"]["acusight_image_id"]]["bytes"]
        assert "sig=" in task["data"]["image"] and "exp=" in task["data"]["image"]

    # Pushing again creates no duplicate tasks.
    resp = client.post(f"/api/data/batches/{batch_id}/label-studio/push", headers=admin_headers)
    assert resp.status_code == 202, resp.get_json()
    pushed = _wait_push(client, admin_headers, pid, pushed["last_push_at"], worker_dir)
    assert [t["id"] for t in _tasks(ls, ls_pid)] == [t["id"] for t in tasks]
    # A push that made its tasks but died before reporting them: the next one finds and reuses them.
    db.session.execute(sa.delete(LabelStudioTask))
    db.session.commit()
    assert _status(client, admin_headers, pid)["tasks_pushed"] == 0
    client.post(f"/api/data/batches/{batch_id}/label-studio/push", headers=admin_headers)
    assert _wait_push(client, admin_headers, pid, pushed["last_push_at"], worker_dir)["tasks_pushed"] == 3
    assert [t["id"] for t in _tasks(ls, ls_pid)] == [t["id"] for t in tasks]

    # An annotator labels the first image; the webhook brings it over within seconds.
    first = _submit(ls, tasks[0], [_choice("cat")])

    def pulled(count: int) -> Any:
        return lambda: (
            (found := _ls_annotations(client, admin_headers, pid)) and len(found) == count and found
        )

    [annotation] = _wait(pulled(1), "the webhook's pull", worker_dir)
    assert annotation["label"] == "cat" and annotation["external_id"] == str(first["id"])
    assert annotation["annotator_email"] == label_studio_env.email and annotation["current"]
    assert annotation["image_id"] == tasks[0]["data"]["acusight_image_id"]

    # Edited in Label Studio: the image's label follows.
    _ls(ls, "PATCH", f"/api/annotations/{first['id']}/", json={"result": [_choice("dog")]})

    def relabeled() -> Any:
        found = _ls_annotations(client, admin_headers, pid)
        return found if [a["label"] for a in found] == ["dog"] else None

    [edited] = _wait(relabeled, "the edit to arrive", worker_dir)
    assert edited["external_id"] == str(first["id"])
    image = client.get(f"/api/data/images/{edited['image_id']}", headers=admin_headers).get_json()["data"]
    assert image["label"] == "dog"

    # The other two: every task annotated, the batch is done.
    for task in tasks[1:]:
        _submit(ls, task, [_choice("cat")])
    _wait(pulled(3), "all three annotations", worker_dir)

    def batch_annotated() -> bool:
        batch = client.get(f"/api/data/batches/{batch_id}", headers=admin_headers).get_json()["data"]
        return bool(batch["status"] == "annotated")

    _wait(batch_annotated, "the batch to become annotated", worker_dir)

    # Deleted in Label Studio: gone here too.
    _ls(ls, "DELETE", f"/api/annotations/{first['id']}/")
    remaining = _wait(pulled(2), "the deletion to arrive", worker_dir)
    assert str(first["id"]) not in {a["external_id"] for a in remaining}
    status = _status(client, admin_headers, pid)
    assert status["tasks_pushed"] == 3 and status["tasks_annotated"] == 2 and status["last_pull_at"]

    # A label added here is in Label Studio's config at once.
    resp = client.patch(
        f"/api/data/projects/{pid}", json={"labels": ["cat", "dog", "bird"]}, headers=admin_headers
    )
    assert resp.status_code == 200
    assert '<Choice value="bird"/>' in _ls(ls, "GET", f"/api/projects/{ls_pid}")["label_config"]
    assert _status(client, admin_headers, pid)["label_config_in_sync"]


@needs_label_studio
def test_a_second_organization_works_in_its_own_label_studio(
    client: FlaskClient,
    admin_headers: dict[str, str],
    make_user: Any,
    provision: Any,
    ls: requests.Session,
    label_studio_env: LabelStudioEnv,
    worker_dir: Path,
) -> None:
    """The shared Label Studio serves the first organization only; another one links, pushes and
    pulls in the Label Studio the operator configured for it, with its token, which the worker gets
    from the API for each link (it has none of its own)."""
    first = _project(client, admin_headers, "first", "classification", ["cat", "dog"])
    _link(client, admin_headers, first)
    other = bearer(make_user("admin", org="Second"))
    pid = _project(client, other, "second", "classification", ["cat", "dog"])
    images = _upload(client, other, provision, pid, 2, seed=6)
    refused = client.post(f"/api/data/projects/{pid}/label-studio", json={}, headers=other)
    assert refused.status_code == 409, refused.get_json()
    assert "acusight orgs label-studio set" in refused.get_json()["error"]["details"]
    # The operator gives it its own (here the same server under another name: what matters is that
    # everything about the link comes from the organization's configuration).
    own_url = label_studio_env.url.replace("127.0.0.1", "localhost")
    org_id = client.get("/api/organization", headers=other).get_json()["data"]["id"]
    label_studio_instances.configure(db.session, org_id, own_url, label_studio_env.token)
    link = _link(client, other, pid)
    assert link["label_studio_project_url"].startswith(own_url + "/projects/")
    ls_pid = link["label_studio_project_id"]
    client.post(f"/api/data/batches/{images[0]['batch_id']}/label-studio/push", headers=other)
    _wait_push(client, other, pid, None, worker_dir)
    tasks = _tasks(ls, ls_pid)
    assert len(tasks) == 2 and all(task["data"]["image"].startswith("http://127.0.0.1:") for task in tasks)
    # Its webhook carries its link's own secret: the annotation arrives in its project.
    made = _submit(ls, tasks[0], [_choice("dog")])
    [annotation] = _wait(
        lambda: _ls_annotations(client, other, pid) or None, "the second organization's pull", worker_dir
    )
    assert annotation["external_id"] == str(made["id"]) and annotation["label"] == "dog"
    assert _ls_annotations(client, admin_headers, first) == []


def _pull_runs(prefect_api: str, project_id: int) -> list[dict[str, Any]]:
    """The pull flow runs of a project, as Prefect lists them."""
    body = {"flows": {"name": {"any_": ["pull-from-label-studio"]}}, "limit": 200}
    runs = requests.post(f"{prefect_api}/flow_runs/filter", json=body, timeout=30).json()
    return [run for run in runs if (run["parameters"] or {}).get("project_id") == project_id]


@needs_label_studio
def test_a_burst_of_annotations_makes_one_pull_run_and_loses_nothing(
    client: FlaskClient,
    admin_headers: dict[str, str],
    provision: Any,
    ls: requests.Session,
    worker: subprocess.Popen[bytes],
    worker_dir: Path,
    prefect_server: str,
) -> None:
    pid = _project(client, admin_headers, "burst", "classification", ["cat", "dog"])
    images = _upload(client, admin_headers, provision, pid, 8, seed=5)
    ls_pid = _link(client, admin_headers, pid)["label_studio_project_id"]
    client.post(f"/api/data/batches/{images[0]['batch_id']}/label-studio/push", headers=admin_headers)
    _wait_push(client, admin_headers, pid, None, worker_dir)
    tasks = _tasks(ls, ls_pid)
    assert len(tasks) == 8 and _pull_runs(prefect_server, pid) == []

    # The worker is held still, so the run the first webhook starts stays queued while the rest land:
    # every webhook of the burst joins its queue instead of starting a run of its own.
    os.kill(worker.pid, signal.SIGSTOP)
    try:
        made = [_submit(ls, task, [_choice("cat")]) for task in tasks]
        _ls(ls, "PATCH", f"/api/annotations/{made[0]['id']}/", json={"result": [_choice("dog")]})
        status = _wait(
            lambda: (s := _status(client, admin_headers, pid))["pull_queued"] == 9 and s,
            "the webhooks to queue their tasks",
            worker_dir,
        )
        [run] = _pull_runs(prefect_server, pid)
        assert status["pull_flow_run_id"] == run["id"] and run["state_type"] == "SCHEDULED"
    finally:
        os.kill(worker.pid, signal.SIGCONT)
    # Edited again as the run gets going: this one lands in its queue or, if it already let go, starts
    # the next run; either way it arrives.
    _ls(ls, "PATCH", f"/api/annotations/{made[1]['id']}/", json={"result": [_choice("dog")]})

    def imported() -> Any:
        found = {a["external_id"]: a["label"] for a in _ls_annotations(client, admin_headers, pid)}
        status = _status(client, admin_headers, pid)
        settled = status["pull_queued"] == 0 and status["pull_flow_run_id"] is None
        return settled and len(found) == 8 and found[str(made[1]["id"])] == "dog" and found

    found = _wait(imported, "every annotation of the burst", worker_dir)
    expected = {str(a["id"]): "cat" for a in made} | {str(a["id"]): "dog" for a in made[:2]}
    assert found == expected
    # The run lets go of its claim just before it ends: wait for Prefect to see it end.
    final = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
    runs = _wait(
        lambda: (r := _pull_runs(prefect_server, pid)) and {x["state_type"] for x in r} <= final and r,
        "the pull runs to end",
        worker_dir,
    )
    assert 1 <= len(runs) <= 2 and {r["state_type"] for r in runs} == {"COMPLETED"}
    assert _status(client, admin_headers, pid)["tasks_annotated"] == 8


@needs_label_studio
def test_detection_boxes_and_the_scheduled_pull(
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    provision: Any,
    ls: requests.Session,
    worker_dir: Path,
    tmp_path: Path,
) -> None:
    pid = _project(client, admin_headers, "street", "detection", ["car", "person"])
    images = _upload(client, admin_headers, provision, pid, 2, seed=2)  # 40 x 40 px
    _register_model(admin, pid, tmp_path, detector_labels=["car", "person"])
    ls_pid = _link(client, admin_headers, pid)["label_studio_project_id"]
    assert "<RectangleLabels" in _ls(ls, "GET", f"/api/projects/{ls_pid}")["label_config"]
    resp = client.post(f"/api/data/batches/{images[0]['batch_id']}/label-studio/push", headers=admin_headers)
    assert resp.status_code == 202
    _wait_push(client, admin_headers, pid, None, worker_dir)
    tasks = _tasks(ls, ls_pid)
    # The detector's boxes went along as rectangle pre-labels, in percent of the 40 x 40 image.
    for task in tasks:
        [prediction] = task["predictions"]
        assert prediction["model_version"] == "pre model v1" and prediction["result"]
        for result in prediction["result"]:
            assert result["type"] == "rectanglelabels" and result["value"]["rectanglelabels"][0] in (
                "car",
                "person",
            )
            value = result["value"]
            assert 0 <= value["x"] < value["x"] + value["width"] <= 100 + 1e-6
            assert 0 <= value["y"] < value["y"] + value["height"] <= 100 + 1e-6

    # Webhooks lost (Label Studio cannot reach us, say): the scheduled pull still brings the labels.
    for hook in _ls(ls, "GET", f"/api/webhooks/?project={ls_pid}"):
        _ls(ls, "DELETE", f"/api/webhooks/{hook['id']}/")
    box = {
        "from_name": "label",
        "to_name": "image",
        "type": "rectanglelabels",
        "original_width": 40,
        "original_height": 40,
        "image_rotation": 0,
        "value": {"x": 25, "y": 50, "width": 50, "height": 25, "rotation": 0, "rectanglelabels": ["car"]},
    }
    _submit(ls, tasks[0], [box])
    _submit(ls, tasks[1], [])  # nothing to box: an empty annotation
    orchestration.start("label_studio_pull", {})  # what the schedule runs: every linked project

    def pulled() -> Any:
        found = _ls_annotations(client, admin_headers, pid)
        return found if len(found) == 2 else None

    found = {a["image_id"]: a for a in _wait(pulled, "the scheduled pull", worker_dir)}
    boxes = found[tasks[0]["data"]["acusight_image_id"]]["boxes"]
    assert boxes == [{"label": "car", "x": 0.25, "y": 0.5, "width": 0.5, "height": 0.25}]
    assert found[tasks[1]["data"]["acusight_image_id"]]["boxes"] == []
    # The pull reports its cursor once it is done (after the annotations, the queue and the URLs).
    _wait(lambda: _status(client, admin_headers, pid)["pull_cursor"], "the pull's cursor", worker_dir)


@needs_label_studio
def test_model_predictions_go_along_as_pre_annotations(
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    provision: Any,
    ls: requests.Session,
    worker_dir: Path,
    tmp_path: Path,
) -> None:
    pid = _project(client, admin_headers, "pre", "classification", ["cat", "dog"])
    images = _upload(client, admin_headers, provision, pid, 2, seed=3)
    _register_model(admin, pid, tmp_path, favours="dog")
    ls_pid = _link(client, admin_headers, pid)["label_studio_project_id"]
    client.post(f"/api/data/batches/{images[0]['batch_id']}/label-studio/push", headers=admin_headers)
    _wait_push(client, admin_headers, pid, None, worker_dir)
    for task in _tasks(ls, ls_pid):
        [prediction] = task["predictions"]
        assert prediction["result"][0]["value"] == {"choices": ["dog"]}
        assert prediction["model_version"] == "pre model v1" and 0.9 < prediction["score"] <= 1


def _register_model(
    admin: User, project_id: int, tmp_path: Path, favours: str | None = None, detector_labels: Any = None
) -> None:
    """A model version of the project, through the registry's services, standing in for a trained
    one (tests/flows/test_training_flow.py trains): a tiny classifier whose head favours one class,
    or, given ``detector_labels``, an untrained detector whose scores spread over (0, 1)."""
    path = tmp_path / "model.pt"
    preprocessing: dict[str, Any] = {"task": "classification"}
    if detector_labels is not None:
        labels = list(detector_labels)
        torch.manual_seed(0)
        det_config = DetectorConfig(num_classes=len(labels), width=8, fpn_channels=16, head_convs=1)
        detector = Detector(det_config)
        with torch.no_grad():
            detector.cls_out.bias.zero_()
            detector.cls_out.weight.mul_(30)
        save_detector(path, detector, det_config, labels=labels, image_size=32)
        preprocessing = {"task": "detection", "resize": {"mode": "letterbox"}}
    else:
        labels = ["cat", "dog"]
        config = ModelConfig(num_classes=2, width=4, depth=1, stages=1)
        net = ResNet(config)
        with torch.no_grad():
            net.head.weight.zero_()
            net.head.bias.copy_(torch.tensor([10.0 if name == favours else 0.0 for name in labels]))
        save_checkpoint(path, net, config, labels=labels, image_size=16)
    dataset = DatasetVersion(
        organization_id=admin.organization_id,
        project_id=project_id,
        version=1,
        name="pre v1",
        status="ready",
        task_type=preprocessing["task"],
        labels=labels,
        params={"image_size": 16},
    )
    db.session.add(dataset)
    db.session.flush()
    job = TrainingJob(
        organization_id=admin.organization_id, project_id=project_id, dataset_id=dataset.id, status="running"
    )
    db.session.add(job)
    db.session.commit()
    fields = {"preprocessing": json.dumps(preprocessing)}
    with get_store().stage() as staged, open(path, "rb") as f:
        staged.write(f.read())
        models.register_upload(db.session, get_store(), admin.organization_id, job.id, staged, fields)
    assert training.get(db.session, admin.organization_id, job.id).id == job.id


@needs_label_studio
def test_label_studio_down_fails_clearly_and_a_retry_succeeds(
    client: FlaskClient,
    admin_headers: dict[str, str],
    provision: Any,
    ls: requests.Session,
    label_studio: LabelStudioServer,
    worker_dir: Path,
) -> None:
    pid = _project(client, admin_headers, "outage", "classification", ["cat", "dog"])
    images = _upload(client, admin_headers, provision, pid, 2, seed=4)
    ls_pid = _link(client, admin_headers, pid)["label_studio_project_id"]
    push = f"/api/data/batches/{images[0]['batch_id']}/label-studio/push"
    label_studio.stop()
    try:
        assert client.post(push, headers=admin_headers).status_code == 202

        def failed() -> dict[str, Any] | None:
            status = _status(client, admin_headers, pid)
            return status if status["sync_status"] == "failed" else None

        status = _wait(failed, "the push to fail", worker_dir)
        assert f"Label Studio at {label_studio.env.url} is unreachable" in status["last_error"]
        assert status["tasks_pushed"] == 0
    finally:
        label_studio.start()
    assert client.post(push, headers=admin_headers).status_code == 202
    pushed = _wait_push(client, admin_headers, pid, None, worker_dir)
    assert pushed["tasks_pushed"] == 2 and len(_tasks(ls, ls_pid)) == 2


@pytest.mark.usefixtures("prefect_server")
def test_the_scheduled_pull_runs_only_where_label_studio_is(monkeypatch: pytest.MonkeyPatch) -> None:
    # Imported here, once PREFECT_API_URL is set: Prefect reads its settings when first imported.
    from flows import worker

    monkeypatch.delenv("ACUSIGHT_LABEL_STUDIO_URL", raising=False)
    monkeypatch.delenv("ACUSIGHT_LABEL_STUDIO_PULL_MINUTES", raising=False)
    assert worker.label_studio_pull_interval() is None
    monkeypatch.setenv("ACUSIGHT_LABEL_STUDIO_URL", "http://label-studio.test")
    assert worker.label_studio_pull_interval() == timedelta(minutes=5)
    monkeypatch.setenv("ACUSIGHT_LABEL_STUDIO_PULL_MINUTES", "0")
    assert worker.label_studio_pull_interval() is None
    # Organizations with their own Label Studio only: the minutes alone turn the schedule on.
    monkeypatch.delenv("ACUSIGHT_LABEL_STUDIO_URL")
    monkeypatch.setenv("ACUSIGHT_LABEL_STUDIO_PULL_MINUTES", "10")
    assert worker.label_studio_pull_interval() == timedelta(minutes=10)
    monkeypatch.setenv("ACUSIGHT_LABEL_STUDIO_PULL_MINUTES", "1")
    [pull] = [d for d in worker.deployments() if d.flow_name == "pull-from-label-studio"]
    assert [s.schedule.interval for s in pull.schedules] == [timedelta(minutes=1)]
