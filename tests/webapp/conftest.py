"""Fixtures of the data API tests: projects through the API, batches and images straight in the database."""

from __future__ import annotations

import hashlib
import itertools
import re
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, Response, request, request_finished
from flask.testing import FlaskClient

from tests.helpers import make_export, make_model, service_headers
from webapp import create_app, orchestration
from webapp.extensions import db
from webapp.models import Base, Batch, DatasetVersion, Image, User
from webapp.services import service_accounts
from webapp.unit_of_work import unit_of_work

_SERIAL = itertools.count(1)


@pytest.fixture
def make_project(client: FlaskClient) -> Callable[..., dict[str, Any]]:
    """make_project(headers, name=..., task_type=..., labels=[...]) -> the project as the API shows it."""

    def _make(
        headers: dict[str, str],
        name: str | None = None,
        task_type: str = "classification",
        labels: list[str] | None = None,
    ) -> dict[str, Any]:
        body = {
            "name": name or f"project {next(_SERIAL)}",
            "task_type": task_type,
            "labels": labels if labels is not None else ["cat", "dog"],
        }
        resp = client.post("/api/data/projects", json=body, headers=headers)
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["data"]

    return _make


@pytest.fixture
def make_images() -> Callable[..., list[Image]]:
    """make_images(user, n, project_id=..., batch=..., device_id=..., **columns) -> Image rows.

    The one place tests create images without uploading them: rows go in through the ORM, with unique
    fake sha256 values, in a new batch unless one is given (or in_batch=False), whose image_count moves
    as ingestion moves it. The i-th image is
    created i seconds after a fixed start (captured an hour earlier), so orders are predictable.
    """

    def _make(
        user: User,
        n: int = 1,
        project_id: int | None = None,
        batch: Batch | None = None,
        device_id: int | None = None,
        start: datetime = datetime(2026, 1, 1, tzinfo=UTC),
        in_batch: bool = True,
        **columns: Any,
    ) -> list[Image]:
        if batch is None and in_batch:
            batch = Batch(
                organization_id=user.organization_id,
                project_id=project_id,
                device_id=device_id,
                name=f"batch {next(_SERIAL)}",
            )
            db.session.add(batch)
            db.session.flush()
        images = []
        for _ in range(n):
            serial = next(_SERIAL)
            created = start + timedelta(seconds=len(images))
            values = {
                "sha256": hashlib.sha256(f"image {serial}".encode()).hexdigest(),
                "byte_size": 1000,
                "width": 640,
                "height": 480,
                "format": "jpeg",
                "filename": f"img{serial}.jpg",
                "captured_at": created - timedelta(hours=1),
                "created_at": created,
                **columns,
            }
            image = Image(
                organization_id=user.organization_id,
                project_id=batch.project_id if project_id is None and batch else project_id,
                batch_id=batch.id if batch else None,
                device_id=batch.device_id if device_id is None and batch else device_id,
                **values,
            )
            images.append(image)
        db.session.add_all(images)
        if batch is not None:
            batch.image_count += n
        db.session.commit()
        return images

    return _make


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Record flow starts and cancels instead of reaching Prefect (tests/flows runs the real ones)."""
    calls: list[dict[str, Any]] = []

    def fake_start(kind: str, parameters: dict[str, Any]) -> str:
        calls.append({"kind": kind, **parameters})
        return f"run-{len(calls)}"

    monkeypatch.setattr(orchestration, "start", fake_start)
    monkeypatch.setattr(orchestration, "cancel", lambda run_id: calls.append({"cancel": run_id}))
    return calls


@pytest.fixture
def ready_dataset(
    client: FlaskClient, admin_headers: dict[str, str], labeled_project: Any, started: Any
) -> int:
    """A dataset version marked ready without its flow (no counts, no DVC data)."""
    pid = labeled_project(admin_headers, n=4)["project_id"]
    did = client.post("/api/data/datasets", json={"project_id": pid}, headers=admin_headers).get_json()[
        "data"
    ]["id"]
    version = db.session.get(DatasetVersion, did)
    version.status = "ready"
    db.session.commit()
    return did


@pytest.fixture
def service(admin: Any) -> dict[str, str]:
    """Headers of a service account acting for the admin's organization: the flows' side."""
    with unit_of_work(db.session):
        _, key = service_accounts.create(db.session, "trainer")
    return service_headers(key, admin.organization_id)


@pytest.fixture
def prefect_unconfigured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """No PREFECT_API_URL at all, as on a server set up without one; yields Prefect's home folder,
    where a temporary server Prefect started by itself would leave its database."""
    from prefect.context import refresh_global_settings_context

    home = tmp_path / "prefect-home"
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(home))
    refresh_global_settings_context()
    yield home
    monkeypatch.undo()
    refresh_global_settings_context()


@pytest.fixture
def prefect_unreachable(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point Prefect at a closed port, for real: its settings are re-read, then restored."""
    from prefect.context import refresh_global_settings_context

    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    refresh_global_settings_context()
    yield
    monkeypatch.undo()
    refresh_global_settings_context()


