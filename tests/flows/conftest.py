"""A real Prefect server, the API on a real port, and a worker process serving the flows."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from prefect.context import refresh_global_settings_context
from werkzeug.serving import make_server

from acusight.stack import free_port
from flows.worker import DEPLOYMENT_NAME, deployments
from tests.flows.label_studio_server import LabelStudioEnv
from tests.helpers import FLOW_TEST_SETTINGS, wait_until
from webapp import create_app
from webapp.extensions import db
from webapp.services import service_accounts


@pytest.fixture(scope="session")
def shared_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shared-var")


@pytest.fixture
def data_dir(shared_data_dir: Path) -> Path:
    """The test's app and the live API share one data dir, so blobs written by one are seen by both."""
    return shared_data_dir


@contextmanager
def prefect_server_at(home: Path) -> Iterator[str]:
    """`prefect server start` on a free port with ``home`` as PREFECT_HOME; PREFECT_API_URL points at
    it (in this process, and in what it starts) until the block ends."""
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # Schedules become runs within a second or two, not a minute: tests watch a real schedule fire.
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "1",
    }
    log = open(home / "server.log", "wb")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/api"

    def healthy() -> bool:
        assert proc.poll() is None, (home / "server.log").read_text()[-2000:]
        try:
            return requests.get(f"{url}/health", timeout=1).ok
        except requests.RequestException:
            return False

    wait_until(healthy, 120, "the Prefect server")
    old = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = url
    # Prefect reads its settings once, when first imported: a test module that imports a flow at
    # collection time would otherwise leave this process on a temporary server of its own.
    refresh_global_settings_context()
    try:
        yield url
    finally:
        if old is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = old
        refresh_global_settings_context()
        proc.terminate()
        proc.wait(30)
        log.close()


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`prefect server start` on a free port with its own PREFECT_HOME; PREFECT_API_URL points at it."""
    with prefect_server_at(tmp_path_factory.mktemp("prefect-home")) as url:
        yield url


@pytest.fixture
def app_config() -> dict[str, Any]:
    return dict(FLOW_TEST_SETTINGS)


@pytest.fixture(scope="session")
def live_api(database_url: str, shared_data_dir: Path, label_studio_env: LabelStudioEnv) -> Iterator[str]:
    """The API served over HTTP in a thread, on the session database: what flows call. It knows the
    session's Label Studio (the shared one) and its own public URL, as a deployment's API does."""
    port = free_port()
    app: Flask = create_app(
        {
            "data_dir": shared_data_dir,
            "database_url": database_url,
            "label_studio_url": label_studio_env.url,
            "label_studio_token": label_studio_env.token,
            "public_url": f"http://127.0.0.1:{port}",
            **FLOW_TEST_SETTINGS,
        }
    )
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api"
    server.shutdown()


@pytest.fixture(scope="session")
def worker_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("worker")


def start_worker(
    prefect_url: str, api_url: str, worker_dir: Path, **extra_env: str
) -> subprocess.Popen[bytes]:
    """`acusight worker` in its own process group, as on a separate machine: only the API URL and a key
    (read from ``worker_dir``/service_key); returns once its deployments are registered."""
    env = {
        **os.environ,
        "PREFECT_API_URL": prefect_url,
        "ACUSIGHT_API_URL": api_url,
        "ACUSIGHT_DATA_DIR": str(worker_dir),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        **extra_env,
    }
    env.pop("ACUSIGHT_DATABASE_URL", None)
    env.pop("ACUSIGHT_SERVICE_KEY", None)
    with open(worker_dir / "worker.log", "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "acusight.cli", "worker"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    # Every flow's deployment, not just the first: the worker registers them one after another, and a
    # test that starts the last one (scheduled training) at once would find it missing.
    expected = len(deployments())

    def registered() -> bool:
        assert proc.poll() is None, (worker_dir / "worker.log").read_text()[-3000:]
        resp = requests.post(f"{prefect_url}/deployments/filter", json={}, timeout=5)
        return sum(d["name"] == DEPLOYMENT_NAME for d in resp.json()) >= expected

    wait_until(registered, 120, "the worker to register its deployments", interval=0.5)
    return proc


def stop_worker(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def worker(
    prefect_server: str, live_api: str, worker_dir: Path, label_studio_env: LabelStudioEnv
) -> Iterator[subprocess.Popen[bytes]]:
    """The session's worker (and where the session's Label Studio will be, which starts only if a test
    needs it)."""
    # No scheduled rollout evaluation: a test asks for each one (POST /ml/rollout-checks), and a tick of
    # the schedule between its steps would decide on a stage half reported.
    proc = start_worker(
        prefect_server,
        live_api,
        worker_dir,
        ACUSIGHT_ROLLOUT_CHECK_MINUTES="0",
        **label_studio_env.worker_env(),
    )
    yield proc
    stop_worker(proc)


@pytest.fixture
def service_key(app: Flask, worker_dir: Path) -> str:
    """A fresh service account whose key the worker reads from its data dir at each flow run."""
    _, key = service_accounts.rotate(db.session, "test-worker")
    db.session.commit()  # services only flush; the worker reads it from another process
    (worker_dir / "service_key").write_text(key)
    return key
