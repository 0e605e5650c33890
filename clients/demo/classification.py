"""The demo's classification phase: simulated cameras upload scikit-learn's handwritten digits;
annotators label them through the API, or, when Label Studio is configured, in Label Studio (the
images pushed there as tasks, the labels pulled back by the webhook's pull flow); a dataset version
is cut, a classifier trained and exported to ONNX; the export is assigned to the devices, and one
of them downloads it and runs it on digits it has never seen.
"""

from __future__ import annotations

import io
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from acusight_sdk import Acusight, ApiError
from acusight_sdk.device import DeviceClient, Frame, FrameResult
from PIL import Image as PILImage
from rich.console import Console

from clients.demo.api import POLL_S, DemoError
from clients.demo.base import DemoOptions, Phase, Summary
from clients.demo.label_studio import LabelStudioAnnotators

PROJECT = "Handwritten digits (demo)"
LABELS = [str(d) for d in range(10)]
# Label Studio: simulated annotators working at once; how long labels may not move before the demo
# asks for a pull itself (as when Label Studio's webhooks cannot reach this API).
ANNOTATORS = 4
PULL_STALL_S = 30
# Frames per upload request, as a camera with a backlog sends them (the batch route takes up to 32).
BATCH = 16


def digit_pngs(limit: int | None) -> list[tuple[bytes, str]]:
    """scikit-learn's digits (real 8x8 scans of handwriting) as 32x32 PNGs, with their labels."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    out = []
    for pixels, target in zip(digits.images, digits.target, strict=True):
        gray = (np.asarray(pixels) * (255.0 / 16.0)).clip(0, 255).astype(np.uint8)
        image = PILImage.fromarray(gray).resize((32, 32), PILImage.Resampling.BICUBIC).convert("RGB")
        buf = io.BytesIO()
        image.save(buf, "PNG")
        out.append((buf.getvalue(), str(int(target))))
    return out[:limit] if limit else out


class ClassificationPhase(Phase):
    """Digits, from the cameras' uploads to the device's answers on digits it never uploaded."""

    def __init__(
        self,
        api: Acusight,
        console: Console,
        work_dir: Path,
        options: DemoOptions,
        summary: Summary,
        label_studio: LabelStudioAnnotators | None = None,
    ) -> None:
        super().__init__(api, console, work_dir, options, summary)
        self.label_studio = label_studio
        self.run_id = uuid.uuid4().hex[:6]
        self.urls: dict[str, str] = {}

    def run(self) -> None:
        o = self.options
        data = digit_pngs(o.images)
        rng = np.random.default_rng(0)
        unseen_mask = rng.random(len(data)) < o.unseen_fraction
        seen = [d for d, hide in zip(data, unseen_mask, strict=True) if not hide]
        unseen = [d for d, hide in zip(data, unseen_mask, strict=True) if hide]
        facts = self.summary.facts

        with self.step("project and devices"):
            project = self.project()
            token = self.api.http.request(
                "POST",
                "/provisioning-tokens",
                json={
                    "name": f"demo {self.run_id}",
                    "max_uses": o.devices,
                    "project_id": project["id"],
                    "expires_in_hours": 1,
                },
            )["token"]
            devices = [
                DeviceClient.provision(
                    self.api.base_url, token, f"demo-{self.run_id}-{i}", f"demo camera {i}", model="sim"
                )
                for i in range(o.devices)
            ]
            for i, device in enumerate(devices):
                device.model_dir = self.work_dir / f"device-{i}"
                device.checkin(battery_pct=100 - 7 * i, temperature_c=35.5, firmware_version="demo-1.0")
        facts["devices"] = len(devices)

        with self.step("devices upload images"), self.progress() as bar:
            task = bar.add_task("devices upload digits", total=len(seen))

            # As cameras with a backlog send it: BATCH frames a request (POST /device/images/batch).
            indexed = list(enumerate(seen))
            chunks = [indexed[i : i + BATCH] for i in range(0, len(indexed), BATCH)]

            def upload(
                item: tuple[int, list[tuple[int, tuple[bytes, str]]]],
            ) -> list[tuple[FrameResult, str]]:
                n, chunk = item
                frames = [Frame(png, f"digit-{i}.png") for i, (png, _) in chunk]
                results = devices[n % len(devices)].upload_batch(frames, batch=f"demo {self.run_id}")
                refused = [r.error for r in results if not r.stored]
                if refused:
                    raise DemoError(f"the platform refused {len(refused)} digits, e.g. {refused[0]}")
                return [(r, label) for r, (_, (_, label)) in zip(results, chunk, strict=True)]

            answers: list[tuple[FrameResult, str]] = []
            with ThreadPoolExecutor(max_workers=len(devices)) as pool:
                for done in pool.map(upload, enumerate(chunks)):
                    answers += done
                    bar.advance(task, len(done))
            uploaded = [(result.image or {}, label) for result, label in answers]
        facts["images uploaded"] = len(uploaded)
        facts["duplicates (already stored)"] = sum(1 for result, _ in answers if result.status == "duplicate")

        if self.label_studio is None:
            with self.step("annotators label"), self.progress() as bar:
                task = bar.add_task("annotators label images", total=len(uploaded))
                for image, label in uploaded:
                    self.api.http.request(
                        "POST", "/data/annotations", json={"image_id": image["id"], "label": label}
                    )
                    bar.advance(task)
        else:
            self.label_in_label_studio(project, uploaded, self.label_studio)

        body = {"project_id": project["id"], "image_size": o.image_size, "seed": 0}
        dataset = self.cut_version("dataset version", body)
        facts["dataset version"] = f"v{dataset['version']} {dataset['git_tag']}"
        facts["dataset splits"] = dataset["counts"]["splits"]
        facts["dataset_id"] = dataset["id"]

        job = self.train("training", dataset["id"], {"epochs": o.epochs})
        facts["test accuracy"] = job["metrics"]["test"]["accuracy"]
        facts["training device"] = job["metrics"].get("device")
        facts["model_id"] = job["model_id"]

        export = self.export("ONNX export", {"model_id": job["model_id"], "precision": o.precision})
        facts["export parity"] = export["parity"]
        facts["export latency ms (cpu)"] = (export.get("latency_ms") or {}).get("cpu")
        facts["export_id"] = export["id"]

        with self.step("deploy and run on a device"):
            self.api.http.request(
                "PATCH", f"/data/projects/{project['id']}", json={"deployed_export_id": export["id"]}
            )
            device = devices[0]
            config = device.checkin(battery_pct=90)
            if not config.get("model"):
                raise DemoError("the device's check-in does not show the deployed model")
            device.fetch_model()
            images = [png for png, _ in unseen]
            truth = [label for _, label in unseen]
            predicted = device.predict(images)
            server = self.server_predictions(job["model_id"], images)
        facts["unseen images"] = len(unseen)
        facts["device accuracy on unseen"] = (
            sum(p == t for p, t in zip(predicted, truth, strict=True)) / len(truth) if truth else None
        )
        facts["device agrees with server"] = (
            sum(p == s for p, s in zip(predicted, server, strict=True)) / len(server) if server else None
        )
        facts["project_id"] = project["id"]

    def label_in_label_studio(
        self, project: dict[str, Any], uploaded: list[tuple[dict[str, Any], str]], ls: LabelStudioAnnotators
    ) -> None:
        """Link the project, push the images as tasks, annotate them in Label Studio, and wait for the
        platform to pull every label back (the webhook's pull flow; a pull asked for if it stalls)."""
        facts = self.summary.facts
        labels = {image["id"]: label for image, label in uploaded}
        with self.step("push to Label Studio"), self.progress() as bar:
            link = self.link_label_studio(project, ls)
            self.urls["Label Studio project"] = link["label_studio_project_url"]
            task = bar.add_task("images pushed as Label Studio tasks", total=len(labels))
            since = time.time()
            for batch_id in sorted({image["batch_id"] for image, _ in uploaded}):
                self.push_batch(batch_id)
            deadline = time.monotonic() + 1800
            while True:
                tasks = {i: t for i, t in ls.tasks(link["label_studio_project_id"]).items() if i in labels}
                bar.update(task, completed=len(tasks))
                if len(tasks) == len(labels):
                    break
                self.raise_if_sync_failed(project["id"], since)
                if time.monotonic() > deadline:
                    raise DemoError(f"only {len(tasks)} of {len(labels)} images reached Label Studio")
                time.sleep(4 * POLL_S)  # each look lists the whole Label Studio project
        facts["Label Studio tasks"] = len(tasks)

        todo = [(tasks[image_id][0], label) for image_id, label in labels.items() if not tasks[image_id][1]]
        link = self.api.http.request("GET", f"/data/projects/{project['id']}/label-studio")
        before = link["tasks_annotated"]
        with self.step("annotators label in Label Studio"), self.progress() as bar:
            task = bar.add_task(f"{ANNOTATORS} annotators label in Label Studio", total=len(todo))
            with ThreadPoolExecutor(max_workers=ANNOTATORS) as pool:
                for _ in pool.map(lambda item: ls.annotate(*item), todo):
                    bar.advance(task)
        facts["annotations made in Label Studio"] = len(todo)

        with self.step("labels pulled back"), self.progress() as bar:
            task = bar.add_task("labels pulled back from Label Studio", total=len(todo))
            facts["pulls asked for"] = 0
            moved_at, last = time.monotonic(), -1
            deadline = time.monotonic() + 1800
            while True:
                link = self.api.http.request("GET", f"/data/projects/{project['id']}/label-studio")
                arrived = link["tasks_annotated"] - before
                bar.update(task, completed=min(arrived, len(todo)))
                if arrived >= len(todo) and link["pull_queued"] == 0:
                    through = self.labeled_through_label_studio(project["id"], labels)
                    if through == len(labels):
                        break
                if arrived != last:
                    moved_at, last = time.monotonic(), arrived
                elif time.monotonic() - moved_at > PULL_STALL_S:
                    # Labels stopped arriving: webhooks that can't reach this API, say. Pull now.
                    self.api.http.request("POST", f"/data/projects/{project['id']}/label-studio/pull")
                    facts["pulls asked for"] += 1
                    moved_at = time.monotonic()
                if time.monotonic() > deadline:
                    raise DemoError(f"{arrived} of {len(todo)} labels came back from Label Studio")
                time.sleep(POLL_S)
        facts["labels through Label Studio"] = through

    def link_label_studio(self, project: dict[str, Any], ls: LabelStudioAnnotators) -> dict[str, Any]:
        """The project's link, made now unless it exists (and its Label Studio project still does)."""
        path = f"/data/projects/{project['id']}/label-studio"
        ls.check()
        try:
            link = self.api.http.request("GET", path)
        except ApiError as exc:
            if exc.status != 404:
                raise
        else:
            if ls.has_project(link["label_studio_project_id"]):
                return dict(link)
            self.api.http.request(
                "DELETE", path
            )  # linked to a Label Studio project that is gone: link afresh
        return dict(self.api.http.request("POST", path, json={}))

    def push_batch(self, batch_id: int) -> None:
        """Moving a batch to annotating pushes it; a batch past that is pushed by hand (idempotent)."""
        batch = self.api.http.request("GET", f"/data/batches/{batch_id}")
        if batch["status"] in ("open", "ready"):
            if batch["status"] == "open":
                self.api.http.request("PATCH", f"/data/batches/{batch_id}", json={"status": "ready"})
            self.api.http.request("PATCH", f"/data/batches/{batch_id}", json={"status": "annotating"})
        else:
            self.api.http.request("POST", f"/data/batches/{batch_id}/label-studio/push")

    def raise_if_sync_failed(self, project_id: int, since: float) -> None:
        link = self.api.http.request("GET", f"/data/projects/{project_id}/label-studio")
        failed_at = link["last_error_at"]
        if (
            link["sync_status"] == "failed"
            and failed_at
            and datetime.fromisoformat(failed_at).timestamp() > since
        ):
            raise DemoError(f"Label Studio sync failed: {link['last_error']}")

    def labeled_through_label_studio(self, project_id: int, labels: dict[int, str]) -> int:
        """How many of these images carry, as their current label, the right one from Label Studio."""
        count = 0
        for image in self.api.pages("/data/images", project_id=project_id):
            annotation = image.get("annotation") or {}
            if image["id"] in labels and annotation.get("source") == "label_studio":
                count += image["label"] == labels[image["id"]]
        return count

    def project(self) -> dict[str, Any]:
        for project in self.api.http.request("GET", "/data/projects", params={"per_page": 100}):
            if project["name"] == PROJECT:
                return project
        return self.api.http.request(
            "POST",
            "/data/projects",
            json={
                "name": PROJECT,
                "task_type": "classification",
                "labels": LABELS,
                "description": "scikit-learn's handwritten digits, uploaded by simulated cameras",
            },
        )

    def server_predictions(self, model_id: int, images: list[bytes]) -> list[str]:
        """The trained PyTorch model's own answers on the same images: what the export must reproduce."""
        import torch

        from pipelines.frames import decode_resize
        from pipelines.model import load_checkpoint, predict_logits

        path = self.work_dir / f"model-{model_id}.pt"
        self.api.models.download(model_id, path)  # checked against its sha256
        model, checkpoint = load_checkpoint(path)
        size = int(checkpoint["image_size"])
        batch = (
            np.stack([decode_resize(png, size) for png in images])
            if images
            else np.zeros((0, size, size, 3), np.uint8)
        )
        logits = predict_logits(model, torch.from_numpy(batch))
        return [checkpoint["labels"][i] for i in np.asarray(logits).argmax(axis=1)]
