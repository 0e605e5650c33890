"""Memory of decoding the largest allowed images: `acusight serve` (gunicorn, SQLite) takes eight
concurrent uploads of a small PNG that declares the most pixels allowed, then their eight first
thumbnails at once, then a large baseline and a large progressive JPEG and their thumbnails.

Throughout, the summed resident memory (RSS) of the server's whole process tree (the gunicorn master
and its workers) is sampled every 20 ms. The figures are growth over the idle server: the peak of
each phase, and what is still held a few seconds after the last one. The requirement is a peak growth
of at most 1 GiB, and the held memory back near the idle server's.

Run from the repository root:  .venv/bin/python -m benchmarks.image_memory [--against CHECKOUT]

``--against CHECKOUT`` runs the same benchmark against another checkout afterwards (e.g. the code
before a change: ``git worktree add /tmp/old HEAD``). ``--malloc-defaults`` leaves glibc's malloc
settings alone (ACUSIGHT_KEEP_MALLOC_DEFAULTS=1), to measure what fixing its mmap threshold does.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import requests
from PIL import Image

from acusight.cli.serve import default_web_shape
from acusight.stack import Child, free_port, serve_child, wait_http
from webapp.settings import Settings

UPLOAD_PATH = "/api/device/images/upload"
GIB = 1024**3
MIB = 1024**2
SAMPLE_S = 0.02
SETTLE_S = 3.0


# --- the images -----------------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def solid_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid 8-bit RGB PNG of one colour, written row by row (never held whole): about 200 KB for
    64 MP. The first row is stored as is, the others as "same as the row above" (filter type 2)."""
    deflate = zlib.compressobj(9)
    first = b"\x00" + bytes(rgb) * width
    up = b"\x02" + bytes(3 * width)
    parts = [deflate.compress(first)] + [deflate.compress(up) for _ in range(height - 1)] + [deflate.flush()]
    data = b"".join(parts)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = b"".join(_chunk(b"IDAT", data[i : i + 65536]) for i in range(0, len(data), 65536))
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + idat + _chunk(b"IEND", b"")


def solid_jpeg(width: int, height: int, rgb: tuple[int, int, int], progressive: bool) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), rgb).save(out, "JPEG", quality=90, progressive=progressive)
    return out.getvalue()


