"""Crash safety of ingestion: SIGKILL the real server mid-upload, restart, retry, and lose nothing.

`acusight serve` (gunicorn) runs on the test database and a temporary data dir. Simulated devices
upload distinct images concurrently, without retries of their own at first (a device that queues
what failed), while a gunicorn worker, or the whole server, is SIGKILLed mid-flight. Then the
devices retry every upload that was not acknowledged, with the device client's retrying session.
Whatever was acknowledged (201, or 200 for a duplicate) must be readable and byte-identical; no
row may lack its blob; every retry must complete; each batch's counter must equal its rows.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import pytest
import requests
from acusight_sdk.device import DeviceClient
from acusight_sdk.transport import RetryPolicy
from flask import Flask
from sqlalchemy import func, select

from acusight.stack import free_port, serve_child, wait_http
from tests.conftest import png_bytes
from webapp.extensions import db
from webapp.models import Batch, Image, User
from webapp.services import fsck
from webapp.storage import get_store

pytestmark = pytest.mark.slow

DEVICES = 6
IMAGES_PER_DEVICE = 40
# The kill lands once this share of all uploads has been acknowledged: well inside the traffic.
KILL_AFTER = 0.3


class Server:
    """`acusight serve` in its own process group, so the master and its workers can be killed together."""

    def __init__(self, data_dir: Path, database_url: str, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        env = {**os.environ, "ACUSIGHT_DATA_DIR": str(data_dir), "ACUSIGHT_DATABASE_URL": database_url}
        for name in ("ACUSIGHT_BLOB_BACKEND", "ACUSIGHT_WEB_WORKERS", "ACUSIGHT_WEB_THREADS"):
            env.pop(name, None)
        self.child = serve_child(self.port, env, log, workers=2, threads=4)

    def start(self) -> None:
        self.child.start()
        wait_http(f"{self.url}/openapi.json", 60, self.child)

    def kill_worker(self) -> int:
        victim = psutil.Process(self.child.pid).children()[0]
        victim.send_signal(signal.SIGKILL)
        return victim.pid

    def kill_all(self) -> None:
        self.child.kill()

    def stop(self) -> None:
        self.child.stop(30)


@dataclass
class Fleet:
    """The devices, their images, and every acknowledgement the server gave."""

    keys: list[str]
    images: dict[str, bytes] = field(default_factory=dict)  # sha256 -> bytes
    plan: list[list[str]] = field(default_factory=list)  # per device: the sha256 of its images
    acks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # sha256 -> each ack's data
    failures: dict[str, str] = field(default_factory=dict)  # sha256 -> last error, while unacknowledged
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def acked(self) -> int:
        with self.lock:
            return len(self.acks)

    def record(self, sha: str, data: dict[str, Any] | None, error: str | None) -> None:
        with self.lock:
            if data is not None:
                self.acks.setdefault(sha, []).append(data)
                self.failures.pop(sha, None)
            else:
                self.failures[sha] = error or "?"


@pytest.fixture
def server(data_dir: Path, database_url: str, app: Flask, tmp_path: Path) -> Iterator[Server]:
    data_dir.mkdir(parents=True, exist_ok=True)
    made = Server(data_dir, database_url, tmp_path / "server.log")
    made.start()
    yield made
    made.stop()


@pytest.fixture
def fleet(admin: User, admin_headers: dict[str, str], provision: Any) -> Fleet:
    keys = [provision(admin_headers, f"CRASH-{i}")["api_key"] for i in range(DEVICES)]
    made = Fleet(keys)
    for d in range(DEVICES):
        shas = []
        for i in range(IMAGES_PER_DEVICE):
            data = png_bytes(50_000 + d * 1000 + i, size=48)
            sha = hashlib.sha256(data).hexdigest()
            made.images[sha] = data
            shas.append(sha)
        made.plan.append(shas)
    return made


def upload_all(fleet: Fleet, api_url: str, *, retrying: bool) -> None:
    """Each device (a thread) sends its images that are not acknowledged yet, once each.

    ``retrying`` False: a bare session, so a failure is recorded and the device moves on (what a
    device that queues failed uploads does). True: the device client's own retrying session.
    """

    def device(index: int) -> None:
        client = DeviceClient(api_url, fleet.keys[index], retry=None if retrying else RetryPolicy(attempts=1))
        for sha in fleet.plan[index]:
            if sha in fleet.acks:
                continue
            try:
                data = client.upload(fleet.images[sha], f"{sha[:12]}.png")
            except Exception as exc:  # connection reset, refused, a 5xx envelope: not acknowledged
                fleet.record(sha, None, f"{type(exc).__name__}: {str(exc)[:200]}")
            else:
                fleet.record(sha, data, None)

    threads = [threading.Thread(target=device, args=(i,)) for i in range(DEVICES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
        assert not thread.is_alive(), "a device hung"


def kill_mid_flight(fleet: Fleet, server: Server, how: str) -> dict[str, Any]:
    """Upload while killing; returns what was killed and how many uploads had been acknowledged then."""
    total = DEVICES * IMAGES_PER_DEVICE
    traffic = threading.Thread(target=upload_all, args=(fleet, server.url), kwargs={"retrying": False})
    traffic.start()
    deadline = time.monotonic() + 120
    while fleet.acked < KILL_AFTER * total:
        assert traffic.is_alive() and time.monotonic() < deadline, "uploads stalled before the kill"
        time.sleep(0.01)
    event: dict[str, Any] = {"acked_at_kill": fleet.acked}
    if how == "worker":
        event["pid"] = server.kill_worker()  # the master forks a new one
    else:
        server.kill_all()
        server.start()  # the same port: devices see a dead server for as long as a restart takes
    traffic.join(300)
    assert not traffic.is_alive()
    return event


def verify(app: Flask, fleet: Fleet, admin: User, admin_headers: dict[str, str], api_url: str) -> None:
    """Everything acknowledged is stored, readable and identical; rows, blobs and counters agree."""
    assert not fleet.failures, f"retries that never completed: {dict(list(fleet.failures.items())[:5])}"
    assert set(fleet.acks) == set(fleet.images)
    for sha, acks in fleet.acks.items():
        # Acknowledged more than once (a retry of an upload that had committed): always the same image.
        assert {a["id"] for a in acks} == {acks[0]["id"]} and all(a["sha256"] == sha for a in acks)
        assert sum(not a["duplicate"] for a in acks) <= 1
        served = requests.get(
            f"{api_url}/data/images/{acks[0]['id']}/file", headers=admin_headers, timeout=30
        )
        assert served.status_code == 200 and served.content == fleet.images[sha], sha

    org = admin.organization_id
    db.session.rollback()  # a fresh read of what the server committed
    rows = db.session.execute(select(Image.id, Image.sha256).where(Image.organization_id == org)).all()
    assert len(rows) == len(fleet.images)
    assert {sha for _, sha in rows} == set(fleet.images)
    assert {id_ for id_, _ in rows} == {acks[0]["id"] for acks in fleet.acks.values()}
    counted = dict(
        db.session.execute(
            select(Image.batch_id, func.count()).where(Image.organization_id == org).group_by(Image.batch_id)
        ).all()
    )
    batches = db.session.scalars(select(Batch).where(Batch.organization_id == org)).all()
    assert batches and {b.id: b.image_count for b in batches} == {b.id: counted.get(b.id, 0) for b in batches}
    assert None not in counted

    report = fsck.check(db.session, db.engine, get_store(), backend="test")
    assert report.missing_images.count == 0, report.lines()
    assert report.problems_remaining == 0, report.lines()


@pytest.mark.parametrize("how", ["worker", "server"])
def test_uploads_survive_sigkill_and_retries_complete(
    how: str,
    app: Flask,
    server: Server,
    fleet: Fleet,
    admin: User,
    admin_headers: dict[str, str],
) -> None:
    event = kill_mid_flight(fleet, server, how)
    unacknowledged = len(fleet.failures)
    upload_all(fleet, server.url, retrying=True)
    # A retry may meet a 5xx while a worker is being replaced: the device simply tries again later.
    for _ in range(5):
        if not fleet.failures:
            break
        time.sleep(1)
        upload_all(fleet, server.url, retrying=True)
    verify(app, fleet, admin, admin_headers, server.url)
    duplicates = sum(1 for acks in fleet.acks.values() for a in acks if a["duplicate"])
    print(
        f"\n{how} killed after {event['acked_at_kill']} acknowledgements; {unacknowledged} uploads "
        f"unacknowledged then retried; {duplicates} retries answered duplicate"
    )
    if how == "server":
        # Killing the whole server mid-traffic always cuts some uploads off: the retry path ran.
        assert unacknowledged > 0
