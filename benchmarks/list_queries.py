"""List-query latency of the data API on a large organization, on SQLite and PostgreSQL.

Seeds a fresh database per backend with one organization of ``--images`` images (default 100,000;
60% annotated, in 2,000 batches of 20 devices and 5 projects, one of them detection) beside a
smaller second organization, then times each common list request end to end in-process through
the Flask test client (auth, query, count, serialization; no HTTP server) and prints p50/p99,
and the p50 of this process's CPU time per request (a figure other load on the machine barely moves:
all the work with SQLite, the client's share with PostgreSQL). PostgreSQL gets VACUUM ANALYZE after
the bulk load, as autovacuum would; SQLite is left as an embedded install runs it (no ANALYZE).

Run from the repository root:
    .venv/bin/python -m benchmarks.list_queries [--backend sqlite|postgresql|both] [--images 100000]
PostgreSQL: ACUSIGHT_BENCH_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres)
names the server; a database is created for the run and dropped afterwards.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import Engine, make_url

from webapp import create_app
from webapp.auth import issue_access_token
from webapp.extensions import db
from webapp.migrate import upgrade
from webapp.models import (
    Annotation,
    AnnotationLabel,
    Batch,
    Device,
    Image,
    Organization,
    Project,
    User,
)

# "other" is a label of both kinds of project: the org-wide label filter's slowest case.
LABELS = [*(f"class_{i}" for i in range(9)), "other"]
DET_LABELS = ["car", "person", "other"]
PROJECTS = 5  # the last one is a detection project
DEVICES = 20
DAYS = 100
START = datetime(2026, 1, 1, tzinfo=UTC)
CHUNK = 5_000


def seed(engine: Engine, n_images: int, org_id: int, slug: str, rng: random.Random) -> dict[str, Any]:
    """Bulk-load one organization; returns the ids the queries use."""
    id_base = (org_id - 1) * 10_000_000
    with engine.begin() as conn:
        conn.execute(insert(Organization), [{"id": org_id, "name": slug, "slug": slug}])
        conn.execute(
            insert(User),
            [{"id": org_id, "organization_id": org_id, "email": f"admin@{slug}.test", "role": "admin"}],
        )
        projects = [
            {
                "id": id_base + p + 1,
                "organization_id": org_id,
                "name": f"project {p}",
                "task_type": "detection" if p == PROJECTS - 1 else "classification",
                "labels": DET_LABELS if p == PROJECTS - 1 else LABELS,
            }
            for p in range(PROJECTS)
        ]
        conn.execute(insert(Project), projects)
        devices = [
            {
                "id": id_base + d + 1,
                "organization_id": org_id,
                "project_id": projects[d % PROJECTS]["id"],
                "name": f"cam {d}",
                "serial_number": f"SN-{d}",
                "key_prefix": f"{slug}-{d}",
                "key_hash": "0" * 64,
            }
            for d in range(DEVICES)
        ]
        conn.execute(insert(Device), devices)
        per_batch = max(1, n_images // (DEVICES * DAYS))
        batches, images, annotations, labels = [], [], [], []
        image_id, annotation_id, batch_id = id_base, id_base, id_base
        for day in range(DAYS):
            for device in devices:
                if image_id - id_base >= n_images:
                    break
                batch_id += 1
                project = next(p for p in projects if p["id"] == device["project_id"])
                detection = project["task_type"] == "detection"
                created = START + timedelta(days=day, seconds=device["id"] % 1000)
                batch = {
                    "id": batch_id,
                    "organization_id": org_id,
                    "project_id": project["id"],
                    "device_id": device["id"],
                    "name": f"{device['name']} day {day}",
                    "status": rng.choice(["open", "ready", "annotating", "annotated", "archived"]),
                    "image_count": 0,
                    "annotated_count": 0,
                    "created_at": created,
                }
                for k in range(per_batch):
                    if image_id - id_base >= n_images:
                        break
                    image_id += 1
                    at = created + timedelta(seconds=k * 7)
                    row = {
                        "id": image_id,
                        "organization_id": org_id,
                        "project_id": project["id"],
                        "batch_id": batch_id,
                        "device_id": device["id"],
                        "sha256": hashlib.sha256(f"{slug} {image_id}".encode()).hexdigest(),
                        "byte_size": 100_000,
                        "width": 640,
                        "height": 480,
                        "format": "jpeg",
                        "filename": f"frame_{image_id}.jpg",
                        "captured_at": at - timedelta(seconds=rng.randint(0, 3600)),
                        "status": rng.choices(["new", "accepted", "rejected"], [7, 2, 1])[0],
                        "tags": [],
                        "annotation_id": None,
                        "labeled": False,
                        "label": None,
                        "created_at": at,
                        "updated_at": at,
                    }
                    batch["image_count"] += 1
                    if rng.random() < 0.6:
                        annotation_id += 1
                        if detection:
                            boxes = [
                                {
                                    "label": rng.choice(DET_LABELS),
                                    "x": 0.1,
                                    "y": 0.1,
                                    "width": 0.2,
                                    "height": 0.2,
                                }
                                for _ in range(rng.randint(0, 3))
                            ]
                            label, used = None, {b["label"] for b in boxes}
                        else:
                            boxes, label = None, rng.choice(LABELS)
                            used = {label}
                        annotations.append(
                            {
                                "id": annotation_id,
                                "organization_id": org_id,
                                "image_id": image_id,
                                "project_id": project["id"],
                                "label": label,
                                "boxes": boxes,
                                "source": "manual",
                                "annotator_id": org_id,
                                "created_at": at + timedelta(hours=1),
                            }
                        )
                        labels += [
                            {
                                "annotation_id": annotation_id,
                                "label": name,
                                "organization_id": org_id,
                                "project_id": project["id"],
                            }
                            for name in used
                        ]
                        row.update(annotation_id=annotation_id, labeled=True, label=label)
                        batch["annotated_count"] += 1
                    images.append(row)
                batches.append(batch)
        conn.execute(insert(Batch), batches)
        for rows, model in ((images, Image), (annotations, Annotation), (labels, AnnotationLabel)):
            for start in range(0, len(rows), CHUNK):
                conn.execute(insert(model), rows[start : start + CHUNK])
    busiest = max(batches, key=lambda b: b["image_count"])
    return {
        "project": projects[0]["id"],
        "detection": projects[-1]["id"],
        "device": devices[0]["id"],
        "batch": busiest["id"],
        "image": images[len(images) // 2]["id"],
        "images": len(images),
        "annotations": len(annotations),
        "batches": len(batches),
    }


def queries(ids: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, path); a path ending in ``page=last`` is resolved to the query's last page."""
    p, det, dev = ids["project"], ids["detection"], ids["device"]
    week = "captured_after=2026-02-01T00:00:00Z&captured_before=2026-02-08T00:00:00Z"
    images = [
        ("first page", ""),
        ("middle page", "page=middle"),
        ("last page", "page=last"),
        ("last page, 100 per page", "per_page=100&page=last"),
        ("sort=captured", "sort=captured"),
        ("sort=captured, last page", "sort=captured&page=last"),
        ("project_id", f"project_id={p}"),
        ("project_id, last page", f"project_id={p}&page=last"),
        ("batch_id", f"batch_id={ids['batch']}"),
        ("device_id", f"device_id={dev}"),
        ("device_id, last page", f"device_id={dev}&page=last"),
        ("status=rejected", "status=rejected"),
        ("status=rejected, last page", "status=rejected&page=last"),
        ("labeled=false", "labeled=false"),
        ("labeled=true, last page", "labeled=true&page=last"),
        ("label, org-wide (classes)", "label=class_3"),
        ("label, org-wide (classes), last page", "label=class_3&page=last"),
        ("label, org-wide (boxes)", "label=car"),
        ("label, org-wide (boxes), last page", "label=car&page=last"),
        ("label, org-wide (classes and boxes)", "label=other"),
        ("label, org-wide (classes and boxes), last page", "label=other&page=last"),
        ("project_id + label", f"project_id={p}&label=class_3"),
        ("project_id + label, last page", f"project_id={p}&label=class_3&page=last"),
        ("project_id + labeled=false", f"project_id={p}&labeled=false"),
        ("project_id + labeled=false, last page", f"project_id={p}&labeled=false&page=last"),
        ("detection project + box label", f"project_id={det}&label=car"),
        ("detection project + box label, last page", f"project_id={det}&label=car&page=last"),
        ("captured range (1 week)", week),
        ("captured range, last page", f"{week}&page=last"),
        ("captured range + sort=created", f"sort=created&{week}"),
        ("batch_id + status", f"batch_id={ids['batch']}&status=new"),
    ]
    batches = [
        ("first page", ""),
        ("last page", "page=last"),
        ("project_id", f"project_id={p}"),
        ("device_id", f"device_id={dev}"),
        ("status", "status=annotating"),
        ("created range", "created_after=2026-02-01T00:00:00Z&created_before=2026-02-08T00:00:00Z"),
    ]
    annotations = [
        ("image history", f"image_id={ids['image']}"),
        ("first page", ""),
        ("last page", "page=last"),
        ("project_id", f"project_id={p}"),
        ("project_id, last page", f"project_id={p}&page=last"),
    ]
    return [
        *((f"images: {label}", f"/api/data/images?{q}") for label, q in images),
        ("image: by id", f"/api/data/images/{ids['image']}"),
        *((f"batches: {label}", f"/api/data/batches?{q}") for label, q in batches),
        *((f"annotations: {label}", f"/api/data/annotations?{q}") for label, q in annotations),
        ("projects: list with counts", "/api/data/projects"),
    ]