# One app per blob backend, for the tests that must hold on both (storage, fsck).
@pytest.fixture(params=["local", "s3"])
def backend_app(
    request: pytest.FixtureRequest, app: Flask, database_url: str, data_dir: Path
) -> Iterator[Flask]:
    """An app on the test database with the blob backend under test (``app`` cleans the tables)."""
    config: dict[str, Any] = {"data_dir": data_dir, "database_url": database_url}
    if request.param == "s3":
        config |= {
            "blob_backend": "s3",
            "s3_bucket": request.getfixturevalue("bucket"),
            "s3_endpoint_url": request.getfixturevalue("s3_endpoint"),
            "s3_prefix": "blobs/",
        }
    made = create_app(config)
    made.config["TESTING"] = True
    with made.app_context():
        yield made
        db.engine.dispose()


# --- every error the API answers, scanned for what it must not show ------------------------------------
#
# An autouse fixture records the error envelope of every response any app sends during a test (Flask's
# request_finished signal: the client's requests and a threaded server's alike); when the test has run,
# a message naming a server path, a class of ours or a traceback fails it. A test that plants a leak on
# purpose takes it back with ``error_messages.take_leaks()``.

# Absolute file-system paths (not the API's own /api/… routes, nor a URL's path), Windows drive letters,
# the blob store's staging files, Python files and installed packages.
_PATH = re.compile(
    r"(?<![\w/:.~-])/(?!api/)[\w.@+-]+/[\w.@+/-]*"
    r"|\b[A-Za-z]:\\"
    r"|\.staging\b|\.part\b|\.pyc?(?:[\"',:)]|$)|site-packages|dist-packages|\.venv\b"
)
_TRACE = re.compile(r"Traceback \(most recent call last\)|File \"|, line \d+, in |object at 0x[0-9a-fA-F]+")
# Classes of other packages a message would name only by passing an exception's text along.
_FOREIGN = re.compile(
    r"\b[A-Z][A-Za-z]+(?:Error|Exception)\b|\[Errno \d+\]|sqlalche\.me|\bsqlite3\.|\bpsycopg"
    r"|\b(?:webapp|pipelines|flows)\.[a-z_]+\.[a-z_]+"
)
_OUR_PACKAGES = ("webapp", "acusight", "acusight_settings", "pipelines", "flows", "clients")
_class_names: tuple[int, re.Pattern[str]] | None = None


def _ours(cls: type) -> bool:
    return cls.__module__.split(".")[0] in _OUR_PACKAGES


def _exception_classes() -> Iterator[type[BaseException]]:
    seen: set[type] = set()
    stack: list[type] = [BaseException]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
                yield sub


