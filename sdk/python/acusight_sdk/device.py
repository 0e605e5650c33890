"""A camera device as the platform sees it: provision, check in, upload, fetch and run its model.

Every call goes through the SDK's :class:`~acusight_sdk.http.Http` with the device's key
(``X-Device-Key``), so retries, backoff and the error envelope are the SDK's. The calls a device repeats
after a lost answer are marked idempotent because the API de-duplicates them: an upload by its sha256,
an inference report by its ``batch_id``.

The model runs from its own metadata (acusight_sdk/model.py), never the platform's preprocessing code;
numpy, Pillow and onnxruntime (the ``[agent]`` extra) are imported only when a model is used, so a
device that only uploads needs none of them.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from acusight_sdk import files
from acusight_sdk.auth import DeviceKeyAuth
from acusight_sdk.errors import AcusightError, ApiError
from acusight_sdk.http import Http
from acusight_sdk.sampling import Sampler
from acusight_sdk.transport import RetryPolicy

if TYPE_CHECKING:
    from acusight_sdk.model import Detection, DeviceModel

# The batch route's documented maximum of files per request.
MAX_BATCH = 32
UPLOAD_TIMEOUT = httpx.Timeout(120.0, connect=10.0)
# A whole batch answered 404/405: the server predates POST /device/images/batch.
_NO_ROUTE = (404, 405)


class DeviceError(AcusightError):
    """The device cannot do what was asked (no model held, a download that does not match its sha256)."""


class ChecksumMismatch(DeviceError):
    """A downloaded model is not the file its sha256 names: it was not installed."""


@dataclass(frozen=True)
class Frame:
    """One image to upload, with what the platform keeps beside it."""

    data: bytes
    filename: str | None = None
    captured_at: str | None = None  # ISO 8601; without an offset the platform takes it as UTC
    metadata: dict[str, Any] | None = None
    prediction: dict[str, Any] | None = None  # the device's own prediction: the frame's pre-label
    sampling_reason: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def manifest(self) -> dict[str, Any]:
        """The frame's entry in the batch route's ``manifest`` part (only what is set)."""
        entry: dict[str, Any] = {"sha256": self.sha256}
        for name in ("captured_at", "metadata", "prediction", "sampling_reason"):
            value = getattr(self, name)
            if value is not None:
                entry[name] = value
        return entry


@dataclass(frozen=True)
class FrameResult:
    """What the platform said of one frame of a batch: ``created``, ``duplicate`` (already stored:
    ``image`` is that image) or ``error`` (``error``: code, message, details; sending it again will
    not help)."""

    index: int
    status: str
    image: dict[str, Any] | None = None
    error: dict[str, Any] | None = None

    @property
    def stored(self) -> bool:
        return self.status in ("created", "duplicate")


@dataclass
class Observed:
    """What :meth:`DeviceClient.observe` did: predictions reported, frames uploaded and why."""

    reported: int = 0
    # Each uploaded image as the platform answered, with "prediction": what the model said of it.
    uploaded: list[dict[str, Any]] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)


def box_fractions(detection: Detection, frame: bytes) -> dict[str, Any]:
    """A detection as the platform takes it: label, score and the box as fractions of the frame."""
    from acusight_sdk.model import original_size

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


def predictions(
    model: DeviceModel, frames: Sequence[bytes]
) -> list[tuple[str | None, float, dict[str, Any]]]:
    """Per frame: the top label (None: a detector found nothing), its score, and the prediction as the
    platform takes it (a classifier's label and score, or a detector's boxes as fractions of the frame)."""
    if model.task == "detection":
        found = model.detect(list(frames))
        return [
            (
                boxes[0].label if boxes else None,
                float(boxes[0].score) if boxes else 0.0,
                {"detections": [box_fractions(box, frame) for box in boxes]},
            )
            for boxes, frame in zip(found, frames)
        ]
    labels, probabilities = model.classify(list(frames))
    return [
        (label, float(p.max()), {"label": label, "score": float(p.max())})
        for label, p in zip(labels, probabilities)
    ]


# Answers that refuse the request itself (a bad image or prediction, too large): resending cannot help.
PERMANENT_STATUSES = frozenset({400, 404, 413, 415, 422})


@dataclass
class DeviceClient:
    """One device: its API base URL and key. Holds the model it last downloaded.

    ``retry``: the SDK's retry policy (``RetryPolicy(attempts=1)``: none, for a caller that queues
    what failed and tries again itself).
    """

    api_url: str
    key: str
    model_dir: Path | None = None
    retry: RetryPolicy | None = field(default=None, repr=False)
    model_info: dict[str, Any] | None = None
    # What the device runs, and why its last model load failed (and which export that was): said at
    # each check-in. A rollout counts a failed export against it; runs_failed, the inference runs that
    # failed since the last check-in, too.
    running_export_id: int | None = None
    model_error: str | None = None
    failed_export_id: int | None = None
    runs_failed: int = 0
    sampler: Sampler = field(default_factory=lambda: Sampler(None), repr=False)
    http: Http = field(init=False, repr=False)
    _model: tuple[Path, DeviceModel] | None = field(default=None, repr=False)
    # None: not known yet whether the server has the batch route.
    _batch_route: bool | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.http = Http(self.api_url, auth=DeviceKeyAuth(self.key), retry=self.retry)

    @classmethod
    def provision(cls, api_url: str, token: str, serial_number: str, name: str, **extra: Any) -> DeviceClient:
        """Redeem a provisioning token; the returned client holds the device's key. Not retried once
        sent: a token works once, so a lost answer needs a new token."""
        body = {"token": token, "serial_number": serial_number, "name": name, **extra}
        with Http(api_url) as http:
            data = http.post("/devices/provision", body)
        return cls(api_url=api_url, key=data["api_key"])

    def me(self) -> dict[str, Any]:
        return dict(self.http.get("/device/self"))

    def checkin(self, **health: Any) -> dict[str, Any]:
        """Report health and the model running; returns the configuration the platform answers with
        (its sampling policy is applied from now on). A repeated check-in only adds a health row, so it
        is retried like the de-duplicated calls."""
        body = {
            "running_export_id": self.running_export_id,
            "model_error": self.model_error,
            "failed_export_id": self.failed_export_id,
            "runs_failed": self.runs_failed,
            **health,
        }
        config: dict[str, Any] = self.http.request("POST", "/device/checkin", json=body, idempotent=True)[
            "config"
        ]
        self.runs_failed -= int(body["runs_failed"] or 0)  # said; failures counted meanwhile stay
        self.sampler.update(config.get("sampling"))
        return config

    def report(self, predictions: Sequence[dict[str, Any]], batch_id: str | None = None) -> dict[str, Any]:
        """Send what the model predicted (at most 1,000 per batch); resending a batch with its batch_id
        after a lost answer counts it once."""
        body = {"batch_id": batch_id or uuid.uuid4().hex, "predictions": list(predictions)}
        return dict(
            self.http.request(
                "POST", "/device/inferences", json=body, idempotent=True, timeout=UPLOAD_TIMEOUT
            )
        )

    def observe(self, frames: Sequence[bytes], captured_at: datetime | None = None) -> Observed:
        """Run the model on frames as a camera would: report every prediction, and upload the frames the
        sampling policy picks, each with its prediction (the platform's pre-label)."""
        if self.model_info is None:
            raise DeviceError("no model: call fetch_model() first")
        export_id = int(self.model_info["export_id"])
        t0 = time.perf_counter()
        predicted = predictions(self.model(), frames)
        latency_ms = (time.perf_counter() - t0) * 1000 / max(len(frames), 1)
        at = (captured_at or datetime.now(timezone.utc)).isoformat()
        observed = Observed()
        reports = []
        for i, (frame, (label, score, guess)) in enumerate(zip(frames, predicted)):
            reported = {"export_id": export_id, "captured_at": at, "latency_ms": latency_ms, **guess}
            reports.append(reported)
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
                observed.uploaded.append({**image, "prediction": guess})
                observed.reasons[decision.reason] = observed.reasons.get(decision.reason, 0) + 1
        for start in range(0, len(reports), 1000):
            self.report(reports[start : start + 1000])
        observed.reported = len(reports)
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
        """Upload one image with its hash, so the platform can refuse a corrupted transfer (and a resend
        is answered with the stored image, ``duplicate``: true). A frame the sampling policy picked
        carries the prediction that picked it."""
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
        return dict(
            self.http.request(
                "POST",
                "/device/images/upload",
                files={"file": (filename, data)},
                data=form,
                idempotent=True,
                timeout=UPLOAD_TIMEOUT,
            )
        )

    def upload_batch(self, frames: Sequence[Frame], batch: str | None = None) -> list[FrameResult]:
        """Upload frames, up to :data:`MAX_BATCH` a request (``POST /device/images/batch``), and answer
        one result per frame, in order.

        A frame the platform refuses (a corrupt image, a prediction that cannot be a pre-label) is an
        ``error`` result, not an exception; a failure of the whole request (connection, 5xx, 401) raises,
        and resending every frame is then safe: each carries its sha256. A lone frame, and every frame on
        a server without the batch route, goes through ``/device/images/upload``, with the same results.
        """
        results: list[FrameResult] = []
        for start in range(0, len(frames), MAX_BATCH):
            chunk = list(frames[start : start + MAX_BATCH])
            # One frame alone takes the single upload: no manifest, the same answer.
            many = len(chunk) > 1 and self._batch_route is not False
            answered = self._batch(chunk, batch) if many else None
            if answered is None:
                answered = [self._single(i, frame, batch) for i, frame in enumerate(chunk)]
            results.extend(FrameResult(start + r.index, r.status, r.image, r.error) for r in answered)
        return results

    def _batch(self, frames: list[Frame], batch: str | None) -> list[FrameResult] | None:
        """One request of the batch route; None when the server has no such route."""
        files = [("files", (f.filename or f"{f.sha256[:16]}.bin", f.data)) for f in frames]
        form = {"manifest": json.dumps([f.manifest() for f in frames])}
        if batch:
            form["batch"] = batch
        try:
            data = self.http.request(
                "POST",
                "/device/images/batch",
                files=files,
                data=form,
                idempotent=True,
                timeout=UPLOAD_TIMEOUT,
            )
        except ApiError as exc:
            if exc.status in _NO_ROUTE and self._batch_route is None:
                self._batch_route = False
                return None
            raise
        self._batch_route = True
        return [
            FrameResult(int(r["index"]), str(r["status"]), r.get("image"), r.get("error"))
            for r in data["results"]
        ]

    def _single(self, index: int, frame: Frame, batch: str | None) -> FrameResult:
        try:
            image = self.upload(
                frame.data,
                frame.filename or f"{frame.sha256[:16]}.bin",
                captured_at=frame.captured_at,
                batch=batch,
                metadata=frame.metadata,
                prediction=frame.prediction,
                sampling_reason=frame.sampling_reason,
            )
        except ApiError as exc:
            if exc.status not in PERMANENT_STATUSES:
                raise
            error = {"code": exc.code, "message": exc.message, "details": exc.details}
            return FrameResult(index, "error", error=error)
        return FrameResult(index, "duplicate" if image.get("duplicate") else "created", image)

    def assigned_model(self) -> dict[str, Any] | None:
        """What ``/device/model`` says the device should run (None: nothing assigned)."""
        info = self.http.get("/device/model")
        return dict(info) if info is not None else None

    def download_model(self, info: dict[str, Any], path: Path) -> bool:
        """The file of ``info`` at ``path``: streamed beside it, checked against its sha256, then renamed
        into place (a reader never sees half a model). False when ``path`` already holds it (the server
        answered 304 to its ETag). :class:`ChecksumMismatch` leaves ``path`` as it was."""
        sha = str(info["sha256"])
        headers = {"If-None-Match": f'"{sha}"'} if path.exists() else None
        try:
            got = files.download(self.http, "/device/model/download", path, sha256=sha, headers=headers)
        except files.IntegrityError as exc:
            raise ChecksumMismatch(
                f"export {info['export_id']}: the download does not match its sha256"
            ) from exc
        return got is not None

    def fetch_model(self) -> Path | None:
        """Download the assigned model unless the one held is current; verify its checksum."""
        info = self.assigned_model()
        if info is None:
            self.model_info = None
            return None
        if self.model_dir is None:
            raise DeviceError("set model_dir to keep models")
        self.model_dir.mkdir(parents=True, exist_ok=True)
        path = self.model_dir / f"{info['sha256']}.onnx"
        try:
            self.download_model(info, path)
        except ChecksumMismatch as exc:
            # The model held (if any) keeps running; the next check-in says why the new one did not load.
            self.model_error, self.failed_export_id = str(exc), int(info["export_id"])
            raise
        self.model_info = info
        self.running_export_id, self.model_error, self.failed_export_id = int(info["export_id"]), None, None
        return path

    def model(self) -> DeviceModel:
        """The downloaded model, with the preprocessing its own metadata describes."""
        from acusight_sdk.model import DeviceModel

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

    def close(self) -> None:
        self.http.close()
