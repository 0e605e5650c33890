"""The demo's second act: the field loop. The classifier the first phase deployed goes out to cameras;
they report what it predicts and upload, under the project's sampling policy, the frames worth
labelling. Then the cameras' world changes (the lighting inverts: dark digits on a pale, uneven
ground), the drift check sees the field leave the model's reference, the sampling rises, the changed
frames come in pre-labelled, annotators correct them, and a new version trains that beats the old
model on changed frames no camera ever uploaded.
"""

from __future__ import annotations

import hashlib
import io
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import numpy as np
from acusight_sdk.device import DeviceClient
from PIL import Image as PILImage

from clients.demo.api import POLL_S, DemoError
from clients.demo.base import Phase
from clients.demo.classification import digit_pngs

CAMERAS = 2
# Upload the frames the model is unsure of, at most 100 per predicted digit per camera and day.
POLICY = {
    "score_band": {"low": 0.0, "high": 0.7},
    "class_quotas": {"*": 100},
    "random_rate": 0.0,
    "daily_budget": 800,
}
DRIFT_CHECK_TIMEOUT_S = 300


def changed_lighting(png: bytes, seed: int) -> bytes:
    """The same digit as the changed world shows it: inverted, lower contrast, lit unevenly."""
    rng = np.random.default_rng(seed)
    gray = np.asarray(PILImage.open(io.BytesIO(png)).convert("L"), np.float32)
    ramp = np.linspace(0, 1, gray.shape[1], dtype=np.float32)[None, :] * rng.uniform(20, 60)
    out = 235 - gray * 0.75 - ramp + rng.normal(0, 6, gray.shape)
    buf = io.BytesIO()
    PILImage.fromarray(out.clip(0, 255).astype(np.uint8)).convert("RGB").save(buf, "PNG")
    return buf.getvalue()


