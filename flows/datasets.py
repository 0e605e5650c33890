"""The dataset flow: freeze → decode once → pack → DVC commit, tag and push → report through the API."""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from acusight_sdk.streams import response_reader
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.client import PlatformClient
from flows.config import FlowSettings
from flows.dvc_repo import Commit, DvcRepo
from flows.prefect_ui import RunName
from flows.tasks import failure_hook, mark_failed, retried_task
from pipelines.dataset import SPLITS, assign_split, reusable_locations, source_sizes, write_dataset_gathered
from pipelines.frames import decode_frame, frame_boxes, resize_spec

DECODE_BATCH = 256
# Hashes per archive request: 10,000 x 67 bytes of JSON stays under the API's 1 MiB body limit.
ARCHIVE_REQUEST = 10_000


def dataset_path(organization_id: int, project_id: int) -> str:
    """Where a project's dataset lives in the DVC repo: one directory, versioned by tags."""
    return f"data/org-{organization_id}/project-{project_id}"


def version_tag(organization_id: int, project_id: int, version: int) -> str:
    return f"dataset/org-{organization_id}/project-{project_id}/v{version}"


# Tasks take paths and small values, or big ones quoted: Prefect walks every task parameter to find
# upstream results in it, which for a list of 100,000 rows cost 12-16 s per call on the 2-core machine.


@retried_task()
def fetch_manifest(api: PlatformClient, dataset_id: int, out: Path) -> int:
    """Save the frozen selection, as the API recorded it, to ``out`` (JSON lines); returns its length."""
    count = 0
    with open(out, "w", encoding="utf-8") as f:
        for line in api.lines(f"/data/datasets/{dataset_id}/manifest"):
            f.write(line + "\n")
            count += 1
    return count


