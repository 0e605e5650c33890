"""A camera device as the platform sees it: provision, check in, upload, fetch and run its model.

The model runs from its own metadata (clients/device_model.py), never the platform's preprocessing code.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from clients.device_model import Detection, DeviceModel, original_size
from clients.sampling import Sampler

KEY_HEADER = "X-Device-Key"


class DeviceError(RuntimeError):
    """The platform answered with its error envelope."""


def _session() -> requests.Session:
    session = requests.Session()
    # Every call a device makes is safe to repeat: uploads are deduplicated by content.
    retry = Retry(total=5, backoff_factor=0.3, status_forcelist=(502, 503, 504), allowed_methods=None)
    session.mount("http://", HTTPAdapter(max_retries=retry, pool_maxsize=4))
    session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=4))
    return session


def _data(resp: requests.Response) -> Any:
    try:
        body = resp.json()
    except ValueError as exc:
        raise DeviceError(f"{resp.status_code}: not JSON: {resp.text[:200]}") from exc
    if not body.get("success"):
        error = body.get("error", {})
        raise DeviceError(
            f"{resp.status_code} {error.get('code')}: {error.get('message')} ({error.get('details')})"
        )
    return body["data"]


@dataclass
class Observed:
    """What :meth:`DeviceClient.observe` did: predictions reported, frames uploaded and why."""

    reported: int = 0
    # Each uploaded image as the platform answered, with "prediction": what the model said of it.
    uploaded: list[dict[str, Any]] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)


def _box(detection: Detection, frame: bytes) -> dict[str, Any]:
    """A detection as the platform takes it: label, score and the box as fractions of the frame."""
    width, height = original_size(frame)
    x1, y1, x2, y2 = detection.box
    return {
        "label": detection.label,
        "score": detection.score,
        "x": x1 / width,
        "y": y1 / height,
        "width": (x2 - x1) / width,
        "height": (y2 - y1) / height,
    }


@dataclass
class DeviceClient:
    """One device: its API base URL and key. Holds the model it last downloaded."""

    api_url: str
    key: str
    model_dir: Path | None = None
    session: requests.Session = field(default_factory=_session, repr=False)
    model_info: dict[str, Any] | None = None
    # What the device runs, and why its last model load failed: said at each check-in.
    running_export_id: int | None = None
    model_error: str | None = None
    sampler: Sampler = field(default_factory=lambda: Sampler(None), repr=False)
    _model: tuple[Path, DeviceModel] | None = field(default=None, repr=False)

    @classmethod
    def provision(cls, api_url: str, token: str, serial_number: str, name: str, **extra: Any) -> DeviceClient:
        """Redeem a provisioning token; the returned client holds the device's key."""
        session = _session()
        body = {"token": token, "serial_number": serial_number, "name": name, **extra}
        data = _data(session.post(f"{api_url}/devices/provision", json=body, timeout=30))
        return cls(api_url=api_url, key=data["api_key"], session=session)

    @property
    def headers(self) -> dict[str, str]:
        return {KEY_HEADER: self.key}

    def me(self) -> dict[str, Any]:
        return _data(self.session.get(f"{self.api_url}/device/self", headers=self.headers, timeout=30))

    def checkin(self, **health: Any) -> dict[str, Any]:
        """Report health and the model running; returns the configuration the platform answers with
        (its sampling policy is applied from now on)."""
        body = {"running_export_id": self.running_export_id, "model_error": self.model_error, **health}
        resp = self.session.post(
            f"{self.api_url}/device/checkin", json=body, headers=self.headers, timeout=30
        )
        config: dict[str, Any] = _data(resp)["config"]
        self.sampler.update(config.get("sampling"))
        return config

    def report(self, predictions: Sequence[dict[str, Any]], batch_id: str | None = None) -> dict[str, Any]:
        """Send what the model predicted (at most 1,000 per batch); resending a batch with its batch_id
        after a lost answer counts it once."""
        body = {"batch_id": batch_id or uuid.uuid4().hex, "predictions": list(predictions)}
        resp = self.session.post(
            f"{self.api_url}/device/inferences", json=body, headers=self.headers, timeout=60
        )
        return dict(_data(resp))

    def observe(self, frames: Sequence[bytes], captured_at: datetime | None = None) -> Observed:
        """Run the model on frames as a camera would: report every prediction, and upload the frames the
        sampling policy picks, each with its prediction (the platform's pre-label)."""
        if self.model_info is None:
            raise DeviceError("no model: call fetch_model() first")
        export_id = int(self.model_info["export_id"])
        model = self.model()
        t0 = time.perf_counter()
        if model.task == "detection":
            found = model.detect(list(frames))
            tops = [(d[0].label, d[0].score) if d else (None, 0.0) for d in found]
        else:
            labels, probabilities = model.classify(list(frames))
            tops = [(label, float(p.max())) for label, p in zip(labels, probabilities, strict=True)]
        latency_ms = (time.perf_counter() - t0) * 1000 / max(len(frames), 1)
        at = (captured_at or datetime.now(UTC)).isoformat()
        observed = Observed()
        predictions = []
        for i, (frame, (label, score)) in enumerate(zip(frames, tops, strict=True)):
            guess: dict[str, Any]
            if model.task == "detection":
                guess = {"detections": [_box(d, frame) for d in found[i]]}
            else:
                guess = {"label": label, "score": score}
            reported = {"export_id": export_id, "captured_at": at, "latency_ms": latency_ms} | guess
            predictions.append(reported)
            decision = self.sampler.decide(label, score)
            if decision.upload:
                image = self.upload(
                    frame,
                    f"frame-{i}.png",
                    captured_at=at,
                    prediction={"export_id": export_id, **guess},
                    sampling_reason=decision.reason,
                )
                # Only an uploaded frame is named: the platform links its prediction to the image.
                reported["image_sha256"] = image["sha256"]
                observed.uploaded.append(image | {"prediction": guess})
                observed.reasons[decision.reason] = observed.reasons.get(decision.reason, 0) + 1
        for start in range(0, len(predictions), 1000):
            self.report(predictions[start : start + 1000])
        observed.reported = len(predictions)
        return observed

    def upload(
        self,
        data: bytes,
        filename: str,
        *,
        captured_at: str | None = None,
        batch: str | None = None,
        metadata: dict[str, Any] | None = None,
        prediction: dict[str, Any] | None = None,
        sampling_reason: str | None = None,
    ) -> dict[str, Any]:
        """Upload one image with its hash, so the platform can refuse a corrupted transfer. A frame the
        sampling policy picked carries the prediction that picked it."""
        form: dict[str, str] = {"sha256": hashlib.sha256(data).hexdigest()}
        if captured_at:
            form["captured_at"] = captured_at
        if batch:
            form["batch"] = batch
        if metadata:
            form["metadata"] = json.dumps(metadata)
        if prediction is not None:
            form["prediction"] = json.dumps(prediction)
        if sampling_reason:
            form["sampling_reason"] = sampling_reason
        resp = self.session.post(
            f"{self.api_url}/device/images/upload",
            files={"file": (filename, data)},
            data=form,
            headers=self.headers,
            timeout=60,
        )
        return _data(resp)

    def fetch_model(self) -> Path | None:
        """Download the assigned model unless the one held is current; verify its checksum."""
        info = _data(self.session.get(f"{self.api_url}/device/model", headers=self.headers, timeout=30))
        if info is None:
            self.model_info = None
            return None
        assert self.model_dir is not None, "set model_dir to keep models"
        self.model_dir.mkdir(parents=True, exist_ok=True)
        path = self.model_dir / f"{info['sha256']}.onnx"
        headers = dict(self.headers)
        if path.exists():
            headers["If-None-Match"] = f'"{info["sha256"]}"'
        resp = self.session.get(f"{self.api_url}/device/model/download", headers=headers, timeout=300)
        if resp.status_code == 304:
            self.model_info = info
            self.running_export_id, self.model_error = int(info["export_id"]), None
            return path
        if resp.status_code != 200:
            _data(resp)
        if hashlib.sha256(resp.content).hexdigest() != info["sha256"]:
            # The model held (if any) keeps running; the next check-in says why the new one did not load.
            self.model_error = f"export {info['export_id']}: the download does not match its sha256"
            raise DeviceError("downloaded model does not match its sha256; not installed")
        tmp = path.with_suffix(".part")
        tmp.write_bytes(resp.content)
        tmp.replace(path)
        self.model_info = info
        self.running_export_id, self.model_error = int(info["export_id"]), None
        return path

    def model(self) -> DeviceModel:
        """The downloaded model, with the preprocessing its own metadata describes."""
        if self.model_info is None or self.model_dir is None:
            raise DeviceError("no model: call fetch_model() first")
        path = self.model_dir / f"{self.model_info['sha256']}.onnx"
        if self._model is None or self._model[0] != path:
            self._model = (path, DeviceModel(path))
        return self._model[1]

    def predict(self, images: Sequence[bytes]) -> list[str]:
        """Classify encoded images with the downloaded model, on this machine (onnxruntime)."""
        labels, _ = self.model().classify(list(images))
        return labels

    def detect(self, images: Sequence[bytes]) -> list[list[Detection]]:
        """Detections per encoded image (boxes in its own pixels) with the downloaded detector."""
        return self.model().detect(list(images))