class FieldPhase(Phase):
    """The field loop on the first phase's project, model and export (read from the summary's facts)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What the cameras uploaded under the policy, and how many for each stage and reason.
        self.uploaded: list[dict[str, Any]] = []
        self.reasons: dict[str, int] = {}

    def run(self) -> None:
        facts = self.summary.facts
        o = self.options
        project_id, export_id = facts["project_id"], facts["export_id"]
        data = digit_pngs(o.images)
        rng = np.random.default_rng(1)
        order = rng.permutation(len(data))
        held_back = int(len(data) * 0.15)
        # Changed frames no camera uploads: what the old and the new model are judged on.
        judged = [(changed_lighting(data[i][0], int(i)), data[i][1]) for i in order[:held_back]]
        field = [data[i] for i in order[held_back:]]
        normal = field[: len(field) // 4]
        changed = [(changed_lighting(png, 10_000 + n), label) for n, (png, label) in enumerate(field)]
        truth = {hashlib.sha256(png).hexdigest(): label for png, label in changed}

        with self.step("field: cameras and sampling policy"):
            self.api.http.request("PATCH", f"/data/projects/{project_id}", json={"sampling": POLICY})
            cameras = self.cameras(project_id)

        self.observe(
            "field: cameras run the model",
            "cameras predict, report, upload what is uncertain",
            cameras,
            normal,
            "before",
        )
        before = self.field_metrics(export_id)
        facts["field: predictions reported (before the change)"] = before["total_predictions"]
        facts["field: low-confidence share (before)"] = before["summary"]["low_confidence_share"]
        facts["field: low-confidence share on the reference"] = (before["reference"] or {}).get(
            "low_confidence_share"
        )

        first = changed[: len(changed) // 2]
        self.observe("field: the world changes", "cameras see the changed world", cameras, first, "changed")
        after = self.field_metrics(export_id)
        facts["field: low-confidence share (after the change)"] = after["summary"]["low_confidence_share"]

        with self.step("field: drift check"):
            check = self.drift_check(export_id)
        facts["field: drift check"] = {
            key: round(check[key], 3) if isinstance(check.get(key), float) else check.get(key)
            for key in ("verdict", "class_psi", "confidence_psi", "threshold", "predictions")
        }
        if check["verdict"] != "drift":
            raise DemoError(f"the drift check did not see the change: {check}")
        events = self.api.http.request("GET", "/ml/drift-events", params={"export_id": export_id})
        boost = events[0]["sampling_boost"] if events else None
        facts["field: sampling raised after drift"] = boost

        rest = changed[len(changed) // 2 :]
        for camera in cameras:
            if not (camera.checkin(battery_pct=80).get("sampling") or {}).get("boost"):
                raise DemoError("a camera's check-in does not carry the raised sampling")
        self.observe(
            "field: cameras sample the changed world",
            "cameras upload at the raised rate",
            cameras,
            rest,
            "boosted",
        )
        facts["field: frames uploaded by the policy, by reason"] = self.reasons
        # Digits the first phase uploaded, sent again by the policy: recognised, stored once.
        facts["field: uploads already stored"] = sum(1 for image in self.uploaded if image["duplicate"])

        changed_images = [
            image for image in self.uploaded if image["sha256"] in truth and not image["duplicate"]
        ]
        with self.step("field: annotators correct the pre-labels"), self.progress() as bar:
            task = bar.add_task("annotators label the active-learning batch", total=len(changed_images))
            corrected = 0
            for image in changed_images:
                label = truth[image["sha256"]]
                corrected += image["prediction"]["label"] != label  # the pre-label was the camera's guess
                self.api.http.request(
                    "POST", "/data/annotations", json={"image_id": image["id"], "label": label}
                )
                bar.advance(task)
        batch = (
            self.api.http.request("GET", f"/data/batches/{changed_images[0]['batch_id']}")
            if changed_images
            else {}
        )
        facts["field: active-learning batch"] = f"{batch.get('name')} ({batch.get('image_count')} frames)"
        facts["field: pre-labels the annotators corrected"] = f"{corrected} of {len(changed_images)}"

        body = {"project_id": project_id, "image_size": o.image_size, "seed": 0}
        dataset = self.cut_version("field: dataset version", body)
        facts["field: dataset version"] = (
            f"v{dataset['version']} ({sum(dataset['counts']['splits'].values())} images)"
        )
        job = self.train("field: training", dataset["id"], {"epochs": o.epochs})
        export = self.export("field: ONNX export", {"model_id": job["model_id"], "precision": o.precision})

        facts["field_dataset_id"] = dataset["id"]
        with self.step("field: old and new model on changed frames"):
            # The new model goes to the cameras as a staged rollout (clients/demo/rollout.py); here one
            # fresh camera runs each, the new one assigned to that camera alone.
            old = self.accuracy(project_id, judged, export_id)
            new = self.accuracy(project_id, judged, export["id"])
        facts["field: changed frames judged (never uploaded)"] = len(judged)
        facts["field: old model accuracy on changed frames"] = old
        facts["field: new model accuracy on changed frames"] = new
        facts["field: new export"] = export["id"]
        if new <= old:
            raise DemoError(f"the new model ({new:.3f}) does not beat the old ({old:.3f}) on changed frames")

    def cameras(self, project_id: int, count: int = CAMERAS) -> list[DeviceClient]:
        """Cameras provisioned into the project, each holding (and saying it runs) the project's model."""
        run = uuid.uuid4().hex[:6]
        token = self.api.http.request(
            "POST",
            "/provisioning-tokens",
            json={"name": f"field {run}", "max_uses": count, "project_id": project_id, "expires_in_hours": 1},
        )["token"]
        cameras = []
        for i in range(count):
            camera = DeviceClient.provision(self.api.base_url, token, f"field-{run}-{i}", f"field camera {i}")
            camera.model_dir = self.work_dir / f"field-camera-{i}"
            camera.checkin(battery_pct=100)
            if camera.fetch_model() is None:
                raise DemoError("the field cameras were given no model")
            camera.checkin(battery_pct=99)  # says which export it now runs
            cameras.append(camera)
        return cameras

    def observe(
        self,
        step: str,
        description: str,
        cameras: list[DeviceClient],
        frames: list[tuple[bytes, str]],
        stage: str,
    ) -> None:
        """The cameras, each on its share of ``frames``, run the model, report, and upload what the policy
        picks; the uploads and their reasons (prefixed with ``stage``) are kept."""
        with self.step(step), self.progress() as bar:
            task = bar.add_task(description, total=len(frames))
            for n, camera in enumerate(cameras):
                part = frames[n :: len(cameras)]
                seen = camera.observe([png for png, _ in part])
                for reason, count in seen.reasons.items():
                    key = f"{stage}: {reason}"
                    self.reasons[key] = self.reasons.get(key, 0) + count
                self.uploaded.extend(seen.uploaded)
                bar.advance(task, len(part))

    def field_metrics(self, export_id: int) -> dict[str, Any]:
        return dict(
            self.api.http.request(
                "GET", f"/ml/export-jobs/{export_id}/field-metrics", params={"bucket": "hour"}
            )
        )

    def drift_check(self, export_id: int) -> dict[str, Any]:
        """Ask for a drift check now and wait for its outcome on the export."""
        asked = datetime.now(UTC)
        self.api.http.request("POST", "/ml/drift-checks", json={"export_id": export_id})
        deadline = time.monotonic() + DRIFT_CHECK_TIMEOUT_S
        while time.monotonic() < deadline:
            check = self.api.http.request("GET", f"/ml/export-jobs/{export_id}").get("drift_check")
            if check and datetime.fromisoformat(check["at"]) >= asked.replace(microsecond=0):
                return dict(check)
            time.sleep(POLL_S)
        raise DemoError(f"no drift check of export {export_id} within {DRIFT_CHECK_TIMEOUT_S} s")

    def accuracy(self, project_id: int, judged: list[tuple[bytes, str]], export_id: int) -> float:
        """A fresh camera's accuracy on the judged frames with ``export_id`` (the project's, or assigned
        to that camera alone)."""
        camera = self.cameras(project_id, 1)[0]
        if camera.model_info is not None and camera.model_info["export_id"] != export_id:
            device_id = camera.me()["id"]
            self.api.http.request("PATCH", f"/devices/{device_id}", json={"deployed_export_id": export_id})
            camera.fetch_model()
        if camera.model_info is None or camera.model_info["export_id"] != export_id:
            raise DemoError(f"the project's cameras do not run export {export_id}")
        predicted = camera.predict([png for png, _ in judged])
        return float(np.mean([p == label for p, (_, label) in zip(predicted, judged, strict=True)]))
