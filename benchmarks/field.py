"""Field reports and field metrics: simulated devices post inference reports to `acusight serve`
(gunicorn, PostgreSQL), then field-metrics queries are timed over ~10 million stored predictions.

Ingest: each device posts report batches of 500 classifier predictions (pre-built bodies, a distinct
batch_id each) back to back to POST /api/device/inferences. The same run, under the same server, posts
the same bodies to a bare sink that only reads the body and writes it to a file (registered because
ACUSIGHT_BENCHMARK_ENDPOINTS=1 is set for this server only). Phases alternate (sink, reports, sink,
reports, ...) so that noise from other work on the machine falls on both alike. The client processes
run on the same machine and take CPU from the server: their share is printed beside the server's and
the database's (per request, from the machine's CPU counters: other work on the machine counts there too).

Query: the aggregate tables of a second export are filled with SQL (per-minute rows of ``--query-devices``
devices over ``--query-days`` days, the per-hour rows their sums) to represent ``--stored`` predictions,
then GET /api/ml/export-jobs/{id}/field-metrics is timed over HTTP for four common queries.

Everything is made fresh and removed afterwards: a data dir, a PostgreSQL database, the server.

Run from the repository root:  .venv/bin/python -m benchmarks.field [--seconds 12] [--devices 16]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psutil
import psycopg
import requests

from acusight.cli.serve import default_web_shape
from benchmarks.ingest import SINK_PATH, Bench, seed
from benchmarks.load import PhaseResult, run_phase
from pipelines import field_stats as bins
from webapp import create_app
from webapp.extensions import db
from webapp.models import DatasetVersion, ExportJob, ModelVersion, Project, TrainingJob
from webapp.models.field import COUNTED_COLUMNS
from webapp.unit_of_work import unit_of_work

REPORT_PATH = "/api/device/inferences"
LABELS = ("cat", "dog", "bird", "fox")
BATCH = 500
WINDOW_S = 60  # one report: a camera's 500 predictions over a minute (about 8 frames a second)
TARGET_PER_S = 20_000
TARGET_P99_MS = 200.0

# The reports' predictions, as JSON arrays: made before the client processes fork, shared by them.
_PREDICTIONS: list[bytes] = []


# --- the reports ----------------------------------------------------------------------------------


def make_predictions(export_id: int, windows: int, now: datetime, seed_: int = 0) -> list[bytes]:
    """``windows`` distinct arrays of BATCH predictions, each over its own minute, going back from
    ``now`` (so successive reports of a device fill new minute rows, as a camera's do)."""
    rng = random.Random(seed_)
    out = []
    for w in range(windows):
        end = now - timedelta(seconds=30 + w * WINDOW_S)
        predictions = [
            {
                "export_id": export_id,
                "captured_at": (end - timedelta(seconds=WINDOW_S * (BATCH - i) / BATCH)).isoformat(
                    timespec="milliseconds"
                ),
                "latency_ms": round(rng.lognormvariate(2.2, 0.4), 2),
                "label": rng.choice(LABELS),
                "score": round(min(1.0, rng.betavariate(5, 1.5)), 4),
            }
            for i in range(BATCH)
        ]
        out.append(json.dumps(predictions, separators=(",", ":")).encode())
    return out


def report_request(job: dict[str, Any], index: int, key: str, n: int) -> bytes:
    """Device ``index``'s ``n``-th report of a phase: one of the prepared arrays under a new batch_id."""
    batch_id = f"{job['tag']}-{index}-{n}".encode()
    predictions = _PREDICTIONS[(index + n) % len(_PREDICTIONS)]
    body = b'{"batch_id":"' + batch_id + b'","predictions":' + predictions + b"}"
    head = (
        f"POST {job['path']} HTTP/1.1\r\nHost: 127.0.0.1:{job['port']}\r\nX-Device-Key: {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    return head + body


def _busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (every process, ours and others')."""
    t = psutil.cpu_times()
    return float(sum(t) - t.idle - getattr(t, "iowait", 0.0))


def _children_seconds() -> float:
    """CPU seconds of this process's children that have ended (the client processes of past phases)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Phase:
    result: PhaseResult
    client_ms: float  # CPU per request of the client processes
    other_ms: float  # of the rest of the machine: other work running here


def timed_phase(
    name: str, path: str, bench: Bench, keys: list[str], seconds: float, processes: int, tag: str
) -> Phase:
    """A phase, with the CPU time per request of the client processes (reaped when the phase's pool
    closes) and of everything else on the machine outside the server and the database."""
    busy, children = _busy_seconds(), _children_seconds()
    result = run_phase(name, path, bench.port, keys, seconds, processes, tag, bench, build=report_request)
    client = _children_seconds() - children
    other = _busy_seconds() - busy - client - result.server_cpu - result.db_cpu
    return Phase(result, client * 1000 / max(1, result.requests), other * 1000 / max(1, result.requests))


# --- setup ----------------------------------------------------------------------------------------


def make_exports(bench: Bench) -> tuple[int, int]:
    """A ready dataset, a succeeded training job and its model version, and two succeeded exports of
    it, made with the app's models (the flows' part); the first is assigned to the devices' project.
    Returns (the export the devices report on, the export the query part fills)."""
    rng = random.Random(1)
    reference = bins.reference(
        [[(rng.choice(LABELS), min(1.0, rng.betavariate(5, 1.5)))] for _ in range(400)], split="test"
    )
    reference["latency_ms"] = {"p50": 8.0}
    app = create_app({"data_dir": bench.tmp / "var", "database_url": bench.app_db_url})
    with app.app_context():
        with unit_of_work(db.session):
            project = db.session.query(Project).one()
            org, pid = project.organization_id, project.id
            common = {"organization_id": org, "project_id": pid}
            dataset = DatasetVersion(
                **common,
                version=1,
                name="v1",
                status="ready",
                task_type="classification",
                labels=list(LABELS),
            )
            dataset.params = {}
            db.session.add(dataset)
            db.session.flush()
            training = TrainingJob(**common, dataset_id=dataset.id, status="succeeded")
            db.session.add(training)
            db.session.flush()
            model = ModelVersion(
                **common,
                dataset_id=dataset.id,
                training_job_id=training.id,
                version=1,
                name="bench model v1",
                labels=list(LABELS),
                image_size=64,
                artifact_sha256="0" * 64,
                artifact_size=1,
            )
            db.session.add(model)
            db.session.flush()
            exports = [
                ExportJob(
                    **common,
                    model_id=model.id,
                    status="succeeded",
                    opset=17,
                    precision="fp32",
                    max_accuracy_drop=0.01,
                    signature={"task": "classification", "labels": list(LABELS)},
                    reference=reference,
                    artifact_sha256=f"{i}" * 64,
                    artifact_size=1,
                )
                for i in range(2)
            ]
            db.session.add_all(exports)
            db.session.flush()
            project.deployed_export_id = exports[0].id
            ids = (exports[0].id, exports[1].id)
        db.engine.dispose()
    return ids


# --- the query part -------------------------------------------------------------------------------


def fill(bench: Bench, export_id: int, device_ids: list[int], days: int, stored: int) -> float:
    """Per-minute rows of every device over ``days`` up to now (about ``stored`` predictions in all,
    2 labels a minute), then the per-hour rows as their sums, in SQL. Returns the seconds it took."""
    started = time.monotonic()
    minutes = days * 1440
    base = max(1, round(stored / (len(device_ids) * minutes)))
    last = datetime.fromtimestamp(int(time.time()) // 60 * 60, UTC) - timedelta(minutes=1)
    p = {
        "export": export_id,
        "devices": device_ids,
        "first": last - timedelta(minutes=minutes - 1),
        "last": last,
        "base": base,
        "labels": list(LABELS),
    }
    counted = ", ".join(COUNTED_COLUMNS)
    sums = ", ".join(f"sum({c})" for c in COUNTED_COLUMNS)
    with psycopg.connect(bench.app_db_url.replace("+psycopg", "")) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        # n varies by minute and device around ``base`` (mean base); scores and latencies in a few bins.
        conn.execute(
            """
            INSERT INTO field_stats (export_id, period_s, start, device_id, day, predictions, latency_sum,
                                     s12, s16, s18, s19, l05, l06, l07)
            SELECT %(export)s, 60, t.start, d.id, t.start::date, n, n * 8.5,
                   n / 10, n / 4, n / 4, n - n / 10 - 2 * (n / 4), n / 6, n / 3, n - n / 6 - n / 3
            FROM unnest(%(devices)s::int[]) AS d(id)
            CROSS JOIN generate_series(%(first)s::timestamptz, %(last)s::timestamptz, interval '1 minute')
                AS t(start)
            CROSS JOIN LATERAL (
                SELECT greatest(1, %(base)s - 4 + (d.id * 7 + extract(epoch FROM t.start)::int / 60) %% 9)
            ) AS k(n)
            """,
            p,
        )
        conn.execute(
            """
            INSERT INTO field_class_counts (export_id, period_s, start, device_id, label, day, count)
            SELECT s.export_id, 60, s.start, s.device_id, c.label, s.day, c.n
            FROM field_stats AS s
            CROSS JOIN LATERAL (SELECT (s.device_id + extract(epoch FROM s.start)::int / 60) %% 4) AS r(m)
            CROSS JOIN LATERAL (VALUES ((%(labels)s::text[])[1 + r.m], s.predictions - s.predictions / 3),
                                       ((%(labels)s::text[])[1 + (r.m + 1) %% 4], s.predictions / 3))
                AS c(label, n)
            WHERE s.export_id = %(export)s AND s.period_s = 60 AND c.n > 0
            """,
            p,
        )
        conn.execute(
            f"""
            INSERT INTO field_stats (export_id, period_s, start, device_id, day, {counted})
            SELECT export_id, 3600, date_trunc('hour', start), device_id, min(day), {sums}
            FROM field_stats WHERE export_id = %(export)s AND period_s = 60
            GROUP BY export_id, date_trunc('hour', start), device_id
            """,
            p,
        )
        conn.execute(
            """
            INSERT INTO field_class_counts (export_id, period_s, start, device_id, label, day, count)
            SELECT export_id, 3600, date_trunc('hour', start), device_id, label, min(day), sum(count)
            FROM field_class_counts WHERE export_id = %(export)s AND period_s = 60
            GROUP BY export_id, date_trunc('hour', start), device_id, label
            """,
            p,
        )
    # As autovacuum would after a bulk load.
    with psycopg.connect(bench.app_db_url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE field_stats, field_class_counts")
    return time.monotonic() - started


def time_queries(
    bench: Bench, token: str, export_id: int, device_id: int, repeats: int
) -> dict[str, tuple[list[float], dict[str, Any]]]:
    """Each query ``repeats`` times after a warm-up, taking turns; per query its latencies (s) and last
    answer."""
    now = datetime.now(UTC)

    def iso(at: datetime) -> str:
        return at.isoformat(timespec="seconds")

    queries = {
        "24 h by hour": {"from": iso(now - timedelta(hours=24)), "to": iso(now), "bucket": "hour"},
        "7 days by day": {"from": iso(now - timedelta(days=7)), "to": iso(now), "bucket": "day"},
        "1 h by minute": {"from": iso(now - timedelta(hours=1)), "to": iso(now), "bucket": "minute"},
        "a device, 24 h by hour": {
            "from": iso(now - timedelta(hours=24)),
            "to": iso(now),
            "bucket": "hour",
            "device_id": device_id,
        },
    }
    url = f"{bench.base}/api/ml/export-jobs/{export_id}/field-metrics"
    auth = {"Authorization": f"Bearer {token}"}
    out: dict[str, tuple[list[float], dict[str, Any]]] = {name: ([], {}) for name in queries}
    for r in range(repeats + 3):
        for name, params in queries.items():
            t0 = time.perf_counter()
            resp = requests.get(url, params=params, headers=auth, timeout=60)
            elapsed = time.perf_counter() - t0
            resp.raise_for_status()
            if r >= 3:  # the first three rounds warm the caches
                out[name][0].append(elapsed)
                out[name][1].update(resp.json()["data"])
    return out


def stored_predictions(bench: Bench, export_id: int, period_s: int) -> int:
    """The predictions an export's rows of one resolution (60: minutes, 3600: hours) add up to."""
    return bench.count(
        "SELECT coalesce(sum(predictions), 0) FROM field_stats "
        f"WHERE export_id = {int(export_id)} AND period_s = {int(period_s)}"
    )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


# --- main -----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--devices", type=int, default=16, help="simulated devices posting reports")
    parser.add_argument(
        "--processes", type=int, default=2, help="client processes the devices are spread over"
    )
    workers, threads = default_web_shape()
    parser.add_argument("--workers", type=int, default=workers, help="gunicorn workers (default: serve's)")
    parser.add_argument("--threads", type=int, default=threads, help="threads per worker (default: serve's)")
    parser.add_argument("--seconds", type=float, default=12.0, help="length of each measured phase")
    parser.add_argument("--rounds", type=int, default=2, help="sink + reports pairs, alternating")
    parser.add_argument("--query-devices", type=int, default=100, help="devices in the query part's tables")
    parser.add_argument("--query-days", type=int, default=7, help="days of per-minute rows")
    parser.add_argument("--stored", type=int, default=10_000_000, help="predictions the tables represent")
    parser.add_argument("--repeats", type=int, default=50, help="timed requests per query")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-query", action="store_true")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres", help="admin URL")
    args = parser.parse_args()

    print(
        f"server: acusight serve, gunicorn {args.workers} workers x {args.threads} threads, PostgreSQL; "
        f"clients: {args.devices} devices in {args.processes} processes on the same machine; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} before start"
    )
    with Bench(args.pg, args.workers, args.threads) as bench:
        bench.cli("db", "upgrade")
        bench.start_server()
        keys = seed(bench, max(args.devices, 0 if args.skip_query else args.query_devices), LABELS)
        token = bench.cli("users", "token", "bench@example.com").strip().splitlines()[-1]
        ingest_export, query_export = make_exports(bench)
        if not args.skip_ingest:
            ingest(bench, args, keys[: args.devices], ingest_export)
        if not args.skip_query:
            query(bench, args, token, query_export)


def ingest(bench: Bench, args: argparse.Namespace, keys: list[str], export_id: int) -> None:
    global _PREDICTIONS
    _PREDICTIONS = make_predictions(export_id, 120, datetime.now(UTC))
    size = statistics.mean(len(p) for p in _PREDICTIONS) / 1024
    print(
        f"\ningest: reports of {BATCH} classifier predictions ({size:.0f} KB of JSON each), "
        f"{len(_PREDICTIONS)} distinct minutes cycled, a new batch_id per report"
    )
    warm = [
        run_phase("warm-up", p, bench.port, keys, 2, args.processes, t, build=report_request)
        for p, t in ((REPORT_PATH, "warm"), (SINK_PATH, "warm-sink"))
    ]
    results: list[Phase] = []
    for r in range(args.rounds):
        for name, path in (("sink", SINK_PATH), ("reports", REPORT_PATH)):
            results.append(timed_phase(name, path, bench, keys, args.seconds, args.processes, f"{name}{r}"))
    reports = [ph.result for ph in results if ph.result.name == "reports"]
    answered = sum(res.statuses.get(201, 0) for res in [warm[0], *reports])
    counted = stored_predictions(bench, export_id, 3600)
    batches = bench.count("SELECT count(*) FROM inference_batches")

    print(
        f"\n{'phase':<9}{'round':>6}{'ok':>6}{'errors':>7}{'seconds':>8}{'req/s':>8}{'pred/s':>9}"
        f"{'p50 ms':>8}{'p99 ms':>8}{'server':>8}{'db':>7}{'client':>8}{'other':>7}"
    )
    for i, ph in enumerate(results):
        res = ph.result
        errors = {code: n for code, n in res.statuses.items() if not 200 <= code < 300}
        print(
            f"{res.name:<9}{i // 2 + 1:>6}{res.ok:>6}{sum(errors.values()):>7}{res.seconds:>8.1f}"
            f"{res.rate:>8.1f}{res.rate * BATCH:>9.0f}{res.pct(0.5):>8.1f}{res.pct(0.99):>8.1f}"
            f"{res.server_ms:>8.2f}{res.db_ms:>7.2f}{ph.client_ms:>8.2f}{ph.other_ms:>7.2f}"
            + (f"  statuses {errors}" if errors else "")
        )
    print(
        "(server / db / client / other: CPU ms per request of the gunicorn processes, the database's\n"
        " backends, the client processes (on the same CPUs as the server), and the rest of the machine:\n"
        " other work running here, PostgreSQL's background writers)"
    )

    def median_of(name: str, metric: Any) -> float:
        return statistics.median(metric(ph) for ph in results if ph.result.name == name)

    real = median_of("reports", lambda ph: ph.result.rate * BATCH)
    sink = median_of("sink", lambda ph: ph.result.rate * BATCH)
    verdict = "met" if real >= TARGET_PER_S else "missed"
    print(
        f"\nreports    {real:.0f} predictions/s (median of rounds; target >= {TARGET_PER_S}: {verdict}), "
        f"p50 {median_of('reports', lambda ph: ph.result.pct(0.5)):.1f} ms, "
        f"p99 {median_of('reports', lambda ph: ph.result.pct(0.99)):.1f} ms per report"
    )
    print(f"sink       {sink:.0f} predictions/s (the same bodies: read, write to a file)")
    print(f"ratio      {real / sink:.2f} of the sink")
    for name in ("reports", "sink"):
        print(
            f"cpu        per {name} request: server "
            f"{median_of(name, lambda ph: ph.result.server_ms):.2f} ms, "
            f"database {median_of(name, lambda ph: ph.result.db_ms):.2f} ms, "
            f"client {median_of(name, lambda ph: ph.client_ms):.2f} ms"
        )
    print(
        f"check      {answered} reports answered 201 ({answered * BATCH} predictions), "
        f"{batches} batches recorded, hour rows sum to {counted} predictions"
    )


def query(bench: Bench, args: argparse.Namespace, token: str, export_id: int) -> None:
    with psycopg.connect(bench.app_db_url.replace("+psycopg", "")) as conn:
        rows = conn.execute("SELECT id FROM devices ORDER BY id LIMIT %s", (args.query_devices,)).fetchall()
    device_ids = [int(r[0]) for r in rows]
    took = fill(bench, export_id, device_ids, args.query_days, args.stored)
    stored = stored_predictions(bench, export_id, 3600)
    minute_stored = stored_predictions(bench, export_id, 60)
    stat_rows = bench.count("SELECT count(*) FROM field_stats")
    class_rows = bench.count("SELECT count(*) FROM field_class_counts")
    size = bench.count(
        "SELECT pg_total_relation_size('field_stats') + pg_total_relation_size('field_class_counts')"
    )
    print(
        f"\nquery: {len(device_ids)} devices x {args.query_days} days of minute rows, filled in {took:.0f} s "
        f"(SQL, then VACUUM ANALYZE): {stat_rows} field_stats rows, {class_rows} field_class_counts rows, "
        f"{size / 2**20:.0f} MiB with indexes;\n       the export's hour rows sum to {stored} predictions "
        f"(minute rows: {minute_stored})"
    )
    times = time_queries(bench, token, export_id, device_ids[0], args.repeats)
    print(f"\n{'query':<24}{'n':>5}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'buckets':>9}{'predictions':>13}")
    for name, (latencies, answer) in times.items():
        print(
            f"{name:<24}{len(latencies):>5}{pct(latencies, 0.5):>9.1f}{pct(latencies, 0.99):>9.1f}"
            f"{max(latencies) * 1000:>9.1f}{len(answer['buckets']):>9}{answer['total_predictions']:>13}"
        )
    every = [t for latencies, _ in times.values() for t in latencies]
    p99 = pct(every, 0.99)
    verdict = "met" if p99 <= TARGET_P99_MS else "missed"
    print(
        f"\nall        p50 {pct(every, 0.5):.1f} ms, p99 {p99:.1f} ms over {len(every)} requests "
        f"(target p99 <= {TARGET_P99_MS:.0f} ms: {verdict}); one client, requests in turn, over HTTP"
    )


if __name__ == "__main__":
    main()