def resolve(client: Any, headers: dict[str, str], path: str) -> str:
    """Turn page=last / page=middle into a number, from the query's own total."""
    for marker in ("page=last", "page=middle"):
        if path.endswith(marker):
            base = path[: -len(marker)].rstrip("&?")
            meta = client.get(base, headers=headers).get_json()["meta"]
            pages = max(1, meta["total_pages"])
            page = pages if marker == "page=last" else max(1, pages // 2)
            return f"{base}{'&' if '?' in base else '?'}page={page}"
    return path


@contextmanager
def backend(name: str, workdir: Path) -> Iterator[str]:
    if name == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    server = make_url(
        os.environ.get("ACUSIGHT_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    )
    database = f"acusight_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield server.set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def run(name: str, n_images: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, backend(name, Path(tmp)) as url:
        upgrade(url)
        engine = create_engine(url)
        rng = random.Random(7)
        t0 = time.perf_counter()
        ids = seed(engine, n_images, 1, "big", rng)
        seed(engine, n_images // 10, 2, "other", rng)
        if name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        engine.dispose()
        print(
            f"\n## {name}: {ids['images']:,} images, {ids['annotations']:,} annotations, "
            f"{ids['batches']:,} batches (+ a second organization of {n_images // 10:,} images); "
            f"seeded in {time.perf_counter() - t0:.0f} s"
        )
        app = create_app({"data_dir": Path(tmp) / "var", "database_url": url})
        client = app.test_client()
        with app.app_context():
            headers = {"Authorization": f"Bearer {issue_access_token(db.session.get(User, 1))}"}
        load = os.getloadavg()[0]
        print(f"load average before: {load:.1f} on {os.cpu_count()} cores")
        # CPU: this process's CPU time per request (p50). With SQLite that is all the work, whatever the
        # load from other programs; with PostgreSQL the server's share is not in it.
        print("\n| query | rows | total | p50 ms | p99 ms | CPU p50 ms |\n|---|---:|---:|---:|---:|---:|")
        for label, query in queries(ids):
            path = resolve(client, headers, query)
            samples, cpu, body = [], [], {}
            for i in range(repeat + 3):
                start, start_cpu = time.perf_counter(), time.process_time()
                resp = client.get(path, headers=headers)
                elapsed = (time.perf_counter() - start) * 1000
                used = (time.process_time() - start_cpu) * 1000
                assert resp.status_code == 200, (path, resp.get_json())
                body = resp.get_json()
                if i >= 3:  # warm-up runs are left out
                    samples.append(elapsed)
                    cpu.append(used)
            rows = len(body["data"]) if isinstance(body["data"], list) else 1
            total = body.get("meta", {}).get("total", "")
            p50 = statistics.median(samples)
            p99 = statistics.quantiles(samples, n=100, method="inclusive")[98]
            cpu50 = statistics.median(cpu)
            print(f"| {label} | {rows} | {total} | {p50:.1f} | {p99:.1f} | {cpu50:.1f} |", flush=True)
        print(f"\nload average after: {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--images", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=100, help="timed runs per query (after 3 warm-ups)")
    args = parser.parse_args()
    for name in ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]:
        run(name, args.images, args.repeat)


if __name__ == "__main__":
    main()
