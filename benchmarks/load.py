"""Load for the throughput benchmarks: the payload (camera-like JPEGs, each upload made unique), raw
HTTP requests, and phases of simulated devices posting back to back from client processes, each phase
measured in requests, latencies and, given a meter, the server's and the database's CPU.

benchmarks/ingest.py (uploads) and benchmarks/field.py (inference reports) run their phases here.
"""

from __future__ import annotations

import io
import multiprocessing
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from PIL import Image, ImageFilter

BOUNDARY = "acusight-bench-boundary-7d1f"


# --- the payload ----------------------------------------------------------------------------------


def make_jpegs(count: int, target_bytes: int, seed: int = 0) -> list[bytes]:
    """Camera-like JPEGs of about ``target_bytes``: gradients plus noise, lightly blurred, 640x480."""
    rng = np.random.default_rng(seed)
    h, w = 480, 640
    y, x = np.mgrid[0:h, 0:w]
    out = []
    for i in range(count):
        phase = rng.uniform(0, 2 * np.pi, 3)
        base = np.stack(
            [
                127 + 100 * np.sin(x / (60 + 10 * i % 50) + phase[0]),
                y * 255 / h,
                127 + 100 * np.cos((x + y) / 90 + phase[2]),
            ],
            -1,
        )
        pixels = np.clip(base + rng.normal(0, 28, (h, w, 3)), 0, 255).astype(np.uint8)
        im = Image.fromarray(pixels).filter(ImageFilter.GaussianBlur(0.7))
        quality, data = 90, b""
        while quality > 40:
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=quality)
            data = buf.getvalue()
            if len(data) <= target_bytes * 1.1:
                break
            quality -= 5
        out.append(data)
    return out


def unique_variant(jpeg: bytes, tag: str) -> bytes:
    """The same picture with a JPEG comment segment after SOI: new bytes, so never a duplicate."""
    comment = tag.encode()
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def multipart_request(path: str, port: int, key: str, jpeg: bytes, *more: bytes, name: str = "file") -> bytes:
    """A multipart upload of ``jpeg`` (and ``more``: a batch's other files), each a part named ``name``."""
    head_part = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="frame.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    body = b"".join(head_part + data + b"\r\n" for data in (jpeg, *more)) + f"--{BOUNDARY}--\r\n".encode()
    headers = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Device-Key: {key}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    return headers + body


def post_raw(port: int, request: bytes) -> int:
    """Send one prepared request on a new connection (gunicorn's sync workers close after each)."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(request)
        chunks = []
        while data := s.recv(65536):
            chunks.append(data)
    response = b"".join(chunks)
    return int(response[9:12]) if response.startswith(b"HTTP/") else 0


# --- load generation ------------------------------------------------------------------------------


@dataclass
class PhaseResult:
    name: str
    latencies: list[float]
    statuses: dict[int, int]
    seconds: float
    # Images each request carries (a batch phase: the batch size); rates count images.
    images_per_request: int = 1
    # CPU seconds the phase cost the server (gunicorn master and workers) and the database (the
    # backends of the benchmark's database), and the database sessions opened meanwhile.
    server_cpu: float = 0.0
    db_cpu: float = 0.0
    db_sessions: int = 0

    @property
    def ok(self) -> int:
        return sum(n for code, n in self.statuses.items() if 200 <= code < 300)

    @property
    def rate(self) -> float:
        """Images (a single upload, a sink request: one each) answered 2xx per second."""
        return self.ok * self.images_per_request / self.seconds

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def server_ms(self) -> float:
        """Server CPU per image, in ms: what one image costs, whatever else runs on the machine."""
        return self.server_cpu * 1000 / max(1, self.requests * self.images_per_request)

    @property
    def db_ms(self) -> float:
        return self.db_cpu * 1000 / max(1, self.requests * self.images_per_request)

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


# The payload the client processes draw from (inherited by fork): set by use_payload() before a phase.
_JPEGS: list[bytes] = []


def use_payload(jpegs: list[bytes]) -> None:
    """The JPEGs every upload phase from now on draws from (each upload made unique)."""
    _JPEGS[:] = jpegs


def upload_request(job: dict[str, Any], index: int, key: str, n: int) -> bytes:
    """Device ``index``'s ``n``-th request of a phase: one of the JPEGs, made unique, as an upload."""
    jpeg = unique_variant(_JPEGS[(index + n) % len(_JPEGS)], f"{job['tag']}-{index}-{n}")
    return multipart_request(job["path"], job["port"], key, jpeg)


