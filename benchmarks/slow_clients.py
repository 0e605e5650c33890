"""Slow clients: stalled and dripping sockets against `acusight serve`, and what normal callers get meanwhile.

Starts `acusight serve` (SQLite, a fresh data dir, serve's default shape unless told) on a free
loopback port, then, for each scenario in turn:

- ``header``: N sockets send half a request header and go quiet;
- ``drip``: N sockets send a request header one byte every ``--drip-interval`` seconds;
- ``body``: N sockets send a whole POST header announcing a 1 MB body, 1 KB of it, and go quiet
  (the body goes to the benchmark sink, which reads it as an upload does).

Once the sockets are open, ``--probes`` normal requests (``GET /api/openapi.json``, each on a new
connection, one after another) are sent with a 5 s timeout; the figures are how many were answered
and their latency. Afterwards the stalled sockets are watched (at most ``--hold`` seconds) for when
the server closes them. Everything is bounded in count and time, on 127.0.0.1 only.

Run from the repository root:  .venv/bin/python -m benchmarks.slow_clients [--sockets 30]

``--checkout PATH`` (repeatable) serves another checkout's code instead (its server runs with that
checkout first on the module path): e.g. the code before a change, from ``git worktree add``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from acusight.stack import Child, free_port, serve_child, wait_http

PROBE_PATH = "/api/openapi.json"
SINK_PATH = "/api/_benchmark/sink"
PROBE_TIMEOUT_S = 5.0
SCENARIOS = ("header", "drip", "body")


@dataclass
class Staller:
    """One slow client: opens a connection, sends its bytes as the scenario says, notes when the
    server closes it."""

    port: int
    scenario: str
    drip_interval: float
    stop: threading.Event
    opened_at: float = 0.0
    closed_after: float | None = None  # seconds from open to the server's close; None: still open
    connect_failed: bool = False
    thread: threading.Thread | None = field(default=None, repr=False)

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        except OSError:
            self.connect_failed = True
            return
        self.opened_at = time.monotonic()
        try:
            sock.settimeout(0.2)
            host = f"Host: 127.0.0.1:{self.port}\r\n"
            if self.scenario == "header":
                sock.sendall(f"GET {PROBE_PATH} HTTP/1.1\r\n{host}X-Slow: ".encode())
                self._watch(sock, None)
            elif self.scenario == "drip":
                header = f"GET {PROBE_PATH} HTTP/1.1\r\n{host}" + "X-Drip: " + "a" * 4000
                self._watch(sock, iter(header.encode()))
            else:
                sock.sendall(
                    f"POST {SINK_PATH} HTTP/1.1\r\n{host}Content-Type: application/octet-stream\r\n"
                    f"Content-Length: {1024 * 1024}\r\n\r\n".encode()
                    + b"x" * 1024
                )
                self._watch(sock, None)
        finally:
            sock.close()

    def _watch(self, sock: socket.socket, drip: object) -> None:
        """Until told to stop: drip a byte every interval (if dripping); note the server's close."""
        next_drip = time.monotonic()
        while not self.stop.is_set():
            if drip is not None and time.monotonic() >= next_drip:
                byte = next(drip, None)  # type: ignore[call-overload]
                if byte is not None:
                    try:
                        sock.sendall(bytes([byte]))
                    except OSError:
                        self._closed()
                        return
                next_drip += self.drip_interval
            try:
                data = sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                self._closed()
                return
            if not data:
                self._closed()
                return
            # An answer (an error status, or a timeout page): the server is done with it; the
            # close follows.

    def _closed(self) -> None:
        self.closed_after = time.monotonic() - self.opened_at


@dataclass
class ScenarioResult:
    scenario: str
    sockets: int
    connect_failed: int
    probes: int
    answered: int
    latencies_ms: list[float]
    closed_after: list[float]
    still_open: int
    hold_s: float

    def line(self) -> str:
        lat = sorted(self.latencies_ms)
        p50 = f"{statistics.median(lat):.0f}" if lat else "-"
        worst = f"{lat[-1]:.0f}" if lat else "-"
        closed = sorted(self.closed_after)
        c50 = f"{statistics.median(closed):.1f}" if closed else "-"
        cmax = f"{closed[-1]:.1f}" if closed else "-"
        return (
            f"{self.scenario:<8}{self.sockets:>8}{self.answered:>5}/{self.probes:<4}{p50:>9}{worst:>9}"
            f"{len(closed):>8}{c50:>10}{cmax:>8}{self.still_open:>7} (of {self.sockets}, after "
            f"{self.hold_s:.0f} s)"
        )