def our_class_names() -> re.Pattern[str]:
    """Names of our classes a message must not show: the database models (webapp.models) and every
    exception class our packages define, as far as they are imported (rebuilt when more are).

    A name of two words or more (``ExportJob``, ``NotFound``) is a leak wherever it stands; a
    one-word name is an English word too ("Image 4 not found"), a leak only as code writes it
    (``Image(``, ``<Image``, ``Image object``)."""
    global _class_names
    if _class_names is not None and _class_names[0] == len(sys.modules):
        return _class_names[1]
    classes = {mapper.class_ for mapper in Base.registry.mappers}
    classes |= {cls for cls in _exception_classes() if _ours(cls)}
    names = sorted({cls.__name__ for cls in classes}, key=len, reverse=True)
    compound = [n for n in names if re.fullmatch(r"[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+", n)]
    simple = [n for n in names if n not in compound]
    pattern = re.compile(
        rf"\b(?:{'|'.join(compound)})\b"
        + (rf"|<(?:{'|'.join(simple)})\b|\b(?:{'|'.join(simple)})(?:\(| object\b)" if simple else "")
    )
    _class_names = (len(sys.modules), pattern)
    return pattern


def leaks_in(text: str) -> list[str]:
    """What ``text`` shows that an error message must not, each as "what: the text that shows it"."""
    found = []
    for what, pattern in (
        ("a server path", _PATH),
        ("a traceback", _TRACE),
        ("an exception's text", _FOREIGN),
        ("a class name of ours", our_class_names()),
    ):
        found += [f"{what}: {match.group(0)!r}" for match in pattern.finditer(text)]
    return found


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


class ErrorMessages:
    """The error envelopes the apps answered during one test, and the leaks found in them."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, dict[str, Any]]] = []
        self._leaks: list[str] = []

    def record(self, _sender: Any, response: Response, **_: Any) -> None:
        if response.status_code < 400 or response.is_streamed or response.direct_passthrough:
            return
        body = response.get_json(silent=True)
        if not (
            isinstance(body, dict) and body.get("success") is False and isinstance(body.get("error"), dict)
        ):
            return
        error = body["error"]
        where = f"{request.method} {request.path} -> {response.status_code}"
        self.errors.append((where, error))
        for text in _texts({k: v for k, v in error.items() if k != "code"}):
            self._leaks += [f"{where}: {leak} in {text!r}" for leak in leaks_in(text)]

    def take_leaks(self) -> list[str]:
        """The leaks found so far, which no longer fail the test (for a test that plants one)."""
        leaks, self._leaks = self._leaks, []
        return leaks

    def check(self) -> None:
        leaks = self.take_leaks()
        if leaks:
            raise AssertionError(
                "error messages show what they must not (tests/webapp/conftest.py, leaks_in):\n"
                + "\n".join(leaks)
            )


_ERROR_MESSAGES = pytest.StashKey[ErrorMessages]()


@pytest.fixture(autouse=True)
def error_messages(request: pytest.FixtureRequest) -> Iterator[ErrorMessages]:
    """Every error envelope of the test, checked for leaks once the test has run (and at teardown)."""
    recorder = ErrorMessages()
    request.node.stash[_ERROR_MESSAGES] = recorder
    request_finished.connect(recorder.record)
    try:
        yield recorder
    finally:
        request_finished.disconnect(recorder.record)
    recorder.check()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """Fail the test itself (not its teardown) when the errors it produced leak."""
    result = yield
    recorder = item.stash.get(_ERROR_MESSAGES, None)
    if recorder is not None:
        recorder.check()
    return result


# The bytes of the export a fleet's devices are given (no real model: delivery does not read it).
ONNX = b"\x08\x09an onnx model"


@pytest.fixture
def fleet(
    client: FlaskClient,
    admin_headers: dict[str, str],
    service: Any,
    ready_dataset: int,
    provision: Any,
    started: Any,
) -> dict[str, Any]:
    """A succeeded export of a model of the dataset's project, and a device in that project."""
    model = make_model(client, admin_headers, service, ready_dataset)
    export = make_export(client, admin_headers, service, model["id"], artifact=ONNX)
    device = provision(admin_headers, "CAM-1", project_id=model["project_id"])
    return {
        "model": model,
        "export": export,
        "project_id": model["project_id"],
        "device": device["device"],
        "key": {"X-Device-Key": device["api_key"]},
    }