def read_manifest(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _decode_many(
    blobs: list[tuple[str, bytes]], size: int, resize: dict[str, Any]
) -> list[tuple[str, np.ndarray, tuple[int, int]]]:
    return [(sha256, *decode_frame(data, size, resize)) for sha256, data in blobs]


@retried_task()
def download_and_decode(
    api: PlatformClient, dataset_id: int, hashes_file: Path, size: int, resize: dict[str, Any], out: Path
) -> int:
    """Fetch the images listed in ``hashes_file`` (one tar stream) and decode them in parallel.

    ``out`` becomes a uint8 array [n, size, size, 3], each frame resized as ``resize`` says, and
    ``decoded_order(out)`` one line per row, in the order they arrived: its sha256 and the source
    frame's width and height (EXIF orientation applied). Returns n.
    """
    hashes = hashes_file.read_text().split()
    rows: dict[str, int] = {}
    if not hashes:
        return 0
    decoded = np.lib.format.open_memmap(out, mode="w+", dtype=np.uint8, shape=(len(hashes), size, size, 3))
    workers = max(1, min(os.cpu_count() or 1, 8))
    pending: list[Future[list[tuple[str, np.ndarray, tuple[int, int]]]]] = []
    sources: dict[str, tuple[int, int]] = {}

    def drain(limit: int) -> None:
        while len(pending) > limit:
            for sha256, array, source in pending.pop(0).result():
                decoded[len(rows)] = array
                rows[sha256] = len(rows)
                sources[sha256] = source

    with ProcessPoolExecutor(workers) as pool:
        batch: list[tuple[str, bytes]] = []
        # One archive request per ARCHIVE_REQUEST hashes: the API holds JSON bodies to 1 MiB.
        for start in range(0, len(hashes), ARCHIVE_REQUEST):
            body = {"sha256": hashes[start : start + ARCHIVE_REQUEST]}
            with (
                api.stream(
                    "POST", f"/data/datasets/{dataset_id}/archive", json=body, idempotent=True
                ) as resp,
                tarfile.open(fileobj=response_reader(resp), mode="r|") as archive,
            ):
                for member in archive:
                    f = archive.extractfile(member)
                    if f is None:
                        continue
                    batch.append((member.name, f.read()))
                    if len(batch) == DECODE_BATCH:
                        pending.append(pool.submit(_decode_many, batch, size, resize))
                        batch = []
                        drain(2 * workers)  # bounded: memory stays flat whatever the dataset size
        if batch:
            pending.append(pool.submit(_decode_many, batch, size, resize))
        drain(0)
    decoded.flush()
    if len(rows) != len(hashes):
        raise RuntimeError(f"archive held {len(rows)} of {len(hashes)} images")
    decoded_order(out).write_text("".join(f"{sha} {sources[sha][0]} {sources[sha][1]}\n" for sha in rows))
    return len(rows)


def decoded_order(decoded: Path) -> Path:
    return decoded.with_suffix(".txt")


def read_decoded_order(decoded: Path) -> dict[str, tuple[int, tuple[int, int]]]:
    """sha256 → (row in ``decoded``, source (width, height)), from ``decoded_order(decoded)``."""
    found: dict[str, tuple[int, tuple[int, int]]] = {}
    if decoded.exists():
        for row, line in enumerate(decoded_order(decoded).read_text().splitlines()):
            sha, width, height = line.split()
            found[sha] = (row, (int(width), int(height)))
    return found


def stored_boxes(
    manifest: list[dict[str, Any]],
    sources: dict[str, tuple[int, int]],
    size: int,
    resize: dict[str, Any],
) -> tuple[dict[str, dict[str, Any]], int]:
    """Each detection item's manifest target (boxes mapped into the stored frame, source_size), and
    how many boxes were dropped as degenerate there."""
    targets: dict[str, dict[str, Any]] = {}
    dropped = 0
    for item in manifest:
        source = sources[item["sha256"]]
        boxes, lost = frame_boxes(item["boxes"] or [], source, size, resize)
        targets[item["sha256"]] = {"boxes": boxes, "source_size": list(source)}
        dropped += lost
    return targets, dropped


@task(cache_policy=NO_CACHE)
def pack(
    version: dict[str, Any],
    manifest: list[dict[str, Any]],
    known: dict[str, tuple[str, int]],
    target: Path,
    previous: Path,
    decoded_file: Path,
    known_sources: dict[str, tuple[int, int]] | None = None,
) -> dict[str, Any]:
    """Write the version: the last version's shards, hard-linked, plus one shard of new decodes.

    ``manifest``, ``known`` (the last version's reusable images) and ``known_sources`` (their source
    sizes, for detection) are what the flow already read: pass them quoted, or Prefect walks every row.
    Detection boxes are mapped into the stored frames here, for new and reused frames alike (an
    annotation may have changed while its frame did not).
    """
    params = version["params"]
    task_type = version["task_type"]
    size = params["image_size"]
    resize = resize_spec(params.get("resize"), task_type)
    decoded = np.load(decoded_file, mmap_mode="r") if decoded_file.exists() else None
    new_rows = read_decoded_order(decoded_file) if decoded is not None else {}

    def gather(shas: list[str]) -> np.ndarray:
        assert decoded is not None, "every image is either reused or decoded by this run"
        return decoded[[new_rows[sha][0] for sha in shas]]

    splits = {
        item["sha256"]: assign_split(item["sha256"], params["seed"], params["splits"]) for item in manifest
    }
    dropped = 0
    if task_type == "classification":
        targets: dict[str, Any] = {item["sha256"]: item["label"] for item in manifest}
    else:
        sources = {**(known_sources or {}), **{sha: source for sha, (_, source) in new_rows.items()}}
        targets, dropped = stored_boxes(manifest, sources, size, resize)
    meta = write_dataset_gathered(
        target,
        task_type=task_type,
        labels=version["labels"],
        image_size=size,
        records=((item["sha256"], targets[item["sha256"]], splits[item["sha256"]]) for item in manifest),
        gather=gather,
        previous=previous if previous.exists() else None,
        known=known,
        resize=resize,
    )
    per_class: dict[str, dict[str, int]] = {split: {} for split in SPLITS}
    for item in manifest:
        split = splits[item["sha256"]]
        target_ = targets[item["sha256"]]
        names = [target_] if task_type == "classification" else [b["label"] for b in target_["boxes"]]
        for name in names:
            per_class[split][name] = per_class[split].get(name, 0) + 1
    counts: dict[str, Any] = {
        "splits": meta["splits"],
        "classes": per_class,
        "images": len(manifest),
        "shards": len(meta["shards"]),
        "resize": meta["resize"],
    }
    if task_type == "detection":
        counts["boxes"] = sum(sum(per_class[split].values()) for split in SPLITS)
        counts["boxes_dropped"] = dropped
    return counts


@retried_task((5, 15))
def commit_version(repo: DvcRepo, rel_path: str, tag: str, message: str) -> Commit:
    """DVC-add the packed directory, commit and tag it in git, push the data to the remote."""
    return repo.commit_directory(rel_path, tag, message)


# A failed or crashed run marks its record failed, with the error, through the API.
_report_failure = failure_hook(mark_failed("/data/datasets/{dataset_id}"), "the dataset flow failed")


@flow(
    name="build-dataset-version",
    flow_run_name=RunName("dataset", (("dataset", "dataset_id"),)),
    on_failure=[_report_failure],
    on_crashed=[_report_failure],
)
def build_dataset_version(dataset_id: int, organization_id: int) -> dict[str, Any]:
    """Version the selection frozen for ``dataset_id`` with DVC and report the result."""
    log = get_run_logger()
    settings = FlowSettings.from_env()
    api = PlatformClient(settings, organization_id)
    version = api.patch(f"/data/datasets/{dataset_id}", {"status": "running", "progress": 0.0})
    repo = DvcRepo.from_settings(settings)
    rel_path = dataset_path(organization_id, version["project_id"])
    size = version["params"]["image_size"]
    resize = resize_spec(version["params"].get("resize"), version["task_type"])
    with repo.locked():
        repo.ensure()
        current = repo.root / rel_path
        with tempfile.TemporaryDirectory(dir=repo.root, prefix=".build-") as scratch:
            scratch_dir = Path(scratch)
            manifest_file = scratch_dir / "manifest.jsonl"
            total = fetch_manifest(api, dataset_id, manifest_file)
            manifest = read_manifest(manifest_file)
            known = reusable_locations(current, size, resize)
            known_sources = source_sizes(current) if known and version["task_type"] == "detection" else {}
            missing = [item["sha256"] for item in manifest if item["sha256"] not in known]
            log.info(
                "dataset %s: %d images frozen, %d in the last version, %d to decode",
                dataset_id,
                total,
                total - len(missing),
                len(missing),
            )
            missing_file = scratch_dir / "missing.txt"
            missing_file.write_text("".join(f"{sha}\n" for sha in missing))
            decoded_file = scratch_dir / "decoded.npy"
            download_and_decode(api, dataset_id, missing_file, size, resize, decoded_file)
            api.patch(f"/data/datasets/{dataset_id}", {"status": "running", "progress": 0.6})
            packed = scratch_dir / "packed"
            counts = pack(
                version, quote(manifest), quote(known), packed, current, decoded_file, quote(known_sources)
            )
            if current.exists():
                shutil.rmtree(current)
            current.parent.mkdir(parents=True, exist_ok=True)
            packed.rename(current)
        tag = version_tag(organization_id, version["project_id"], version["version"])
        commit = commit_version(repo, rel_path, tag, f"{version['name']} (dataset {dataset_id})")
    result = {
        "status": "ready",
        "progress": 1.0,
        "counts": counts,
        "git_tag": commit.tag,
        "git_rev": commit.rev,
        "dvc_hash": commit.dvc_hash,
        "dvc_path": commit.path,
        "bytes_stored": commit.bytes,
    }
    api.patch(f"/data/datasets/{dataset_id}", result)
    log.info("dataset %s ready: %s (%s)", dataset_id, commit.tag, commit.dvc_hash)
    return result