def batch_request(job: dict[str, Any], index: int, key: str, n: int) -> bytes:
    """Device ``index``'s ``n``-th batch: ``job["batch_size"]`` of the JPEGs, each made unique."""
    size = job["batch_size"]
    jpegs = [
        unique_variant(_JPEGS[(index + n * size + i) % len(_JPEGS)], f"{job['tag']}-{index}-{n}-{i}")
        for i in range(size)
    ]
    return multipart_request(job["path"], job["port"], key, *jpegs, name="files")


def _client_process(job: dict[str, Any]) -> list[tuple[float, float, int]]:
    """One client process: a thread per simulated device, each posting back to back until the deadline."""
    results: list[tuple[float, float, int]] = []
    lock = threading.Lock()
    build: Callable[[dict[str, Any], int, str, int], bytes] = job.get("build", upload_request)

    def device(index: int, key: str) -> None:
        mine = []
        n = 0
        while time.monotonic() < job["start_at"]:
            time.sleep(0.001)
        while time.monotonic() < job["deadline"]:
            request = build(job, index, key, n)
            t0 = time.monotonic()
            try:
                status = post_raw(job["port"], request)
            except OSError:
                status = 0
            mine.append((t0, time.monotonic(), status))
            n += 1
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=device, args=d) for d in job["devices"]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def run_phase(
    name: str,
    path: str,
    port: int,
    keys: list[str],
    seconds: float,
    processes: int,
    tag: str,
    bench: Meter | None = None,
    build: Callable[[dict[str, Any], int, str, int], bytes] = upload_request,
    batch_size: int = 1,
) -> PhaseResult:
    """``build(job, index, key, n)``: the bytes of device ``index``'s ``n``-th request (a module-level
    function: it travels to the client processes by name); ``batch_size``: images per request."""
    start_at = time.monotonic() + 1.0
    before = bench.cpu() if bench else None
    jobs = [
        {
            "build": build,
            "batch_size": batch_size,
            "path": path,
            "port": port,
            "tag": f"{tag}-p{p}",
            "devices": [(i, keys[i]) for i in range(p, len(keys), processes)],
            "start_at": start_at,
            "deadline": start_at + seconds,
        }
        for p in range(processes)
    ]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        samples = [s for chunk in pool.map(_client_process, jobs) for s in chunk]
    end = max(s[1] for s in samples)
    statuses: dict[int, int] = {}
    for _, _, status in samples:
        statuses[status] = statuses.get(status, 0) + 1
    result = PhaseResult(name, [s[1] - s[0] for s in samples], statuses, end - start_at, batch_size)
    if bench and before:
        after = bench.cpu()
        result.server_cpu = after.server - before.server
        # A backend that started during the phase counts from zero; one that ended is lost (rare:
        # the pools keep their connections).
        result.db_cpu = sum(t - before.backends.get(pid, 0.0) for pid, t in after.backends.items())
        result.db_sessions = after.sessions - before.sessions
    return result


@dataclass
class CpuSample:
    """CPU seconds so far of the server's processes and of each database backend, and the sessions."""

    server: float
    backends: dict[int, float]
    sessions: int


class Meter(Protocol):
    """What measures a phase's CPU (benchmarks.ingest.Bench)."""

    def cpu(self) -> CpuSample: ...
