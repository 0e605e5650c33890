"""What the audit log costs the write paths, on SQLite and PostgreSQL: the same requests, through two apps
on one database, one auditing (the default) and one with ACUSIGHT_AUDIT_ENABLED off.

Operations, each timed end to end in-process through the Flask test client (auth, validation, the
write, its audit row, commit; no HTTP server), in phases that alternate between the two apps so that
noise on the machine falls on both alike:

- ``rename device``: an admin's PATCH /api/devices/{id}, one audited change per request;
- ``check-in``: a device's check-in reporting new firmware (the device's update is audited, the
  check-in row is not);
- ``upload``: a device's single-image upload. Images are inserted with SQL, not the ORM, so the
  listener never sees them: both apps write the same. A third variant, ``upload + audit row``, adds
  what auditing each image would cost (an audit row in the upload's transaction; on PostgreSQL the
  upload then needs a transaction instead of its one autocommitted statement): the figure behind
  leaving images out of the log.

Run from the repository root:
    .venv/bin/python -m benchmarks.audit [--backend sqlite|postgresql|both] [--seconds 3] [--rounds 3]
PostgreSQL: ACUSIGHT_BENCH_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres)
names the server; a database is created for the run and dropped afterwards.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image as PILImage
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from webapp import create_app
from webapp.auth import issue_access_token
from webapp.extensions import db
from webapp.migrate import upgrade
from webapp.models import AuditEvent
from webapp.services import devices, ingest, provisioning, users
from webapp.unit_of_work import unit_of_work

PG_ENV = "ACUSIGHT_BENCH_POSTGRES_URL"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
_SERIAL = itertools.count(1)


def png(seed: int) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    out = io.BytesIO()
    PILImage.fromarray(pixels, "RGB").save(out, "PNG")
    return out.getvalue()


@contextmanager
def database(backend: str, root: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{root / 'bench.db'}"
        return
    base = make_url(os.environ.get(PG_ENV, PG_DEFAULT))
    name = f"acusight_audit_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(app: Flask) -> tuple[dict[str, str], int, str]:
    """An admin's headers, and a device's id and key."""
    with app.app_context(), unit_of_work(db.session):
        admin = users.create(db.session, "admin@bench.test", "Bench", "admin")
        _, secret = provisioning.create(db.session, admin, name="bench", max_uses=1)
        device, key = devices.provision(db.session, token=secret, serial_number="bench-1", name="bench cam")
        return {"Authorization": f"Bearer {issue_access_token(admin)}"}, device.id, key


def with_image_audit_rows() -> Callable[[], None]:
    """Make every upload also write an audit row in its own transaction, as auditing images would;
    returns the undo."""
    original = ingest.insert_image

    def audited(session: Session, device: Any, batch_name: Any, row: dict[str, Any], now: Any) -> Any:
        session.connection()  # a transaction, not one autocommitted statement: the two writes commit together
        image_id, batch_id = original(session, device, batch_name, row, now)
        event = {
            "created_at": now,
            "organization_id": device.organization_id,
            "actor_type": "device",
            "actor_id": device.id,
            "actor_display": device.serial_number,
            "action": "create",
            "resource_type": "images",
            "resource_id": str(image_id),
            "changes": {name: [None, str(value)] for name, value in row.items() if value is not None},
            "remote_addr": "127.0.0.1",
            "method": "POST",
            "path": "/api/device/images/upload",
            "request_id": uuid.uuid4().hex,
        }
        session.connection().execute(insert(AuditEvent.__table__), event)
        return image_id, batch_id

    ingest.insert_image = audited  # type: ignore[assignment]

    def undo() -> None:
        ingest.insert_image = original  # type: ignore[assignment]

    return undo


def phase(client: FlaskClient, call: Callable[[FlaskClient], int], seconds: float) -> tuple[float, float]:
    """Requests per second of ``call`` for ``seconds``, and this process's CPU milliseconds per request
    (steadier than the rate on a busy machine; with SQLite it is all the work)."""
    done, started, cpu = 0, time.perf_counter(), time.process_time()
    while (elapsed := time.perf_counter() - started) < seconds:
        status = call(client)
        assert status < 300, status
        done += 1
    return done / elapsed, (time.process_time() - cpu) * 1000 / done


def run(backend: str, seconds: float, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url:
        upgrade(url)
        apps = {
            on: create_app({"data_dir": Path(tmp) / "var", "database_url": url, "audit_enabled": on})
            for on in (True, False)
        }
        admin, device_id, key = seed(apps[True])
        device = {"X-Device-Key": key}

        def rename(client: FlaskClient) -> int:
            body = {"name": f"cam {next(_SERIAL)}"}
            return client.patch(f"/api/devices/{device_id}", json=body, headers=admin).status_code

        def checkin(client: FlaskClient) -> int:
            body = {"firmware_version": f"1.{next(_SERIAL)}", "battery_pct": 90.0}
            return client.post("/api/device/checkin", json=body, headers=device).status_code

        def upload(client: FlaskClient) -> int:
            data = {"file": (io.BytesIO(png(next(_SERIAL))), "frame.png")}
            resp = client.post(
                "/api/device/images/upload", data=data, headers=device, content_type="multipart/form-data"
            )
            return resp.status_code

        results: dict[tuple[str, str], list[tuple[float, float]]] = {}
        variants: list[tuple[str, Callable[[FlaskClient], int], list[tuple[str, bool, bool]]]] = [
            ("rename device", rename, [("audit on", True, False), ("audit off", False, False)]),
            ("check-in", checkin, [("audit on", True, False), ("audit off", False, False)]),
            (
                "upload",
                upload,
                [("audit on", True, False), ("audit off", False, False), ("+ audit row", True, True)],
            ),
        ]
        for _ in range(rounds):
            for name, call, runs in variants:
                for label, on, image_rows in runs:
                    undo = with_image_audit_rows() if image_rows else None
                    try:
                        with apps[on].test_client() as client:
                            call(client)  # warm: the first request of a kind compiles its statements
                            results.setdefault((name, label), []).append(phase(client, call, seconds))
                    finally:
                        if undo:
                            undo()
        print(f"\n{backend}: median of {rounds} phases of {seconds:g} s each (in-process, one client)")
        for name, _, runs in variants:
            base = statistics.median(cpu for _, cpu in results[(name, "audit off")])
            for label, _, _ in runs:
                rate = statistics.median(rate for rate, _ in results[(name, label)])
                cpu = statistics.median(cpu for _, cpu in results[(name, label)])
                print(
                    f"  {name:14} {label:12} {rate:8.1f} req/s  {1000 / rate:6.2f} ms/req  "
                    f"CPU {cpu:6.2f} ms/req ({cpu - base:+5.2f} ms vs off)"
                )
        for app in apps.values():
            with app.app_context():
                db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each measured phase")
    parser.add_argument("--rounds", type=int, default=3, help="phases per variant, alternating")
    args = parser.parse_args()
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        run(backend, args.seconds, args.rounds)


if __name__ == "__main__":
    main()
