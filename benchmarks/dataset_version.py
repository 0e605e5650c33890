"""Dataset versioning: time to `ready` for 100,000 small JPEGs, then for an incremental +1,000.

The whole embedded platform runs (a Prefect server, the API under gunicorn, a worker) on a fresh data
dir. Images are seeded straight into the database and blob store (seeding is not what is measured),
each with an annotation; then `POST /api/data/datasets` is timed until the version is `ready`.
The baseline is what packing beats: the same JPEGs as one file each, `dvc add` + `dvc push` to a
local remote.

Run from the repository root:  .venv/bin/python -m benchmarks.dataset_version [--images 100000]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import requests
from PIL import Image as PILImage
from sqlalchemy import insert

from acusight.stack import Stack, free_port
from webapp import create_app
from webapp.auth import issue_access_token
from webapp.extensions import db
from webapp.migrate import upgrade
from webapp.models import Annotation, Batch, Device, Image, Project, utcnow
from webapp.services import service_accounts, users
from webapp.settings import get_settings
from webapp.storage import blob_key

LABELS = [str(d) for d in range(10)]


def make_jpeg(i: int, rng: np.random.Generator) -> bytes:
    """A small (~2-3 KB) unique JPEG: a 64x64 gradient with noise."""
    base = np.linspace(0, 255, 64, dtype=np.float32)[None, :, None] * rng.uniform(0.3, 1.0, 3)
    pixels = np.clip(base + rng.normal(0, 25, (64, 64, 3)), 0, 255).astype(np.uint8)
    pixels[0, 0] = [i % 256, (i // 256) % 256, (i // 65536) % 256]  # unique bytes per index
    out = io.BytesIO()
    PILImage.fromarray(pixels).save(out, "JPEG", quality=80)
    return out.getvalue()


def seed(
    app: Any, blobs_dir: Path, org_id: int, project_id: int, batch_id: int, start: int, count: int
) -> list[bytes]:
    """Write ``count`` JPEG blobs and their image + annotation rows; return the JPEGs (for the baseline)."""
    rng = np.random.default_rng(start)
    jpegs, image_rows = [], []
    now = utcnow()
    for i in range(start, start + count):
        data = make_jpeg(i, rng)
        sha = hashlib.sha256(data).hexdigest()
        path = blobs_dir / blob_key(sha)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        jpegs.append(data)
        image_rows.append(
            {
                "organization_id": org_id,
                "project_id": project_id,
                "batch_id": batch_id,
                "sha256": sha,
                "byte_size": len(data),
                "width": 64,
                "height": 64,
                "format": "JPEG",
                "status": "new",
                "tags": [],
                "label": LABELS[i % 10],
                "created_at": now,
                "updated_at": now,
            }
        )
    with app.app_context():
        session = db.session
        for chunk in range(0, len(image_rows), 5000):
            session.execute(insert(Image), image_rows[chunk : chunk + 5000])
        session.commit()
        ids = session.execute(
            Image.__table__.select()
            .with_only_columns(Image.id, Image.label)
            .where(Image.batch_id == batch_id)
            .order_by(Image.id)
            .offset(start)
        ).all()
        ann_rows = [
            {
                "organization_id": org_id,
                "image_id": image_id,
                "project_id": project_id,
                "label": label,
                "source": "manual",
                "created_at": now,
            }
            for image_id, label in ids
        ]
        for chunk in range(0, len(ann_rows), 5000):
            session.execute(insert(Annotation), ann_rows[chunk : chunk + 5000])
        session.commit()
    return jpegs


def version(api: str, headers: dict[str, str], project_id: int) -> tuple[float, dict[str, Any]]:
    t0 = time.perf_counter()
    resp = requests.post(
        f"{api}/data/datasets", json={"project_id": project_id}, headers=headers, timeout=600
    )
    resp.raise_for_status()
    dataset_id = resp.json()["data"]["id"]
    while True:
        data = requests.get(f"{api}/data/datasets/{dataset_id}", headers=headers, timeout=30).json()["data"]
        if data["status"] in ("ready", "failed"):
            break
        time.sleep(0.25)
    elapsed = time.perf_counter() - t0
    if data["status"] != "ready":
        raise SystemExit(f"dataset version failed: {data['error']}")
    return elapsed, data


def baseline(jpegs: list[bytes], root: Path) -> float:
    """Plain DVC: one file per image, `dvc add` + `dvc push` to a local remote."""
    repo = root / "baseline"
    (repo / "images").mkdir(parents=True)
    for i, data in enumerate(jpegs):
        (repo / "images" / f"{i:07d}.jpg").write_bytes(data)
    dvc = [sys.executable, "-m", "dvc"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run([*dvc, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*dvc, "remote", "add", "-d", "r", str(root / "baseline-remote")], cwd=repo, check=True)
    t0 = time.perf_counter()
    subprocess.run([*dvc, "add", "-q", "images"], cwd=repo, check=True)
    subprocess.run([*dvc, "push", "-q"], cwd=repo, check=True)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--images", type=int, default=100_000)
    parser.add_argument("--extra", type=int, default=1_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="acusight-bench-ds-"))
    data_dir = root / "var"
    os.environ["ACUSIGHT_DATA_DIR"] = str(data_dir)
    for name in ("ACUSIGHT_DATABASE_URL", "PREFECT_API_URL", "ACUSIGHT_SERVICE_KEY"):
        os.environ.pop(name, None)
    app = create_app()
    settings = get_settings(app)
    upgrade(settings.database_url)
    with app.app_context():
        user = users.create(db.session, "bench@example.com", "Bench", "admin")
        org_id = user.organization_id
        project = Project(organization_id=org_id, name="digits", task_type="classification", labels=LABELS)
        db.session.add(project)
        db.session.flush()
        device = Device(
            organization_id=org_id,
            project_id=project.id,
            name="cam",
            serial_number="bench",
            key_prefix="bench",
            key_hash="-",
        )
        db.session.add(device)
        db.session.flush()
        batch = Batch(organization_id=org_id, project_id=project.id, device_id=device.id, name="bench")
        db.session.add(batch)
        db.session.commit()
        project_id, batch_id = project.id, batch.id
        headers = {"Authorization": f"Bearer {issue_access_token(user)}"}
        _, key = service_accounts.rotate(db.session, "local-worker")

    t0 = time.perf_counter()
    jpegs = seed(app, data_dir / "blobs", org_id, project_id, batch_id, 0, args.images)
    avg = sum(map(len, jpegs)) / len(jpegs)
    print(f"seeded {args.images} JPEGs (avg {avg:.0f} B) in {time.perf_counter() - t0:.1f} s")

    stack = Stack(settings, port=free_port(), prefect_port=free_port())
    try:
        stack.start(key)
        api = stack.api_url
        first, v1 = version(api, headers, project_id)
        print(
            f"version 1: {v1['image_count']} images ready in {first:.1f} s "
            f"({v1['bytes_stored'] / 1e6:.0f} MB packed; target <= 120 s)"
        )
        seed(app, data_dir / "blobs", org_id, project_id, batch_id, args.images, args.extra)
        second, v2 = version(api, headers, project_id)
        print(
            f"version 2 (+{args.extra}): {v2['image_count']} images ready in {second:.1f} s (target <= 15 s)"
        )
    finally:
        stack.stop()
    base = baseline(jpegs, root)
    print(f"baseline: per-file `dvc add` + `dvc push` of the same {len(jpegs)} JPEGs: {base:.1f} s")
    print(f"ratio packed/baseline (first version): {first / base:.2f}")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    else:
        print(f"kept {root}")


if __name__ == "__main__":
    main()
