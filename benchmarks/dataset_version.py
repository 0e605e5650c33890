"""Dataset versioning: time to `ready` for 100,000 small JPEGs, then for an incremental +1,000.

``--task detection``: 20,000 real-content 640x480 camera frames instead (sklearn's two sample photos,
randomly cropped, flipped and tinted, with 1-5 sklearn digits pasted on each, one box per digit),
versioned letterboxed to --image-size (default 128) with the boxes mapped into the stored frames.
The frames are generated once into --cache (default: a directory under the system temp dir) and
reused by later runs.

The whole embedded platform runs (a Prefect server, the API under gunicorn, a worker) on a fresh data
dir. Images are seeded straight into the database and blob store (seeding is not what is measured),
each with an annotation; then `POST /api/data/datasets` is timed until the version is `ready`.
The baseline is what packing beats: the same JPEGs as one file each, `dvc add` + `dvc push` to a
local remote.

Run from the repository root:  .venv/bin/python -m benchmarks.dataset_version [--images 100000]
                               .venv/bin/python -m benchmarks.dataset_version --task detection
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
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


@functools.cache
def _sources() -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """sklearn's two sample photos (427x640) and its 1,797 8x8 digits with their classes (no download)."""
    from sklearn.datasets import load_digits, load_sample_images

    digits = load_digits()
    photos = [np.asarray(photo, dtype=np.uint8) for photo in load_sample_images().images]
    return photos, digits.images, digits.target


def make_frame(i: int) -> tuple[bytes, list[dict[str, Any]]]:
    """A 640x480 JPEG camera frame of real content with 1-5 digits on it, and their boxes (API format)."""
    rng = np.random.default_rng(1_000_003 + i)
    photos, digit_images, digit_classes = _sources()
    photo = photos[i % len(photos)]
    scaled = np.asarray(PILImage.fromarray(photo).resize((720, 480), PILImage.Resampling.BILINEAR))
    left = int(rng.integers(0, 720 - 640 + 1))
    frame = scaled[:, left : left + 640].astype(np.float32) * rng.uniform(0.7, 1.2, 3)
    if rng.random() < 0.5:
        frame = frame[:, ::-1]
    canvas = PILImage.fromarray(np.clip(frame, 0, 255).astype(np.uint8))
    boxes = []
    for _ in range(int(rng.integers(1, 6))):
        k = int(rng.integers(len(digit_images)))
        side = int(rng.integers(24, 97))
        glyph = PILImage.fromarray((digit_images[k] * (255 / 16)).astype(np.uint8)).resize(
            (side, side), PILImage.Resampling.BILINEAR
        )
        x, y = int(rng.integers(0, 640 - side)), int(rng.integers(0, 480 - side))
        ink = tuple(int(c) for c in rng.integers(0, 256, 3))
        canvas.paste(PILImage.new("RGB", (side, side), ink), (x, y), glyph)
        boxes.append(
            {
                "label": str(digit_classes[k]),
                "x": x / 640,
                "y": y / 480,
                "width": side / 640,
                "height": side / 480,
            }
        )
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=85)
    return out.getvalue(), boxes


def _frames_chunk(start: int, stop: int, cache: str) -> None:
    for i in range(start, stop):
        path = Path(cache) / f"{i:07d}.jpg"
        if not path.exists():
            data, boxes = make_frame(i)
            path.with_suffix(".json").write_text(json.dumps(boxes))
            path.write_bytes(data)


def detection_frames(cache: Path, start: int, count: int) -> Iterator[tuple[bytes, list[dict[str, Any]]]]:
    """Frames ``start``..``start + count``: generated into ``cache`` once (on every core), then read back."""
    cache.mkdir(parents=True, exist_ok=True)
    step = 500
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        for done in pool.map(
            _frames_chunk,
            range(start, start + count, step),
            [min(s + step, start + count) for s in range(start, start + count, step)],
            [str(cache)] * len(range(start, start + count, step)),
        ):
            assert done is None
    for i in range(start, start + count):
        path = cache / f"{i:07d}.jpg"
        yield path.read_bytes(), json.loads(path.with_suffix(".json").read_text())


