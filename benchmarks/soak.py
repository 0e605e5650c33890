"""Soak: mixed device and user traffic against `acusight serve` for a bounded time; errors and memory.

Simulated devices check in, upload distinct small PNGs and ask for their model; simulated users list
images, read one (record and file), and annotate. Everything runs on loopback against a server made
fresh for the run (a temporary data dir; SQLite, or a new PostgreSQL database dropped afterwards).
The RSS of the server's processes (gunicorn master and workers) is sampled every second; after a
warm-up, the slope of the total (least squares) is the growth trend.

Run from the repository root:
  .venv/bin/python -m benchmarks.soak [--seconds 60] [--database sqlite|postgres] [--devices 8]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import psutil
import requests
from acusight_sdk.device import DeviceClient
from PIL import Image

from acusight.stack import free_port, serve_child, wait_http

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def png(seed: int) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG")
    return out.getvalue()


@dataclass
class Tally:
    """Counts, errors and latencies per kind of request, shared by every client thread."""

    ok: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    samples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, kind: str, call: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            result = call(*args, **kwargs)
        except Exception as exc:  # every failure is counted and a few are kept to print
            with self.lock:
                self.errors[kind] += 1
                if len(self.samples[kind]) < 3:
                    self.samples[kind].append(f"{type(exc).__name__}: {str(exc)[:200]}")
            return None
        with self.lock:
            self.ok[kind] += 1
            self.latency[kind].append(time.perf_counter() - start)
        return result


def checked(resp: requests.Response) -> Any:
    if resp.status_code >= 400:
        raise RuntimeError(f"{resp.status_code} {resp.text[:200]}")
    return (
        resp.json()["data"] if resp.headers.get("Content-Type", "").startswith("application/json") else None
    )


class Server:
    def __init__(self, workdir: Path, database: str, workers: int, threads: int) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.pg_db: str | None = None
        self.env = {**os.environ, "ACUSIGHT_DATA_DIR": str(workdir / "var")}
        for name in ("ACUSIGHT_DATABASE_URL", "ACUSIGHT_BLOB_BACKEND", "ACUSIGHT_RATE_LIMIT"):
            self.env.pop(name, None)
        if database == "postgres":
            import psycopg

            self.pg_db = f"acusight_soak_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.pg_db}"')
            self.env["ACUSIGHT_DATABASE_URL"] = f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.pg_db}"
        self.child = serve_child(
            self.port, self.env, workdir / "server.log", workers=workers, threads=threads
        )

    def cli(self, *args: str) -> str:
        cmd = [sys.executable, "-m", "acusight.cli", *args]
        return subprocess.run(cmd, env=self.env, check=True, capture_output=True, text=True).stdout

    def start(self) -> None:
        self.child.start()
        try:
            wait_http(f"{self.url}/openapi.json", 90, self.child)
        except RuntimeError as exc:
            raise SystemExit(str(exc)) from exc

    def processes(self) -> list[psutil.Process]:
        master = psutil.Process(self.child.pid)
        return [master, *master.children(recursive=True)]

    def stop(self) -> None:
        if self.child.alive():
            self.child.stop(60)
        if self.pg_db:
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_db}" WITH (FORCE)')


def seed(server: Server, devices: int) -> tuple[dict[str, str], int, list[DeviceClient]]:
    server.cli("orgs", "create", "Soak")
    server.cli("users", "create", "soak@example.test", "--org", "Soak", "--role", "admin")
    token = server.cli("users", "token", "soak@example.test").strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    project = checked(
        requests.post(
            f"{server.url}/data/projects",
            json={"name": "soak", "task_type": "classification", "labels": ["a", "b"]},
            headers=headers,
            timeout=30,
        )
    )
    clients = []
    for i in range(devices):
        grant = checked(
            requests.post(
                f"{server.url}/provisioning-tokens",
                json={"name": f"soak {i}", "project_id": project["id"]},
                headers=headers,
                timeout=30,
            )
        )
        clients.append(DeviceClient.provision(server.url, grant["token"], f"SOAK-{i}", f"soak cam {i}"))
    return headers, project["id"], clients


def device_loop(client: DeviceClient, index: int, tally: Tally, stop: threading.Event) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        tally.run("device checkin", client.checkin, battery_pct=80.0, uptime_s=n)
        tally.run("device upload", client.upload, png(index * 10_000_000 + n), f"soak-{index}-{n}.png")
        if n % 5 == 0:
            # What a device asks at each check-in cycle: its assigned model (none in this run).
            tally.run("device model fetch", client.fetch_model)


def user_loop(api: str, headers: dict[str, str], tally: Tally, stop: threading.Event, seed_: int) -> None:
    rng = random.Random(seed_)
    session = requests.Session()

    def get(path: str) -> Any:
        return checked(session.get(f"{api}{path}", headers=headers, timeout=30))

    def post(path: str, body: dict[str, Any]) -> Any:
        return checked(session.post(f"{api}{path}", json=body, headers=headers, timeout=30))

    while not stop.is_set():
        page = tally.run("user list images", get, "/data/images?per_page=50")
        if not page:
            time.sleep(0.2)
            continue
        image = rng.choice(page)
        tally.run("user get image", get, f"/data/images/{image['id']}")
        tally.run("user get file", get, f"/data/images/{image['id']}/file")
        tally.run(
            "user annotate", post, "/data/annotations", {"image_id": image["id"], "label": rng.choice("ab")}
        )


def slope_mb_per_min(points: list[tuple[float, float]]) -> float:
    if len(points) < 3:
        return float("nan")
    t = np.array([p[0] for p in points])
    y = np.array([p[1] for p in points])
    return float(np.polyfit(t / 60, y / 1e6, 1)[0])


def every(samples: list[tuple[float, float, int]], period: float) -> list[float]:
    """The first sample of each ``period`` seconds."""
    picked: dict[int, float] = {}
    for t, value, _ in samples:
        picked.setdefault(int(t // period), value)
    return list(picked.values())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=15, help="seconds left out of the RSS trend")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--devices", type=int, default=8)
    parser.add_argument("--users", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()

    # A plain `kill` still stops the server and drops the database (the finally block below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="acusight-soak-"))
    server = Server(workdir, args.database, args.workers, args.threads)
    try:
        server.cli("db", "upgrade")
        server.start()
        headers, _, devices = seed(server, args.devices)
        tally = Tally()
        stop = threading.Event()
        rss: list[tuple[float, float, int]] = []  # (seconds since start, total RSS bytes, processes)
        threads = [
            threading.Thread(target=device_loop, args=(d, i, tally, stop), daemon=True)
            for i, d in enumerate(devices)
        ] + [
            threading.Thread(target=user_loop, args=(server.url, headers, tally, stop, i), daemon=True)
            for i in range(args.users)
        ]
        start = time.monotonic()
        for thread in threads:
            thread.start()
        while (elapsed := time.monotonic() - start) < args.seconds:
            procs = server.processes()
            total = 0
            for proc in procs:
                try:
                    total += proc.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
            rss.append((elapsed, total, len(procs)))
            time.sleep(1)
        stop.set()
        for thread in threads:
            thread.join(60)
        duration = time.monotonic() - start
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    after = [(t, r) for t, r, _ in rss if t >= args.warmup]
    requests_ok = sum(tally.ok.values())
    figures: dict[str, Any] = {
        "database": args.database,
        "seconds": round(duration, 1),
        "devices": args.devices,
        "users": args.users,
        "workers": args.workers,
        "threads": args.threads,
        "requests_ok": requests_ok,
        "errors": sum(tally.errors.values()),
        "requests_per_s": round(requests_ok / duration, 1),
        "by_kind": {
            kind: {
                "ok": tally.ok[kind],
                "errors": tally.errors[kind],
                "per_s": round(tally.ok[kind] / duration, 1),
                "p50_ms": round(1000 * float(np.percentile(tally.latency[kind], 50)), 1),
                "p99_ms": round(1000 * float(np.percentile(tally.latency[kind], 99)), 1),
            }
            for kind in sorted(set(tally.ok) | set(tally.errors))
            if tally.latency[kind]
        },
        "error_samples": dict(tally.samples),
        "rss_mb": {
            "processes": rss[-1][2] if rss else 0,
            "at_warmup": round(after[0][1] / 1e6, 1) if after else None,
            "at_end": round(after[-1][1] / 1e6, 1) if after else None,
            "max": round(max(r for _, r, _ in rss) / 1e6, 1) if rss else None,
            "slope_mb_per_min_after_warmup": round(slope_mb_per_min(after), 2),
            # The shape behind the slope: a leak climbs steadily, warm-up flattens.
            "every_30_s": [round(r / 1e6, 1) for r in every(rss, 30)],
        },
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
