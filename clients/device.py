"""A camera device as the platform sees it: provision, check in, upload, fetch and run its model.

The model runs from its own metadata (clients/device_model.py), never the platform's preprocessing code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from clients.device_model import Detection, DeviceModel

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
class DeviceClient:
    """One device: its API base URL and key. Holds the model it last downloaded."""

    api_url: str
    key: str
    model_dir: Path | None = None
    session: requests.Session = field(default_factory=_session, repr=False)
    model_info: dict[str, Any] | None = None
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
        """Report health; returns the configuration the platform answers with."""
        resp = self.session.post(
            f"{self.api_url}/device/checkin", json=health, headers=self.headers, timeout=30
        )
        return _data(resp)["config"]

    def upload(
        self,
        data: bytes,
        filename: str,
        *,
        captured_at: str | None = None,
        batch: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Upload one image with its hash, so the platform can refuse a corrupted transfer."""
        form: dict[str, str] = {"sha256": hashlib.sha256(data).hexdigest()}
        if captured_at:
            form["captured_at"] = captured_at
        if batch:
            form["batch"] = batch
        if metadata:
            form["metadata"] = json.dumps(metadata)
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
            return path
        if resp.status_code != 200:
            _data(resp)
        if hashlib.sha256(resp.content).hexdigest() != info["sha256"]:
            raise DeviceError("downloaded model does not match its sha256; not installed")
        tmp = path.with_suffix(".part")
        tmp.write_bytes(resp.content)
        tmp.replace(path)
        self.model_info = info
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
