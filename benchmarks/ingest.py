"""Ingest throughput: simulated devices upload ~100 KB JPEGs to `acusight serve` (gunicorn, PostgreSQL),
one per request (POST /api/device/images/upload) and in batches (POST /api/device/images/batch).

The same run, under the same server, also measures the ceiling: a bare endpoint that only reads the
request body and writes it to a file (registered because ACUSIGHT_BENCHMARK_ENDPOINTS=1 is set for
this server only). Phases alternate (ceiling, ceiling+fsync, ingest, batch, then again) so that noise
from other work on the machine falls on all alike; a batch phase counts images, not requests.
Everything is made fresh and removed afterwards: a data dir, a PostgreSQL database, the server.

Run from the repository root:  .venv/bin/python -m benchmarks.ingest [--seconds 15] [--devices 32]
[--batch-size 16]  (--batch-size 0: no batch phase)

Each phase also reports the CPU time it cost the server (the gunicorn processes) and the database
(the backends of the benchmark's database) per image: on a shared machine a steadier figure than
requests per second. ``--against CHECKOUT`` compares two versions of the code, served side by side.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

import psutil
import psycopg
import requests

from acusight.cli.serve import default_web_shape
from acusight.stack import Child, free_port, serve_child, wait_http
from benchmarks.load import CpuSample, PhaseResult, batch_request, make_jpegs, run_phase, use_payload

UPLOAD_PATH = "/api/device/images/upload"
BATCH_PATH = "/api/device/images/batch"
SINK_PATH = "/api/_benchmark/sink"


def _cpu_seconds(proc: psutil.Process) -> float:
    try:
        times = proc.cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    return float(times.user + times.system)


# --- the server and its database ------------------------------------------------------------------


def cli_module(root: Path) -> str:
    """The command line's module in a checkout: ``acusight.cli``, or ``webapp.cli`` in checkouts from
    before the command line moved above the web package (so ``--against`` can reach back past it)."""
    return "acusight.cli" if (root / "acusight" / "cli").is_dir() else "webapp.cli"


class Bench:
    """A fresh data dir, PostgreSQL database and `acusight serve`, torn down on exit."""

    def __init__(self, pg_admin_url: str, workers: int, threads: int = 1, root: Path | None = None) -> None:
        self.pg_admin_url = pg_admin_url
        self.workers = workers
        self.threads = threads
        self.db_name = f"acusight_bench_{uuid.uuid4().hex[:8]}"
        self.tmp = Path(tempfile.mkdtemp(prefix="acusight-bench-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server: Child | None = None
        self.root = root or Path.cwd()  # the checkout served
        base = psycopg.conninfo.conninfo_to_dict(pg_admin_url)
        self.app_db_url = (
            f"postgresql+psycopg://{base.get('user', 'postgres')}@{base.get('host', '127.0.0.1')}:"
            f"{base.get('port', 5432)}/{self.db_name}"
        )
        self.env = {
            **os.environ,
            "ACUSIGHT_DATA_DIR": str(self.tmp / "var"),
            "ACUSIGHT_DATABASE_URL": self.app_db_url,
            "ACUSIGHT_BENCHMARK_ENDPOINTS": "1",
        }
        if root is not None:  # the CLI and the server run that checkout's code; an inherited path after it
            inherited = os.environ.get("PYTHONPATH")
            self.env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), inherited) if p)

    def __enter__(self) -> Bench:
        with psycopg.connect(self.pg_admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.db_name}"')
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.server is not None:
            self.server.stop(30)
        with psycopg.connect(self.pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", cli_module(self.root), *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            cwd=self.root,
        )
        return done.stdout

    def start_server(self) -> None:
        log = self.tmp / "server.log"
        self.server = serve_child(
            self.port, self.env, log, workers=self.workers, threads=self.threads, cwd=self.root
        )
        self.server.argv[self.server.argv.index("acusight.cli")] = cli_module(self.root)
        self.server.start()
        wait_http(f"{self.base}/api/openapi.json", 60, self.server)

    def cpu(self) -> CpuSample:
        """CPU seconds used so far by the server's processes and by the database's backends."""
        assert self.server is not None
        master = psutil.Process(self.server.pid)
        server = _cpu_seconds(master) + sum(_cpu_seconds(p) for p in master.children(recursive=True))
        with psycopg.connect(self.pg_admin_url, autocommit=True) as conn:
            pids = [
                int(row[0])
                for row in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.db_name,)
                ).fetchall()
            ]
            row = conn.execute(
                "SELECT sessions FROM pg_stat_database WHERE datname = %s", (self.db_name,)
            ).fetchone()
        backends = {}
        for pid in pids:
            try:
                backends[pid] = _cpu_seconds(psutil.Process(pid))
            except psutil.NoSuchProcess:
                continue
        return CpuSample(server, backends, int(row[0]) if row else 0)

    def count(self, sql: str) -> int:
        with psycopg.connect(self.app_db_url.replace("+psycopg", "")) as conn:
            row = conn.execute(sql).fetchone()
        return int(row[0]) if row else 0


def seed(bench: Bench, devices: int, labels: tuple[str, ...] = ("a", "b")) -> list[str]:
    """A user (CLI), then a project if the data API has one, a provisioning token and devices (API)."""
    with contextlib.suppress(subprocess.CalledProcessError):  # a checkout from before `orgs create`
        bench.cli("orgs", "create", "Bench")  # makes the organization with the user instead
    bench.cli("users", "create", "bench@example.com", "--org", "Bench", "--role", "admin")
    token = bench.cli("users", "token", "bench@example.com").strip().splitlines()[-1]
    auth = {"Authorization": f"Bearer {token}"}
    token_body: dict[str, Any] = {"name": "bench", "max_uses": devices}
    project = requests.post(
        f"{bench.base}/api/data/projects", json={"name": "bench", "labels": list(labels)}, headers=auth
    )
    if project.status_code == 201:
        token_body["project_id"] = project.json()["data"]["id"]
    grant = requests.post(f"{bench.base}/api/provisioning-tokens", json=token_body, headers=auth)
    grant.raise_for_status()
    keys = []
    for i in range(devices):
        resp = requests.post(
            f"{bench.base}/api/devices/provision",
            json={
                "token": grant.json()["data"]["token"],
                "serial_number": f"BENCH-{i:04d}",
                "name": f"cam {i}",
            },
        )
        resp.raise_for_status()
        keys.append(resp.json()["data"]["api_key"])
    return keys


# --- main -----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--devices", type=int, default=32, help="simulated devices (client threads)")
    parser.add_argument(
        "--processes", type=int, default=2, help="client processes the devices are spread over"
    )
    workers, threads = default_web_shape()
    parser.add_argument(
        "--workers", type=int, default=workers, help="gunicorn workers (default: acusight serve's)"
    )
    parser.add_argument(
        "--threads", type=int, default=threads, help="threads per gunicorn worker (default: acusight serve's)"
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each measured phase")
    parser.add_argument("--rounds", type=int, default=2, help="ceiling + ingest pairs, alternating")
    parser.add_argument("--image-kb", type=int, default=100, help="approximate JPEG size")
    parser.add_argument(
        "--batch-size", type=int, default=16, help="images per batch upload (0: no batch phase)"
    )
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres", help="admin URL")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    parser.add_argument(
        "--against",
        type=Path,
        metavar="CHECKOUT",
        help="compare with another checkout (e.g. `git archive <commit>` unpacked): its server runs "
        "beside this one and the two take turns, phase by phase, so the machine's noise falls on both",
    )
    parser.add_argument(
        "--against-shape",
        metavar="WORKERS,THREADS",
        help="gunicorn shape of the --against server (default: the same as this one's); with `--against .` "
        "this compares two shapes of the same code",
    )
    args = parser.parse_args()

    jpegs = make_jpegs(24, args.image_kb * 1024)
    use_payload(jpegs)
    mean_kb = statistics.mean(len(j) for j in jpegs) / 1024
    print(f"payload: {len(jpegs)} distinct 640x480 JPEGs, mean {mean_kb:.0f} KB, each upload made unique")
    print(
        f"server: acusight serve, gunicorn {args.workers} workers x {args.threads} threads, PostgreSQL, "
        "local blob store; "
        f"clients: {args.devices} devices in {args.processes} processes; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f} before start"
    )
    if args.against:
        compare(args)
        return

    with Bench(args.pg, args.workers, args.threads) as bench:
        bench.cli("db", "upgrade")
        bench.start_server()
        keys = seed(bench, args.devices)
        run_phase("warm-up", UPLOAD_PATH, bench.port, keys, 2, args.processes, "warm-up")
        run_phase("warm-up", SINK_PATH, bench.port, keys, 1, args.processes, "warm-up-sink")
        batching = args.batch_size > 0
        if batching:
            run_phase(
                "warm-up", BATCH_PATH, bench.port, keys, 2, args.processes, "warm-up-batch",
                build=batch_request, batch_size=args.batch_size,
            )  # fmt: skip
        before = bench.count("SELECT count(*) FROM images")

        phases = [("ceiling", SINK_PATH), ("ceiling+fsync", SINK_PATH + "?fsync=1"), ("ingest", UPLOAD_PATH)]
        if batching:
            # The sink fed batch bodies: what reading and writing a batch's bytes alone allows, per image.
            phases += [("batch-ceiling", SINK_PATH), ("batch", BATCH_PATH)]
        results: list[PhaseResult] = []
        for r in range(args.rounds):
            for name, path in phases:
                shape: dict[str, Any] = {}
                if name.startswith("batch"):
                    shape = {"build": batch_request, "batch_size": args.batch_size}
                results.append(
                    run_phase(
                        name,
                        path,
                        bench.port,
                        keys,
                        args.seconds,
                        args.processes,
                        f"{name}{r}",
                        bench,
                        **shape,
                    )
                )
        stored = bench.count("SELECT count(*) FROM images") - before
        counted = bench.count("SELECT coalesce(sum(image_count), 0) FROM batches")
        total_images = bench.count("SELECT count(*) FROM images")

    print(
        f"\n{'phase':<15}{'round':>6}{'ok':>8}{'errors':>8}{'seconds':>9}{'images/s':>9}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'srv cpu ms':>12}{'db cpu ms':>11}{'db conns':>10}"
    )
    for i, res in enumerate(results):
        errors = sum(n for code, n in res.statuses.items() if not 200 <= code < 300)
        print(
            f"{res.name:<15}{i // len(phases) + 1:>6}{res.ok:>8}{errors:>8}"
            f"{res.seconds:>9.1f}{res.rate:>9.1f}"
            f"{res.pct(0.5):>9.1f}{res.pct(0.99):>9.1f}"
            f"{res.server_ms:>12.2f}{res.db_ms:>11.2f}{res.db_sessions:>10}"
        )
    print(
        "(ok/errors: requests; images/s: images in 2xx answers per second (a sink request counts one); "
        "srv/db cpu ms: CPU time per image of the gunicorn processes / of the database's backends)"
    )

    def median_of(name: str, metric: Any) -> float:
        return statistics.median(metric(r) for r in results if r.name == name)

    ingest_rate = median_of("ingest", lambda r: r.rate)
    ceiling_rate = median_of("ceiling", lambda r: r.rate)
    durable_rate = median_of("ceiling+fsync", lambda r: r.rate)
    uploaded = sum(r.ok * r.images_per_request for r in results if r.name in ("ingest", "batch"))
    print(
        f"\ningest          {ingest_rate:.0f} uploads/s (median of rounds), "
        f"p50 {median_of('ingest', lambda r: r.pct(0.5)):.1f} ms, "
        f"p99 {median_of('ingest', lambda r: r.pct(0.99)):.1f} ms"
    )
    print(
        f"cpu per request server {median_of('ingest', lambda r: r.server_ms):.2f} ms + database "
        f"{median_of('ingest', lambda r: r.db_ms):.2f} ms for an upload; server "
        f"{median_of('ceiling', lambda r: r.server_ms):.2f} ms for the ceiling"
    )
    print(f"ceiling         {ceiling_rate:.0f} req/s (read the body, write it to a file)")
    print(f"ceiling+fsync   {durable_rate:.0f} req/s (the same, then fsync the file)")
    print(
        f"ratio           {ingest_rate / ceiling_rate:.2f} of the ceiling, "
        f"{ingest_rate / durable_rate:.2f} of ceiling+fsync (single uploads)"
    )
    batch_rate = median_of("batch", lambda r: r.rate) if batching else 0.0
    if batching:
        print(
            f"batch           {batch_rate:.0f} images/s in batches of {args.batch_size} (median of rounds), "
            f"p50 {median_of('batch', lambda r: r.pct(0.5)):.1f} ms, "
            f"p99 {median_of('batch', lambda r: r.pct(0.99)):.1f} ms per request; server "
            f"{median_of('batch', lambda r: r.server_ms):.2f} ms + database "
            f"{median_of('batch', lambda r: r.db_ms):.2f} ms per image"
        )
        batch_ceiling = median_of("batch-ceiling", lambda r: r.rate)
        print(
            f"batch ceiling   {batch_ceiling:.0f} images/s (the sink, fed the same bodies of "
            f"{args.batch_size} images), server {median_of('batch-ceiling', lambda r: r.server_ms):.2f} ms "
            "per image"
        )
        print(
            f"batch ratio     {batch_rate / ingest_rate:.2f}x the single-upload rate, "
            f"{batch_rate / batch_ceiling:.2f} of the batch ceiling"
        )
        print(
            f"targets         batches >= 1000 images/s: {'met' if batch_rate >= 1000 else 'NOT met'}; "
            f">= 2.5x single: {'met' if batch_rate >= 2.5 * ingest_rate else 'NOT met'}; "
            f"single >= 400 uploads/s: {'met' if ingest_rate >= 400 else 'NOT met'}"
        )
    print(
        f"check           {uploaded} images in 2xx answers, {stored} new image rows, "
        f"batch counters sum to {counted} of {total_images} images"
    )
    if args.json:
        print(
            json.dumps(
                {
                    "ingest_per_s": ingest_rate,
                    "ceiling_per_s": ceiling_rate,
                    "ceiling_fsync_per_s": durable_rate,
                    "ratio": ingest_rate / ceiling_rate,
                    "batch_size": args.batch_size,
                    "batch_images_per_s": batch_rate,
                    "batch_to_single": batch_rate / ingest_rate if batching else None,
                    "batch_ceiling_per_s": median_of("batch-ceiling", lambda r: r.rate) if batching else None,
                    "phases": [
                        {
                            "name": r.name,
                            "ok": r.ok,
                            "rate": r.rate,
                            "p50_ms": r.pct(0.5),
                            "p99_ms": r.pct(0.99),
                            "server_cpu_ms": r.server_ms,
                            "db_cpu_ms": r.db_ms,
                        }
                        for r in results
                    ],
                }
            )
        )


def compare(args: argparse.Namespace) -> None:
    """This checkout and ``args.against`` served at once, taking turns: ingest then ceiling on one,
    then on the other, the order flipped every round; medians per checkout."""
    checkouts = {"this": Path.cwd(), "against": args.against.resolve()}
    shapes = {"this": (args.workers, args.threads), "against": (args.workers, args.threads)}
    if args.against_shape:
        workers, threads = (int(n) for n in args.against_shape.split(","))
        shapes["against"] = (workers, threads)
    results: dict[str, list[tuple[PhaseResult, PhaseResult]]] = {name: [] for name in checkouts}
    with contextlib.ExitStack() as stack:
        benches: dict[str, tuple[Bench, list[str]]] = {}
        for name, root in checkouts.items():
            bench = stack.enter_context(Bench(args.pg, *shapes[name], root=root))
            bench.cli("db", "upgrade")
            bench.start_server()
            keys = seed(bench, args.devices)
            run_phase("warm-up", UPLOAD_PATH, bench.port, keys, 2, args.processes, f"warm-up-{name}")
            run_phase("warm-up", SINK_PATH, bench.port, keys, 1, args.processes, f"warm-up-sink-{name}")
            benches[name] = (bench, keys)
        print(
            f"\n{'checkout':<10}{'round':>6}{'uploads/s':>11}{'srv cpu ms':>12}{'db cpu ms':>11}"
            f"{'ceiling/s':>11}"
        )
        for r in range(args.rounds):
            for name in list(checkouts) if r % 2 == 0 else list(checkouts)[::-1]:
                bench, keys = benches[name]
                pair = tuple(
                    run_phase(
                        phase, path, bench.port, keys, args.seconds, args.processes, f"{phase}{r}", bench
                    )
                    for phase, path in (("ingest", UPLOAD_PATH), ("ceiling", SINK_PATH))
                )
                results[name].append(pair)  # type: ignore[arg-type]
                upload, ceiling = pair
                print(
                    f"{name:<10}{r + 1:>6}{upload.rate:>11.1f}{upload.server_ms:>12.2f}"
                    f"{upload.db_ms:>11.2f}{ceiling.rate:>11.1f}"
                )
    print()
    for name, root in checkouts.items():
        pairs = results[name]
        median = statistics.median
        print(
            f"{name:<10}{median(u.rate for u, _ in pairs):.0f} uploads/s, server "
            f"{median(u.server_ms for u, _ in pairs):.2f} ms + database "
            f"{median(u.db_ms for u, _ in pairs):.2f} ms per upload; "
            f"ceiling {median(c.rate for _, c in pairs):.0f} req/s; ratio "
            f"{median(u.rate / c.rate for u, c in pairs):.2f}  ({root}, "
            f"{shapes[name][0]} x {shapes[name][1]})"
        )


if __name__ == "__main__":
    main()