def seed(
    app: Any,
    blobs_dir: Path,
    org_id: int,
    project_id: int,
    batch_id: int,
    start: int,
    count: int,
    frames: Iterator[tuple[bytes, list[dict[str, Any]]]] | None = None,
) -> list[bytes]:
    """Write ``count`` JPEG blobs and their image + annotation rows; return the JPEGs (for the baseline).

    ``frames``: (JPEG, boxes) of a detection project; by default small classification JPEGs.
    """
    rng = np.random.default_rng(start)
    jpegs, image_rows, all_boxes = [], [], []
    now = utcnow()
    for i in range(start, start + count):
        if frames is None:
            data, boxes = make_jpeg(i, rng), None
        else:
            data, boxes = next(frames)
        all_boxes.append(boxes)
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
                "width": 64 if boxes is None else 640,
                "height": 64 if boxes is None else 480,
                "format": "JPEG",
                "status": "new",
                "tags": [],
                "label": LABELS[i % 10] if boxes is None else None,
                "labeled": True,
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
                "boxes": boxes,
                "source": "manual",
                "created_at": now,
            }
            for (image_id, label), boxes in zip(ids, all_boxes, strict=True)
        ]
        for chunk in range(0, len(ann_rows), 5000):
            session.execute(insert(Annotation), ann_rows[chunk : chunk + 5000])
        session.commit()
    return jpegs


def version(
    api: str, headers: dict[str, str], project_id: int, image_size: int | None = None
) -> tuple[float, dict[str, Any]]:
    t0 = time.perf_counter()
    body: dict[str, Any] = {"project_id": project_id}
    if image_size is not None:
        body["image_size"] = image_size
    resp = requests.post(f"{api}/data/datasets", json=body, headers=headers, timeout=600)
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
    parser.add_argument("--task", choices=("classification", "detection"), default="classification")
    parser.add_argument("--images", type=int, help="default 100000 (classification), 20000 (detection)")
    parser.add_argument("--extra", type=int, default=1_000)
    parser.add_argument("--image-size", type=int, default=128, help="detection only")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "acusight-bench-detection-frames",
        help="detection only: where the generated frames are kept between runs",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    args = parser.parse_args()
    detection = args.task == "detection"
    if args.images is None:
        args.images = 20_000 if detection else 100_000
    targets = (60, 10) if detection else (120, 15)

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
        project = Project(organization_id=org_id, name="digits", task_type=args.task, labels=LABELS)
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
        db.session.commit()  # services only flush (one unit of work per request or job)

    t0 = time.perf_counter()
    frames = detection_frames(args.cache, 0, args.images + args.extra) if detection else None
    jpegs = seed(app, data_dir / "blobs", org_id, project_id, batch_id, 0, args.images, frames)
    avg = sum(map(len, jpegs)) / len(jpegs)
    print(f"seeded {args.images} JPEGs (avg {avg:.0f} B) in {time.perf_counter() - t0:.1f} s")

    stack = Stack(settings, port=free_port(), prefect_port=free_port())
    try:
        stack.start(key)
        api = stack.api_url
        size = args.image_size if detection else None
        first, v1 = version(api, headers, project_id, size)
        boxes = (
            f", {v1['counts']['boxes']} boxes, {v1['counts']['boxes_dropped']} dropped" if detection else ""
        )
        print(
            f"version 1: {v1['image_count']} images{boxes} ready in {first:.1f} s "
            f"({v1['bytes_stored'] / 1e6:.0f} MB packed; target <= {targets[0]} s)"
        )
        seed(app, data_dir / "blobs", org_id, project_id, batch_id, args.images, args.extra, frames)
        second, v2 = version(api, headers, project_id, size)
        print(
            f"version 2 (+{args.extra}): {v2['image_count']} images ready in {second:.1f} s "
            f"(target <= {targets[1]} s)"
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