HEADER = (
    f"{'scenario':<8}{'sockets':>8}{'answered':>10}{'p50 ms':>9}{'max ms':>9}{'closed':>8}"
    f"{'after p50':>10}{'max s':>8}{'open':>7}"
)


def probe(base: str) -> float | None:
    """One normal request on a new connection: its latency in ms, or None when not answered in time."""
    t0 = time.monotonic()
    try:
        resp = requests.get(base + PROBE_PATH, timeout=PROBE_TIMEOUT_S, headers={"Connection": "close"})
    except requests.RequestException:
        return None
    return (time.monotonic() - t0) * 1000 if resp.ok else None


def run_scenario(
    port: int, scenario: str, sockets: int, probes: int, hold: float, drip_interval: float
) -> ScenarioResult:
    base = f"http://127.0.0.1:{port}"
    stop = threading.Event()
    stallers = [Staller(port, scenario, drip_interval, stop) for _ in range(sockets)]
    for s in stallers:
        s.start()
    time.sleep(1.0)  # every slow socket is connected and has sent its first bytes
    latencies = []
    for _ in range(probes):
        ms = probe(base)
        if ms is not None:
            latencies.append(ms)
        time.sleep(0.1)
    deadline = time.monotonic() + hold
    while time.monotonic() < deadline:
        if all(s.closed_after is not None or s.connect_failed for s in stallers):
            break
        time.sleep(0.5)
    stop.set()
    for s in stallers:
        assert s.thread is not None
        s.thread.join(5)
    closed = [s.closed_after for s in stallers if s.closed_after is not None]
    failed = sum(s.connect_failed for s in stallers)
    still_open = sockets - len(closed) - failed
    elapsed = max((time.monotonic() - s.opened_at for s in stallers if s.opened_at), default=0.0)
    return ScenarioResult(
        scenario, sockets, failed, probes, len(latencies), latencies, closed, still_open, elapsed
    )


def serve(root: Path | None, tmp: Path, workers: int | None, threads: int | None) -> tuple[Child, int]:
    port = free_port()
    env = {
        **os.environ,
        "ACUSIGHT_DATA_DIR": str(tmp / "var"),
        "ACUSIGHT_DATABASE_URL": f"sqlite:///{tmp / 'acusight.db'}",
        "ACUSIGHT_BENCHMARK_ENDPOINTS": "1",
    }
    if root is not None:  # that checkout's code first; an inherited PYTHONPATH after it
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH")) if p)
    child = serve_child(port, env, tmp / "server.log", workers=workers, threads=threads, cwd=root)
    child.start()
    wait_http(f"http://127.0.0.1:{port}{PROBE_PATH}", 90, child)
    return child, port


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sockets", type=int, default=30, help="slow sockets per scenario")
    parser.add_argument("--probes", type=int, default=20, help="normal requests per scenario")
    parser.add_argument("--hold", type=float, default=60.0, help="how long to watch the slow sockets (s)")
    parser.add_argument("--drip-interval", type=float, default=2.0, help="seconds between dripped bytes")
    parser.add_argument("--scenario", action="append", choices=SCENARIOS, help="default: all")
    parser.add_argument("--workers", type=int, help="default: acusight serve's")
    parser.add_argument("--threads", type=int, help="default: acusight serve's")
    parser.add_argument(
        "--checkout", type=Path, action="append", help="serve this checkout's code (repeatable)"
    )
    args = parser.parse_args()
    if not 0 < args.sockets <= 500 or not 0 < args.probes <= 200 or not 0 < args.hold <= 600:
        parser.error("at most 500 sockets, 200 probes, 600 s of hold")
    roots: list[Path | None] = [p.resolve() for p in args.checkout] if args.checkout else [None]
    print(
        f"{args.sockets} slow sockets per scenario, {args.probes} probes (GET {PROBE_PATH}, "
        f"{PROBE_TIMEOUT_S:.0f} s timeout), hold {args.hold:.0f} s; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    for root in roots:
        tmp = Path(tempfile.mkdtemp(prefix="acusight-slow-"))
        child = None
        try:
            child, port = serve(root, tmp, args.workers, args.threads)
            print(f"\nserved: {root or Path.cwd()}")
            print(HEADER)
            for scenario in args.scenario or SCENARIOS:
                result = run_scenario(
                    port, scenario, args.sockets, args.probes, args.hold, args.drip_interval
                )
                print(result.line(), flush=True)
                if not child.alive():
                    print("the server exited")
                    break
        finally:
            if child is not None:
                child.stop(30)
            shutil.rmtree(tmp, ignore_errors=True)
    print(
        "\n(answered: probes answered 2xx within 5 s; closed: slow sockets the server closed, and when; "
        "open: still open when the watch ended)"
    )


if __name__ == "__main__":
    main()