def largest_size(max_pixels: int) -> tuple[int, int]:
    """The largest 8000-row frame within ``max_pixels`` (8000x8000 for the default 64 MP)."""
    height = 8000
    return min(max_pixels // height, 65535) // 10 * 10, height


# --- the server and its memory --------------------------------------------------------------------


def tree_rss(pid: int) -> int:
    """Summed RSS of a process and all its descendants."""
    total = 0
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


@dataclass
class Sampler:
    """Samples the server tree's RSS in a thread; ``peak()`` is the highest since the last ``mark()``."""

    pid: int
    samples: list[int] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> Sampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = tree_rss(self.pid)
            with self._lock:
                self.samples.append(rss)
            time.sleep(SAMPLE_S)

    def mark(self) -> None:
        with self._lock:
            self.samples.clear()

    def peak(self) -> int:
        with self._lock:
            return max(self.samples, default=tree_rss(self.pid))

    def steady(self, seconds: float = 1.0) -> int:
        """The median over ``seconds`` from now."""
        self.mark()
        time.sleep(seconds)
        with self._lock:
            return int(statistics.median(self.samples or [tree_rss(self.pid)]))


class Server:
    """`acusight serve` from ``root`` on a fresh data dir (SQLite), removed on exit."""

    def __init__(self, root: Path, workers: int, threads: int, env: dict[str, str]) -> None:
        self.root = root
        self.tmp = Path(tempfile.mkdtemp(prefix="acusight-imgmem-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "ACUSIGHT_DATA_DIR": str(self.tmp / "var"), "PYTHONPATH": str(root), **env}
        self.env.pop("ACUSIGHT_DATABASE_URL", None)
        self.workers, self.threads = workers, threads
        self.child: Child | None = None

    def __enter__(self) -> Server:
        self.child = serve_child(
            self.port,
            self.env,
            self.tmp / "server.log",
            workers=self.workers,
            threads=self.threads,
            cwd=self.root,
        )
        self.child.start()
        wait_http(f"{self.base}/api/openapi.json", 90, self.child)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.child is not None:
            self.child.stop(30)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def cli(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "acusight.cli", *args],
            env=self.env,
            cwd=self.root,
            capture_output=True,
            text=True,
            check=check,
        )
        return done.stdout

    def seed(self) -> tuple[str, str]:
        """A user's token and a device's key, in a new organization."""
        # Newer checkouts create the organization first; older ones create it with the user.
        self.cli("orgs", "create", "Bench", check=False)
        self.cli("users", "create", "bench@example.com", "--org", "Bench", "--role", "admin")
        token = self.cli("users", "token", "bench@example.com").strip().splitlines()[-1]
        auth = {"Authorization": f"Bearer {token}"}
        body: dict[str, Any] = {"name": "bench", "max_uses": 1}
        project = requests.post(f"{self.base}/api/data/projects", json={"name": "bench"}, headers=auth)
        if project.status_code == 201:
            body["project_id"] = project.json()["data"]["id"]
        grant = requests.post(f"{self.base}/api/provisioning-tokens", json=body, headers=auth)
        grant.raise_for_status()
        device = requests.post(
            f"{self.base}/api/devices/provision",
            json={"token": grant.json()["data"]["token"], "serial_number": "BENCH-0001", "name": "cam"},
        )
        device.raise_for_status()
        return token, str(device.json()["data"]["api_key"])


def upload(base: str, key: str, data: bytes, name: str) -> dict[str, Any]:
    resp = requests.post(
        f"{base}{UPLOAD_PATH}", headers={"X-Device-Key": key}, files={"file": (name, data)}, timeout=300
    )
    return {
        "status": resp.status_code,
        "body": resp.json() if resp.content else None,
        "headers": resp.headers,
    }


def thumbnail(base: str, token: str, image_id: int) -> dict[str, Any]:
    resp = requests.get(
        f"{base}/api/data/images/{image_id}/thumbnail",
        headers={"Authorization": f"Bearer {token}"},
        timeout=300,
    )
    return {"status": resp.status_code, "bytes": len(resp.content), "headers": resp.headers}


@dataclass
class Result:
    label: str
    baseline: int
    phases: dict[str, int]  # peak growth of each phase, bytes
    held: int  # growth still held after the last phase
    statuses: dict[str, list[int]]

    @property
    def peak(self) -> int:
        return max(self.phases.values())

    def report(self) -> str:
        lines = [f"== {self.label}", f"idle server (sum of RSS): {self.baseline / MIB:8.0f} MiB"]
        for name, growth in self.phases.items():
            lines.append(f"  peak growth, {name:<32} {growth / MIB:8.0f} MiB")
        lines.append(f"  peak growth, all phases                  {self.peak / MIB:8.0f} MiB")
        lines.append(f"  held {SETTLE_S:.0f} s after the last phase            {self.held / MIB:8.0f} MiB")
        lines.append(f"  ratio of peak growth to the 1 GiB ceiling {self.peak / GIB:8.2f}")
        for name, codes in self.statuses.items():
            lines.append(f"  statuses, {name}: {codes}")
        return "\n".join(lines)


def run(label: str, root: Path, count: int, workers: int, threads: int, env: dict[str, str]) -> Result:
    max_pixels = Settings.model_fields["max_image_pixels"].default
    width, height = largest_size(max_pixels)
    print(f"[{label}] making {count} PNGs and 2 JPEGs of {width}x{height} ...", flush=True)
    pngs = [solid_png(width, height, (20 * i, 255 - 20 * i, 90)) for i in range(count)]
    jpegs = {
        "baseline": solid_jpeg(width, height, (200, 30, 60), progressive=False),
        "progressive": solid_jpeg(width, height, (30, 200, 60), progressive=True),
    }
    print(
        f"[{label}] PNG {len(pngs[0]) / 1024:.0f} KB, JPEG {len(jpegs['baseline']) / 1024:.0f} KB / "
        f"progressive {len(jpegs['progressive']) / 1024:.0f} KB",
        flush=True,
    )
    with Server(root, workers, threads, env) as server:
        token, key = server.seed()
        assert server.child is not None
        phases: dict[str, int] = {}
        statuses: dict[str, list[int]] = {}
        with Sampler(server.child.pid) as sampler, ThreadPoolExecutor(max_workers=count) as pool:
            time.sleep(SETTLE_S)
            baseline = sampler.steady()
            print(f"[{label}] idle server: {baseline / MIB:.0f} MiB", flush=True)

            def phase(name: str, calls: list[Any]) -> list[dict[str, Any]]:
                sampler.mark()
                started = time.monotonic()
                results = list(pool.map(lambda call: call(), calls))
                phases[name] = sampler.peak() - baseline
                statuses[name] = [r["status"] for r in results]
                print(
                    f"[{label}] {name}: peak growth {phases[name] / MIB:.0f} MiB in "
                    f"{time.monotonic() - started:.1f} s, statuses {statuses[name]}",
                    flush=True,
                )
                return results

            uploads = phase(
                f"{count} PNG uploads",
                [lambda i=i: upload(server.base, key, pngs[i], f"big-{i}.png") for i in range(count)],
            )
            ids = [r["body"]["data"]["id"] for r in uploads if r["status"] in (200, 201)]
            phase(f"{len(ids)} PNG thumbnails", [lambda i=i: thumbnail(server.base, token, i) for i in ids])
            for kind, data in jpegs.items():
                done = phase(f"{kind} JPEG upload", [lambda d=data: upload(server.base, key, d, "big.jpg")])
                if done[0]["status"] in (200, 201):
                    image_id = done[0]["body"]["data"]["id"]
                    phase(f"{kind} JPEG thumbnail", [lambda i=image_id: thumbnail(server.base, token, i)])
            time.sleep(SETTLE_S)
            held = sampler.steady() - baseline
    return Result(label, baseline, phases, held, statuses)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    workers, threads = default_web_shape()
    parser.add_argument("--count", type=int, default=8, help="concurrent PNG uploads, then thumbnails")
    parser.add_argument("--workers", type=int, default=workers, help="gunicorn workers (serve's default)")
    parser.add_argument("--threads", type=int, default=threads, help="threads per worker (serve's default)")
    parser.add_argument("--against", type=Path, help="also run this checkout (e.g. the code before a change)")
    parser.add_argument("--malloc-defaults", action="store_true", help="leave glibc's mmap threshold alone")
    args = parser.parse_args()
    env = {"ACUSIGHT_KEEP_MALLOC_DEFAULTS": "1"} if args.malloc_defaults else {}
    print(
        f"server: {args.workers} workers x {args.threads} threads; {os.cpu_count()} CPUs, "
        f"{psutil.virtual_memory().total / GIB:.0f} GiB",
        flush=True,
    )
    results = [run("this checkout", Path.cwd(), args.count, args.workers, args.threads, env)]
    if args.against is not None:
        results.append(
            run(str(args.against), args.against.resolve(), args.count, args.workers, args.threads, env)
        )
    print()
    for result in results:
        print(result.report())


if __name__ == "__main__":
    main()
