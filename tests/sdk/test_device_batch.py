"""DeviceClient.upload_batch against a server without the batch route: the same per-frame results
through the single upload, and a refused frame is a result, not an exception."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from acusight_sdk.auth import DeviceKeyAuth
from acusight_sdk.device import DeviceClient, Frame
from acusight_sdk.errors import ServerError
from acusight_sdk.http import Http
from acusight_sdk.transport import RetryPolicy


def envelope(status: int, data: Any = None, code: str = "") -> httpx.Response:
    if status >= 400:
        return httpx.Response(status, json={"success": False, "error": {"code": code, "message": code}})
    return httpx.Response(status, json={"success": True, "data": data})


def client(handler: Any) -> tuple[DeviceClient, list[str]]:
    seen: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return handler(request)

    made = DeviceClient("http://device.test", "adk_x")
    made.http = Http(
        "http://device.test",
        auth=DeviceKeyAuth("adk_x"),
        retry=RetryPolicy(attempts=1),
        transport=httpx.MockTransport(record),
    )
    return made, seen


def test_without_the_batch_route_frames_go_one_by_one_with_the_same_results() -> None:
    stored: set[str] = {Frame(b"old").sha256}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/batch"):
            return envelope(404, code="NOT_FOUND")
        body = request.content
        if b"broken" in body:
            return envelope(400, code="VALIDATION_ERROR")
        sha = next(s for s in ("new", "old") if s.encode() in body)
        digest = Frame(sha.encode()).sha256
        duplicate = digest in stored
        stored.add(digest)
        return envelope(200 if duplicate else 201, {"sha256": digest, "duplicate": duplicate})

    device, seen = client(handler)
    frames = [Frame(b"new"), Frame(b"broken"), Frame(b"old")]
    results = device.upload_batch(frames)
    assert [(r.index, r.status) for r in results] == [(0, "created"), (1, "error"), (2, "duplicate")]
    assert results[1].error is not None and results[1].error["code"] == "VALIDATION_ERROR"
    # The missing route is asked once, then remembered.
    device.upload_batch(frames[:2])
    assert seen.count("/api/device/images/batch") == 1


def test_the_batch_route_sends_a_manifest_in_order_and_a_failure_raises() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith("/batch"):
            return envelope(503, code="UNAVAILABLE")
        manifest = json.loads(request.content.split(b'name="manifest"\r\n\r\n')[1].split(b"\r\n--")[0])
        assert [m["captured_at"] for m in manifest] == ["a", "b"]
        results = [
            {"index": i, "status": "created", "image": {"sha256": m["sha256"]}}
            for i, m in enumerate(manifest)
        ]
        return envelope(200, {"results": results, "created": 2, "duplicates": 0, "errors": 0})

    device, _ = client(handler)
    results = device.upload_batch([Frame(b"1", captured_at="a"), Frame(b"2", captured_at="b")])
    assert [r.status for r in results] == ["created", "created"]
    with pytest.raises(ServerError):
        device.upload_batch([Frame(b"3")])  # one frame: the single upload, which fails as a whole
