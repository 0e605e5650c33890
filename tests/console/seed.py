"""A platform to look at: the API and console on a real port, seeded through the API as its users,
devices and flows would (the flows' side played by a service account, no Prefect, no training).

Shared by the browser tests (tests/console/) and scripts/screenshots.py.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
import json
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import requests
from flask import Flask
from PIL import Image as PILImage
from sqlalchemy import select, update
from werkzeug.serving import WSGIRequestHandler, make_server

from acusight.stack import free_port
from pipelines import field_stats
from webapp import create_app, orchestration
from webapp.auth import issue_access_token, issue_tokens
from webapp.extensions import db
from webapp.migrate import upgrade
from webapp.models import Device, DeviceCheckin, User
from webapp.services import cohorts, login_links, service_accounts, users
from webapp.unit_of_work import unit_of_work

ORG = "Acme Vision"
DIGITS = [str(d) for d in range(10)]
PREFECT_UI = "http://127.0.0.1:4200"


@dataclass
class Platform:
    """The running platform and what was seeded in it (ids, users, keys)."""

    url: str
    app: Flask
    service: dict[str, str] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)  # role -> email
    ids: dict[str, Any] = field(default_factory=dict)
    device_keys: dict[int, dict[str, str]] = field(default_factory=dict)  # device id -> its key header

    def login_link(self, role: str) -> str:
        """A one-time sign-in link for the seeded user of ``role``, as `acusight users login-link` makes."""
        with self.app.app_context(), unit_of_work(db.session):
            user = db.session.scalar(select(User).where(User.email == self.users[role]))
            secret = login_links.issue(db.session, user)
        return login_links.link_url(self.url, secret)

    def tokens(self, role: str) -> dict[str, Any]:
        """A token pair for the seeded user of ``role``, as a sign-in answers it."""
        with self.app.app_context(), self.app.test_request_context():
            user = db.session.scalar(select(User).where(User.email == self.users[role]))
            return issue_tokens(user)

    def headers(self, role: str = "admin") -> dict[str, str]:
        with self.app.app_context():
            user = db.session.scalar(select(User).where(User.email == self.users[role]))
            return {"Authorization": f"Bearer {issue_access_token(user)}"}

    def call(self, method: str, path: str, headers: dict[str, str], **kwargs: Any) -> Any:
        resp = requests.request(method, f"{self.url}/api{path}", headers=headers, timeout=30, **kwargs)
        assert resp.ok, f"{method} {path}: {resp.status_code} {resp.text[:500]}"
        return resp.json()["data"] if resp.content else None


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass  # one line per request would drown a test's output


@contextmanager
def serve(root: Path) -> Iterator[Platform]:
    """The app on a fresh SQLite database under ``root``, served on a free port in a thread; flow starts
    are recorded instead of reaching Prefect."""
    url_db = f"sqlite:///{root / 'console.db'}"
    upgrade(url_db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(
        {
            "data_dir": root / "var",
            "database_url": url_db,
            "public_url": base,
            "prefect_ui_url": PREFECT_UI,
            "org_max_jobs": 0,
        }
    )
    runs = iter(range(1, 1_000_000))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(orchestration, "start", lambda kind, parameters: f"0000{next(runs):04d}-run-{kind}")
        mp.setattr(orchestration, "cancel", lambda run_id: None)
        server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Platform(url=base, app=app)
        finally:
            server.shutdown()
            thread.join(10)


# --- images ------------------------------------------------------------------------------------------


def png(pixels: np.ndarray) -> bytes:
    buf = io.BytesIO()
    PILImage.fromarray(pixels).save(buf, "PNG")
    return buf.getvalue()


@functools.cache
def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1797 handwritten digits (8x8, 0-1) and their classes, read from the file the
    package ships (importing scikit-learn would cost seconds)."""
    spec = importlib.util.find_spec("sklearn")
    assert spec is not None and spec.origin is not None, "scikit-learn is not installed"
    data = np.loadtxt(Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz", delimiter=",")
    return (data[:, :-1] / 16.0).reshape(-1, 8, 8), data[:, -1].astype(int)


def digit_images(n: int) -> list[tuple[bytes, str]]:
    """Real handwritten digits as 32 px RGB PNGs (dark ink on white), with their labels."""
    images, targets = digits()
    out = []
    for i in range(n):
        gray = (255 - images[i] * 255).astype(np.uint8)
        big = np.kron(gray, np.ones((4, 4), np.uint8))
        out.append((png(np.stack([big] * 3, -1)), str(targets[i])))
    return out


def scene_images(n: int, width: int = 320, height: int = 240) -> list[tuple[bytes, list[dict[str, Any]]]]:
    """Frames of 3-5 digits scattered over smooth colour backgrounds with grain, each with the tight box
    of its ink (fractions of the frame): what the demo's line cameras send."""
    images, targets = digits()
    rng = np.random.default_rng(7)
    out = []
    for _ in range(n):
        coarse = rng.uniform(0, 115, (3, 4, 3)).astype(np.uint8)
        frame = np.asarray(PILImage.fromarray(coarse).resize((width, height), PILImage.BILINEAR), np.float32)
        frame += rng.normal(0, 12, (height, width, 1))
        taken = np.zeros((height, width), bool)
        boxes = []
        for _ in range(int(rng.integers(3, 6))):
            k = int(rng.integers(0, len(images)))
            side = int(rng.integers(48, 97))
            glyph = PILImage.fromarray((images[k] * 255).astype(np.uint8)).resize(
                (side, side), PILImage.BILINEAR
            )
            alpha = np.asarray(glyph, np.float32)[..., None] / 255
            ink = np.argwhere(alpha[..., 0] > 0.25)
            (r0, c0), (r1, c1) = ink.min(0), ink.max(0) + 1
            y, x = int(rng.integers(0, height - side)), int(rng.integers(0, width - side))
            if taken[y + r0 : y + r1, x + c0 : x + c1].any():
                continue
            taken[y + r0 : y + r1, x + c0 : x + c1] = True
            colour = rng.uniform(140, 255, 3)
            region = frame[y : y + side, x : x + side]
            region[:] = region * (1 - alpha) + colour * alpha
            boxes.append(
                {
                    "label": str(targets[k]),
                    "x": (x + c0) / width,
                    "y": (y + r0) / height,
                    "width": (c1 - c0) / width,
                    "height": (r1 - r0) / height,
                }
            )
        out.append((png(frame.clip(0, 255).astype(np.uint8)), boxes))
    return out


# --- the seed ------------------------------------------------------------------------------------------


def history(epochs: int, upto: int | None = None, detection: bool = False) -> list[dict[str, Any]]:
    """Plausible per-epoch figures, as pipelines/train.py prints them."""
    rows = []
    for e in range(1, (upto or epochs) + 1):
        row: dict[str, Any] = {
            "epoch": e,
            "epochs": epochs,
            "train_loss": 2.2 * math.exp(-0.35 * e) + 0.06 + 0.01 * math.sin(e),
            "val_loss": 2.0 * math.exp(-0.3 * e) + 0.12 + 0.015 * math.cos(e),
            "lr": 0.01 * 0.5 * (1 + math.cos(math.pi * e / epochs)),
            "images_per_second": 1800 + 40 * math.sin(e),
        }
        if detection:
            row["train_cls_loss"] = row["train_loss"] * 0.4
            row["train_box_loss"] = row["train_loss"] * 0.6
        else:
            row["train_accuracy"] = 1 - 0.9 * math.exp(-0.45 * e)
            row["val_accuracy"] = 1 - 0.9 * math.exp(-0.4 * e) - 0.02
        rows.append(row)
    return rows


def classifier_metrics(epochs: int) -> dict[str, Any]:
    last = history(epochs)[-1]
    rng = np.random.default_rng(3)
    matrix = np.diag(rng.integers(16, 20, 10))
    for _ in range(14):
        i, j = rng.integers(0, 10, 2)
        if i != j:
            matrix[i, j] += 1
    support = matrix.sum(1)
    predicted = matrix.sum(0)
    per_class = {
        d: {
            "precision": float(matrix[i, i] / predicted[i]),
            "recall": float(matrix[i, i] / support[i]),
            "support": int(support[i]),
        }
        for i, d in enumerate(DIGITS)
    }
    accuracy = float(np.trace(matrix) / matrix.sum())
    return {
        **{k: last[k] for k in ("train_loss", "train_accuracy", "val_loss", "val_accuracy")},
        "epochs": epochs,
        "images_per_second": 1812.5,
        "train_seconds": 41.2,
        "device": "cpu",
        "num_train_images": 1257,
        "num_val_images": 180,
        "test": {
            "accuracy": accuracy,
            "macro_precision": float(np.mean([v["precision"] for v in per_class.values()])),
            "macro_recall": float(np.mean([v["recall"] for v in per_class.values()])),
            "num_images": int(matrix.sum()),
            "per_class": per_class,
            "labels": DIGITS,
            "confusion_matrix": {"labels": DIGITS, "matrix": matrix.tolist()},
        },
    }


def detector_metrics() -> dict[str, Any]:
    recall = np.linspace(0, 1, 101)
    precision = np.clip(1 - recall**4 * 0.9 - 0.02, 0, 1)
    return {
        "train_loss": 0.41,
        "val_loss": 0.52,
        "epochs": 20,
        "val_map": 0.58,
        "val_map50": 0.86,
        "device": "cpu",
        "test": {
            "split": "test",
            "num_images": 60,
            "num_objects": 241,
            "num_detections": 236,
            "map": 0.61,
            "map50": 0.88,
            "map75": 0.69,
            "per_class": {
                d: {"ap": 0.5 + 0.02 * i, "ap50": 0.8 + 0.01 * i, "support": 24} for i, d in enumerate(DIGITS)
            },
            "pr_curve": {"recall": recall.tolist(), "precision": precision.tolist()},
        },
    }


def seed(p: Platform, images: int = 60) -> Platform:
    """Users, a classification project with devices, labelled digits, a dataset, a finished training
    job with its model and a deployed export reporting from the field; a detection project whose
    frames have boxes. Ids land in ``p.ids``."""
    with p.app.app_context(), unit_of_work(db.session):
        for role, email in (
            ("admin", "ada@acme.test"),
            ("ml_engineer", "eli@acme.test"),
            ("annotator", "ann@acme.test"),
            ("viewer", "vic@acme.test"),
        ):
            users.create(db.session, email, ORG, role, name=email.split("@")[0].title())
            p.users[role] = email
        _, key = service_accounts.create(db.session, "console-seed")
        org_id = db.session.scalar(select(User.organization_id).where(User.email == p.users["admin"]))
    p.service = {"Authorization": f"Bearer {key}", "X-Acusight-Organization": str(org_id)}
    admin = p.headers("admin")
    ids = p.ids

    # --- classification: a project, three cameras, digits, labels --------------------------------------
    project = p.call(
        "POST",
        "/data/projects",
        admin,
        json={
            "name": "Parcel digits",
            "task_type": "classification",
            "labels": DIGITS,
            "description": "Handwritten house numbers on parcels, read at the sorting line.",
        },
    )
    ids["project"] = project["id"]
    token = p.call(
        "POST",
        "/provisioning-tokens",
        admin,
        json={"name": "dock cameras", "max_uses": 5, "project_id": project["id"]},
    )
    keys = {}
    for serial, name in (
        ("CAM-0001", "Dock camera 1"),
        ("CAM-0002", "Dock camera 2"),
        ("CAM-0003", "Line camera 3"),
    ):
        body = {
            "token": token["token"],
            "serial_number": serial,
            "name": name,
            "model": "Pi Cam v3",
            "firmware_version": "1.4.2",
        }
        made = p.call("POST", "/devices/provision", {}, json=body)
        keys[serial] = {"X-Device-Key": made["api_key"]}
        ids.setdefault("devices", []).append(made["device"]["id"])
        p.device_keys[made["device"]["id"]] = keys[serial]
        site = "site:dock" if name.startswith("Dock") else "site:line"
        p.call("PATCH", f"/devices/{made['device']['id']}", admin, json={"tags": [site, "rev:b"]})
    uploaded = []
    serials = list(keys)
    for i, (data, label) in enumerate(digit_images(images)):
        serial = serials[i % 2]
        resp = p.call(
            "POST",
            "/device/images/upload",
            keys[serial],
            files={"file": (f"parcel-{i:03d}.png", data)},
            data={"captured_at": (datetime.now(UTC) - timedelta(minutes=5 * (images - i))).isoformat()},
        )
        uploaded.append((resp, label))
        if i < images - 8:  # the newest few wait for an annotator
            p.call("POST", "/data/annotations", admin, json={"image_id": resp["id"], "label": label})
    ids["images"] = [r["id"] for r, _ in uploaded]

    # --- a dataset, a finished training job, its model and export ------------------------------------------
    dataset = p.call("POST", "/data/datasets", admin, json={"project_id": project["id"], "name": "digits"})
    labelled = [label for _, label in uploaded[: images - 8]]
    split_of = ["train"] * 8 + ["val", "test"]
    classes: dict[str, dict[str, int]] = {"train": {}, "val": {}, "test": {}}
    for i, label in enumerate(labelled):
        s = split_of[i % 10]
        classes[s][label] = classes[s].get(label, 0) + 1
    splits = {s: sum(c.values()) for s, c in classes.items()}
    p.call("PATCH", f"/data/datasets/{dataset['id']}", p.service, json={"status": "running"})
    p.call(
        "PATCH",
        f"/data/datasets/{dataset['id']}",
        p.service,
        json={
            "status": "ready",
            "progress": 1.0,
            "git_tag": f"dataset-{dataset['id']}-v1",
            "bytes_stored": 48_213,
            "counts": {"splits": splits, "classes": classes, "images": len(labelled), "shards": 1},
        },
    )
    ids["dataset"] = dataset["id"]
    job = p.call(
        "POST",
        "/ml/training-jobs",
        admin,
        json={
            "dataset_id": dataset["id"],
            "params": {"epochs": 12, "lr": 0.01, "batch_size": 64},
            "device": "cpu",
        },
    )
    ids["job"] = job["id"]
    path = f"/ml/training-jobs/{job['id']}"
    rows = history(12)
    for upto in (1, 6, 12):
        p.call(
            "PATCH",
            path,
            p.service,
            json={"status": "running", "progress": {**rows[upto - 1], "history": rows[:upto]}},
        )
    metrics = classifier_metrics(12)
    model = p.call(
        "POST",
        f"{path}/model",
        p.service,
        files={"file": ("model.pt", b"weights")},
        data={
            "metrics": json.dumps(metrics),
            "preprocessing": json.dumps({"task": "classification", "image_size": 32}),
        },
    )
    p.call("PATCH", path, p.service, json={"status": "succeeded", "metrics": metrics})
    ids["model"] = model["id"]
    export = run_export(p, admin, model["id"])
    ids["export"] = export["id"]
    p.call("PATCH", f"/data/projects/{project['id']}", admin, json={"deployed_export_id": export["id"]})

    # --- the cameras at work: check-ins over the last hours, field predictions ---------------------------
    checkins(p, keys, export["id"])
    report_field(p, keys, export["id"], [r for r, _ in uploaded])
    p.call(
        "POST",
        "/ml/drift-events",
        p.service,
        json={
            "export_id": export["id"],
            "window_from": (datetime.now(UTC) - timedelta(hours=6)).isoformat(),
            "window_to": (datetime.now(UTC) - timedelta(hours=5)).isoformat(),
            "predictions": 120,
            "class_psi": 0.31,
            "confidence_psi": 0.12,
            "threshold": 0.25,
            "figures": {},
        },
    )

    # --- detection: frames with boxes --------------------------------------------------------------------
    dock = p.call(
        "POST",
        "/data/projects",
        admin,
        json={"name": "Loading dock", "task_type": "detection", "labels": DIGITS},
    )
    ids["detection_project"] = dock["id"]
    dock_token = p.call(
        "POST", "/provisioning-tokens", admin, json={"name": "dock", "max_uses": 2, "project_id": dock["id"]}
    )
    dock_key = None
    for serial, name in (("CAM-0101", "Dock overhead"), ("CAM-0102", "Dock spare")):
        made = p.call(
            "POST",
            "/devices/provision",
            {},
            json={"token": dock_token["token"], "serial_number": serial, "name": name},
        )
        dock_key = dock_key or {"X-Device-Key": made["api_key"]}
    frames = []
    for i, (data, boxes) in enumerate(scene_images(6)):
        image = p.call("POST", "/device/images/upload", dock_key, files={"file": (f"dock-{i}.png", data)})
        p.call("POST", "/data/annotations", admin, json={"image_id": image["id"], "boxes": boxes})
        frames.append((image["id"], len(boxes)))
    ids["boxed_image"], ids["boxes"] = frames[0]
    det_dataset = p.call("POST", "/data/datasets", admin, json={"project_id": dock["id"], "name": "dock"})
    for status in ("running", "ready"):
        p.call("PATCH", f"/data/datasets/{det_dataset['id']}", p.service, json={"status": status})
    det_job = p.call(
        "POST", "/ml/training-jobs", admin, json={"dataset_id": det_dataset["id"], "params": {"epochs": 20}}
    )
    det_path = f"/ml/training-jobs/{det_job['id']}"
    det_rows = history(20, detection=True)
    p.call(
        "PATCH",
        det_path,
        p.service,
        json={"status": "running", "progress": {**det_rows[-1], "history": det_rows}},
    )
    det_metrics = detector_metrics()
    det_model = p.call(
        "POST",
        f"{det_path}/model",
        p.service,
        files={"file": ("model.pt", b"detector")},
        data={
            "metrics": json.dumps(det_metrics),
            "preprocessing": json.dumps({"task": "detection", "image_size": 64}),
        },
    )
    p.call("PATCH", det_path, p.service, json={"status": "succeeded", "metrics": det_metrics})
    ids["detection_model"] = det_model["id"]
    ids["detection_dataset"] = det_dataset["id"]
    return p


def seed_rollouts(p: Platform) -> Platform:
    """A second export of the classifier in a staged rollout to its project (10 → 50 → 100, promoted by
    hand) whose first stage's devices run it and report; a p95-latency guardrail it passes; the flow's
    decision and a pause and resume by the ML engineer. An export of the detector, whose project has no
    rollout. Ids land in ``p.ids`` (candidate_export, rollout, rollout_devices, dock_export)."""
    admin, ids = p.headers("admin"), p.ids
    candidate = run_export(p, admin, ids["model"])
    ids["candidate_export"] = candidate["id"]
    stages = [{"percent": percent, "min_duration_s": 600, "min_devices": 1} for percent in (10, 50, 100)]
    rollout = p.call(
        "POST",
        "/ml/rollouts",
        admin,
        json={
            "export_id": candidate["id"],
            "stages": stages,
            "promotion": "manual",
            "guardrails": {"max_p95_latency_ms": 1.0},
        },
    )
    ids["rollout"] = rollout["id"]
    # The stage's devices: the server's hash of (rollout, device) under the stage's percent.
    ids["rollout_devices"] = [d for d in ids["devices"] if cohorts.bucket(rollout["id"], d) < 10]
    rng = np.random.default_rng(13)
    now = datetime.now(UTC)
    for device_id in ids["rollout_devices"]:
        key = p.device_keys[device_id]
        p.call("POST", "/device/checkin", key, json={"running_export_id": candidate["id"], "runs_failed": 0})
        predictions = [
            {
                "export_id": candidate["id"],
                "captured_at": now.isoformat(),
                "latency_ms": 1.5 + float(rng.gamma(4, 0.3)),  # slower: over the 1 ms guardrail
                "label": DIGITS[int(rng.integers(0, 10))],
                "score": float(rng.beta(7, 1.5)),
            }
            for _ in range(40)
        ]
        p.call(
            "POST",
            "/device/inferences",
            key,
            json={"batch_id": f"rollout-{device_id}", "predictions": predictions},
        )
    detail = p.call("GET", f"/ml/rollouts/{rollout['id']}", admin)
    p.call(
        "POST",
        f"/ml/rollouts/{rollout['id']}/decisions",
        p.service,
        json={
            "stage": 0,
            "action": "hold",
            "reason": "stage 1 runs 600 s at least",
            "figures": {k: v for k, v in detail["figures"].items() if k != "at"},
        },
    )
    engineer, path = p.headers("ml_engineer"), f"/ml/rollouts/{rollout['id']}"
    p.call("POST", f"{path}/pause", engineer, json={"reason": "checking the dock lights"})
    p.call("POST", f"{path}/resume", engineer)
    ids["dock_export"] = run_export(p, admin, ids["detection_model"])["id"]
    return p


def run_export(p: Platform, admin: dict[str, str], model_id: int) -> dict[str, Any]:
    """An export job run to success as the export flow does: artifact, parity, latency, reference."""
    job = p.call("POST", "/ml/export-jobs", admin, json={"model_id": model_id})
    path = f"/ml/export-jobs/{job['id']}"
    p.call("PATCH", path, p.service, json={"status": "running"})
    artifact = b"onnx bytes of the seeded classifier"
    p.call(
        "POST",
        f"{path}/artifact",
        p.service,
        files={"file": ("model.onnx", artifact)},
        data={"sha256": hashlib.sha256(artifact).hexdigest()},
    )
    rng = np.random.default_rng(5)
    frames = [[(DIGITS[int(rng.integers(0, 10))], float(rng.beta(8, 1.5)))] for _ in range(180)]
    reference = field_stats.reference(frames, split="test") | {"latency_ms": {"p50": 0.8}}
    return p.call(
        "PATCH",
        path,
        p.service,
        json={
            "status": "succeeded",
            "parity": {
                "max_abs_diff": 2.1e-6,
                "max_rel_diff": 3e-5,
                "argmax_agreement": 1.0,
                "num_images": 180,
            },
            "accuracy": {"torch": 0.962, "onnx": 0.962, "drop": 0.0},
            "latency_ms": {"cpu": {"b1": 0.81, "b32": 6.4}},
            "reference": reference,
        },
    )


def checkins(p: Platform, keys: dict[str, dict[str, str]], export_id: int) -> None:
    """A dozen check-ins per camera, then moved back in time to one every half hour; the third camera
    stopped three hours ago (offline) and still runs nothing."""
    now = datetime.now(UTC)
    for n, key in enumerate(keys.values()):
        for i in range(12):
            p.call(
                "POST",
                "/device/checkin",
                key,
                json={
                    "battery_pct": max(5.0, 96 - 3.5 * i - 6 * n),
                    "temperature_c": 38 + 4 * math.sin(i / 2 + n),
                    "disk_free_mb": 5200 - 35 * i,
                    "uptime_s": 3600 * (i + 1),
                    "firmware_version": "1.4.2",
                    "ip_address": f"10.0.3.{11 + n}",
                    "running_export_id": export_id if n < 2 else None,
                    "metrics": {"fps": 14.5 + n, "queue": i % 3},
                },
            )
    with p.app.app_context(), unit_of_work(db.session):
        for n, serial in enumerate(keys):
            device = db.session.scalar(select(Device).where(Device.serial_number == serial))
            offset = timedelta(hours=3) if n == 2 else timedelta(0)
            rows = db.session.scalars(
                select(DeviceCheckin).where(DeviceCheckin.device_id == device.id).order_by(DeviceCheckin.id)
            ).all()
            for i, row in enumerate(rows):
                row.created_at = now - offset - timedelta(minutes=30 * (len(rows) - 1 - i))
            db.session.execute(
                update(Device).where(Device.id == device.id).values(last_seen_at=rows[-1].created_at)
            )


def report_field(
    p: Platform, keys: dict[str, dict[str, str]], export_id: int, images: list[dict[str, Any]]
) -> None:
    """Predictions of the deployed export over the last 20 hours, some on uploaded images."""
    rng = np.random.default_rng(11)
    now = datetime.now(UTC)
    for n, key in enumerate(list(keys.values())[:2]):
        predictions = []
        for i in range(120):
            at = now - timedelta(minutes=10 * i + n)
            score = float(rng.beta(7 if i > 40 else 3, 1.5))
            item: dict[str, Any] = {
                "export_id": export_id,
                "captured_at": at.isoformat(),
                "latency_ms": float(rng.gamma(4, 0.3)),
                "label": DIGITS[int(rng.integers(0, 10))],
                "score": score,
            }
            if i < 4 and n == 0:
                item["image_sha256"] = images[i]["sha256"]
            predictions.append(item)
        p.call("POST", "/device/inferences", key, json={"batch_id": f"seed-{n}", "predictions": predictions})
