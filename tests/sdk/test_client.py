"""The SDK's hand-written layer against the real app (in-process, through the SDK's auth and retries),
and against a tiny local HTTP server for what the app does not do on demand (503s, resets, 429)."""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from acusight_sdk import (
    Acusight,
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    IntegrityError,
    JobFailed,
    JobTimeout,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    RetryPolicy,
    ServerError,
    Unauthorized,
)
from acusight_sdk._generated.api.projects import create_project, list_projects
from acusight_sdk._generated.models import ProjectCreate
from acusight_sdk.files import download
from flask import Flask

from tests.conftest import bearer
from webapp import orchestration
from webapp.auth import issue_tokens
from webapp.extensions import db
from webapp.models import DatasetVersion

Sdk = Callable[..., Acusight]
ROOT = Path(__file__).resolve().parents[2]


def token_of(user: Any) -> str:
    return bearer(user)["Authorization"].split(" ", 1)[1]


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Flow starts recorded instead of reaching Prefect; the test plays the flow."""
    calls: list[dict[str, Any]] = []

    def fake_start(kind: str, parameters: dict[str, Any]) -> str:
        calls.append({"kind": kind, **parameters})
        return f"run-{len(calls)}"

    monkeypatch.setattr(orchestration, "start", fake_start)
    monkeypatch.setattr(orchestration, "cancel", lambda run_id: calls.append({"cancel": run_id}))
    return calls


# -- envelope, errors, paging ---------------------------------------------------------------------


def test_envelope_unwrapped_by_every_way_in(sdk: Sdk, admin: Any) -> None:
    client = sdk(token=token_of(admin))
    made = client.projects.create("pets", labels=["cat", "dog"])
    assert made["name"] == "pets" and made["labels"] == ["cat", "dog"]
    assert client.projects.get(made["id"])["id"] == made["id"]
    models = client.call(list_projects, page=1, per_page=10)
    assert [p.name for p in models] == ["pets"]
    assert [p.id for p in client.ops.projects.list_projects()] == [made["id"]]
    created = client.call(create_project, body=ProjectCreate(name="birds", labels=["owl"]))
    assert created.name == "birds" and created.id > made["id"]
    assert "projects" in dir(client.ops) and "list_projects" in dir(client.ops.projects)
    assert client.me()["email"] == admin.email


def test_each_error_class_carries_the_envelope(sdk: Sdk, admin: Any, make_user: Any) -> None:
    client = sdk(token=token_of(admin))
    with pytest.raises(BadRequest) as bad:
        client.http.post("/data/projects", {"name": ""})
    assert bad.value.status == 400 and bad.value.code == "VALIDATION_ERROR" and bad.value.details
    with pytest.raises(NotFound) as missing:
        client.devices.get(999_999)
    assert missing.value.status == 404 and missing.value.code == "NOT_FOUND" and missing.value.message
    assert "/api/devices/999999" in str(missing.value)
    client.projects.create("taken")
    with pytest.raises(Conflict) as taken:
        client.projects.create("taken")
    assert taken.value.status == 409 and taken.value.code == "CONFLICT"
    viewer = sdk(token=token_of(make_user("viewer")))
    with pytest.raises(Forbidden) as refused:
        viewer.projects.create("nope")
    assert refused.value.status == 403 and refused.value.code == "FORBIDDEN"
    with pytest.raises(Unauthorized) as anonymous:
        sdk().projects.list()
    assert anonymous.value.status == 401
    # The generated way in raises the same classes, with the operation's method and URL.
    with pytest.raises(NotFound) as generated:
        client.ops.devices.get_device(device_id=999_999)
    assert generated.value.method == "GET" and generated.value.url.endswith("/api/devices/999999")


def test_paging_across_pages(sdk: Sdk, admin: Any) -> None:
    client = sdk(token=token_of(admin))
    names = {f"p{i}" for i in range(5)}
    for name in names:
        client.projects.create(name)
    assert len(client.projects.list(per_page=2)) == 2
    assert {p["name"] for p in client.projects.iter(per_page=2)} == names
    assert {p["name"] for p in client.pages("/data/projects", per_page=2)} == names
    assert {p.name for p in client.pages(list_projects, per_page=2)} == names


# -- credentials ----------------------------------------------------------------------------------


def test_expired_access_token_is_refreshed_then_logout(sdk: Sdk, app: Flask, admin: Any) -> None:
    lifetime = app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    app.config["JWT_ACCESS_TOKEN_EXPIRES"] = timedelta(seconds=-30)  # born expired
    try:
        pair = issue_tokens(admin)
    finally:
        app.config["JWT_ACCESS_TOKEN_EXPIRES"] = lifetime
    saved: list[tuple[str, str]] = []
    client = sdk(
        token=pair["access_token"],
        refresh_token=pair["refresh_token"],
        on_refresh=lambda a, r: saved.append((a, r)),
    )
    assert client.me()["email"] == admin.email  # through the generated layer's auth too:
    assert [p.id for p in client.ops.projects.list_projects()] == []
    assert len(saved) == 1 and client.tokens == saved[0] and saved[0][0] != pair["access_token"]
    client.logout()
    with pytest.raises(Unauthorized):
        sdk(token=saved[0][0]).me()


def test_service_key_with_organization_header(sdk: Sdk, admin: Any, service_key: tuple[str, int]) -> None:
    made = sdk(token=token_of(admin)).projects.create("shared")
    key, org = service_key
    client = sdk(service_key=key, organization_id=org)
    assert [p["id"] for p in client.projects.list()] == [made["id"]]
    assert client.call(list_projects)[0].id == made["id"]
    with pytest.raises(ApiError):
        sdk(service_key=key).projects.list()  # no organization: refused
    with pytest.raises(ValueError):
        Acusight("http://x", token="a", service_key="b")


# -- downloads and uploads ------------------------------------------------------------------------


def test_image_download_verified_and_label_import(
    sdk: Sdk, admin: Any, labeled_project: Any, tmp_path: Path
) -> None:
    project = labeled_project(bearer(admin), n=2)
    client = sdk(token=token_of(admin))
    image = project["images"][0]
    tmp_path = tmp_path / "downloads"
    tmp_path.mkdir()
    target = tmp_path / "img.png"
    assert client.images.download(image["id"], target) == image["sha256"]
    assert hashlib.sha256(target.read_bytes()).hexdigest() == image["sha256"]
    into = io.BytesIO()
    client.images.download(image["id"], into)
    assert into.getvalue() == target.read_bytes()
    with pytest.raises(IntegrityError):
        download(client.http, f"/data/images/{image['id']}/file", tmp_path / "bad.png", sha256="0" * 64)
    assert not (tmp_path / "bad.png").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["img.png"]
    with pytest.raises(NotFound):
        client.images.download(999_999, tmp_path / "none.png")

    csv = "sha256,label\n" + "".join(f"{i['sha256']},cat\n" for i in project["images"])
    report = client.projects.import_labels(project["project_id"], csv.encode(), format="csv", dry_run=True)
    assert report["records"] == 2 and report["matched"] == 2 and report["dry_run"] is True
    exported = tmp_path / "labels.csv"
    client.projects.export_labels(project["project_id"], exported, format="csv")
    assert image["sha256"] in exported.read_text()


# -- waiting for jobs -----------------------------------------------------------------------------


@pytest.fixture
def training_job(sdk: Sdk, admin: Any, labeled_project: Any, started: Any) -> dict[str, Any]:
    client = sdk(token=token_of(admin))
    project_id = labeled_project(bearer(admin), n=4)["project_id"]
    dataset = client.datasets.create(project_id)
    version = db.session.get(DatasetVersion, dataset["id"])
    version.status = "ready"
    db.session.commit()
    return client.training_jobs.create(dataset["id"], params={"epochs": 2}, device="cpu")


def test_wait_follows_progress_to_success(
    sdk: Sdk, admin: Any, service_key: tuple[str, int], training_job: dict[str, Any]
) -> None:
    flow = sdk(service_key=service_key[0], organization_id=service_key[1])
    path = f"/ml/training-jobs/{training_job['id']}"
    script = [
        {"status": "running", "progress": {"epoch": 1, "epochs": 2}},
        {"progress": {"epoch": 2, "epochs": 2}},
        {"status": "succeeded", "metrics": {"val_accuracy": 0.9}},
    ]
    seen: list[tuple[str, Any]] = []

    def on_progress(job: dict[str, Any]) -> None:  # the flow moves on each time the caller looks
        seen.append((job["status"], (job.get("progress") or {}).get("epoch")))
        if script:
            flow.http.patch(path, script.pop(0))

    client = sdk(token=token_of(admin))
    done = client.training_jobs.wait(training_job["id"], interval=0.01, timeout=30, on_progress=on_progress)
    assert done["status"] == "succeeded"
    assert seen == [("queued", None), ("running", 1), ("running", 2), ("succeeded", 2)]


def test_wait_raises_on_failure_and_on_timeout(
    sdk: Sdk, admin: Any, service_key: tuple[str, int], training_job: dict[str, Any]
) -> None:
    client = sdk(token=token_of(admin))
    with pytest.raises(JobTimeout) as late:
        client.training_jobs.wait(training_job["id"], interval=0.02, timeout=0.1)
    assert late.value.job_id == training_job["id"] and late.value.status == "queued"
    assert f"training job {training_job['id']} still queued" in str(late.value)

    flow = sdk(service_key=service_key[0], organization_id=service_key[1])
    flow.http.patch(f"/ml/training-jobs/{training_job['id']}", {"status": "failed", "error": "out of memory"})
    with pytest.raises(JobFailed) as failed:
        client.training_jobs.wait(training_job["id"], interval=0.01)
    assert failed.value.status == "failed" and failed.value.error == "out of memory"
    assert str(failed.value) == f"training job {training_job['id']} ended failed: out of memory"


# -- retries, against a server that misbehaves on purpose ----------------------------------------


class Flaky(http.server.BaseHTTPRequestHandler):
    """Answers each request with the next of ``plan`` (a status, or "reset"), then 200 envelopes."""

    plan: list[Any] = []
    seen: list[str] = []
    retry_after = ""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        type(self).seen.append(self.command)
        step = type(self).plan.pop(0) if type(self).plan else 200
        if step == "reset":
            self.connection.shutdown(2)
            self.close_connection = True
            return
        if step == 200:
            body = {"success": True, "data": {"ok": True}}
        else:
            body = {"success": False, "error": {"code": f"E{step}", "message": "try later", "details": None}}
        raw = json.dumps(body).encode()
        self.send_response(step)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        if step != 200 and type(self).retry_after:
            self.send_header("Retry-After", type(self).retry_after)
        self.end_headers()
        self.wfile.write(raw)

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def flaky() -> Iterator[tuple[str, type[Flaky]]]:
    handler = type("Handler", (Flaky,), {"plan": [], "seen": [], "retry_after": ""})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


FAST = RetryPolicy(attempts=4, initial=0.01, maximum=0.05)


def test_idempotent_calls_retried_through_503_and_resets(flaky: tuple[str, type[Flaky]]) -> None:
    url, handler = flaky
    client = Acusight(url, token="t", retry=FAST)
    handler.plan = [503, "reset", 502]
    assert client.http.get("/anything") == {"ok": True}
    assert handler.seen == ["GET"] * 4
    handler.seen.clear()
    handler.plan = [503]
    assert client.http.post("/reports", {"batch_id": "b"}, idempotent=True) == {"ok": True}
    assert handler.seen == ["POST", "POST"]
    handler.seen.clear()
    handler.plan = [503, 503, 503, 503]
    with pytest.raises(ServerError) as out:
        client.http.get("/anything")
    assert out.value.status == 503 and out.value.code == "E503" and len(handler.seen) == 4


def test_plain_post_not_retried(flaky: tuple[str, type[Flaky]]) -> None:
    url, handler = flaky
    client = Acusight(url, token="t", retry=FAST)
    handler.plan = [503]
    with pytest.raises(ServerError):
        client.http.post("/data/projects", {"name": "x"})
    assert handler.seen == ["POST"]


def test_retry_after_honoured_and_other_statuses(flaky: tuple[str, type[Flaky]]) -> None:
    url, handler = flaky
    handler.retry_after = "1"
    handler.plan = [429]
    client = Acusight(url, token="t", retry=FAST)
    began = time.monotonic()
    assert client.http.get("/x") == {"ok": True}
    assert time.monotonic() - began >= 0.95 and handler.seen == ["GET", "GET"]
    once = Acusight(url, token="t", retry=RetryPolicy(attempts=1))
    handler.plan = [429]
    with pytest.raises(RateLimited) as limited:
        once.http.get("/x")
    assert limited.value.retry_after == 1.0 and limited.value.status == 429
    handler.plan = [413]
    with pytest.raises(PayloadTooLarge):
        once.http.post("/x", {})


# -- what installing the SDK brings --------------------------------------------------------------

FORBIDDEN = ("torch", "prefect", "dvc", "flask", "webapp", "pipelines", "flows", "numpy", "sqlalchemy")
HAND_MODULES = ("client", "errors", "transport", "auth", "http", "jobs", "files", "resources")


def test_the_rest_client_imports_only_its_dependencies() -> None:
    modules = ", ".join(f"acusight_sdk.{name}" for name in HAND_MODULES)
    probe = (
        "import sys, importlib, pkgutil\n"
        f"import {modules}\n"
        "import acusight_sdk._generated as g\n"
        "for m in pkgutil.walk_packages(g.__path__, g.__name__ + '.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(' '.join(sorted({n.split('.')[0] for n in sys.modules})))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd="/")
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    assert not loaded & set(FORBIDDEN), loaded & set(FORBIDDEN)
    assert {"httpx", "attrs", "tenacity"} <= loaded  # dateutil: imported when a date is parsed


@pytest.mark.slow
def test_dependency_closure_has_no_platform_packages(tmp_path: Path) -> None:
    """pip resolves the distribution as a user would install it (needs the package index)."""
    report = tmp_path / "report.json"
    try:
        command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet"]
        command += ["--report", str(report), str(ROOT / "sdk" / "python")]
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        pytest.skip("the package index did not answer within 120 s")
    if done.returncode != 0 and (
        "NewConnectionError" in done.stderr or "No matching distribution" in done.stderr
    ):
        pytest.skip(f"the package index is unreachable: {done.stderr[-300:]}")
    assert done.returncode == 0, done.stderr
    names = {item["metadata"]["name"].lower() for item in json.loads(report.read_text())["install"]}
    assert "acusight-sdk" in names and "httpx" in names and "tenacity" in names
    assert not names & {"torch", "prefect", "dvc", "flask", "numpy", "onnxruntime", "sqlalchemy"}, names
