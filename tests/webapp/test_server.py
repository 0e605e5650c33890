"""`acusight serve` from outside: slow clients, keep-alive, a master killed and started again, the
control socket. Each test starts real servers (SQLite, their own data dir)."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
import requests
from gunicorn.ctl.client import ControlClient

from acusight.stack import Child, free_port, serve_child, wait_http

# Starts its own servers on SQLite: the PostgreSQL pass of scripts/test.sh skips it.
pytestmark = [pytest.mark.slow, pytest.mark.database_independent]

PROBE = "/api/openapi.json"
# Generous bounds on when the server must have given up on a slow client (its deadlines are 15-20 s,
# webapp/server.py); a liveness check, not a timing.
GIVE_UP_WITHIN_S = 60


def start_server(
    tmp: Path, name: str, *, port: int | None = None, workers: int = 1, threads: int = 2, **env: str
) -> tuple[Child, int]:
    """`acusight serve` on its own data dir (and SQLite file in it); the benchmark sink is on."""
    port = port or free_port()
    environ = {
        **os.environ,
        "ACUSIGHT_DATA_DIR": str(tmp / name),
        "ACUSIGHT_BENCHMARK_ENDPOINTS": "1",
        **env,
    }
    for unset in ("ACUSIGHT_DATABASE_URL", "ACUSIGHT_BLOB_BACKEND", "ACUSIGHT_WEB_WORKERS"):
        environ.pop(unset, None)
    child = serve_child(port, environ, tmp / f"{name}.log", workers=workers, threads=threads, cwd=tmp)
    child.start()
    wait_http(f"http://127.0.0.1:{port}{PROBE}", 90, child)
    return child, port


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """One worker with two threads: two blocked threads are enough to starve it."""
    child, port = start_server(tmp_path_factory.mktemp("serve"), "small")
    yield port
    child.stop(30)


def stalled(port: int, data: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(data)
    return sock


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """Whether the server closes ``sock`` within ``within`` seconds (an error answer first is fine)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            if not sock.recv(65536):
                return True
        except TimeoutError:
            return False
        except OSError:
            return True
    return False


def half_header(port: int) -> bytes:
    return f"GET {PROBE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ".encode()


def test_stalled_headers_do_not_starve_normal_requests(small_server: int) -> None:
    port = small_server
    sockets = [stalled(port, half_header(port)) for _ in range(30)]
    try:
        time.sleep(1)
        for _ in range(5):
            # Liveness, not speed: answered at all while 30 stalled sockets are open.
            assert requests.get(f"http://127.0.0.1:{port}{PROBE}", timeout=10).status_code == 200
    finally:
        for sock in sockets:
            sock.close()


def test_a_kept_alive_connection_stalling_its_next_header_holds_no_thread(small_server: int) -> None:
    """The header deadline holds for every request of a connection, not its first one only."""
    port = small_server
    request = f"GET {PROBE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    sockets = []
    try:
        for _ in range(6):  # three times the worker's threads
            sock = stalled(port, request)
            answer = b""
            while b"\r\n\r\n" not in answer:
                answer += sock.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200")
            sock.sendall(half_header(port))  # the next request's head, never finished
            sockets.append(sock)
        time.sleep(1)
        for _ in range(3):
            # Liveness, not speed: answered at all while the kept-alive sockets stall.
            assert requests.get(f"http://127.0.0.1:{port}{PROBE}", timeout=10).status_code == 200
    finally:
        for sock in sockets:
            sock.close()


def test_stalled_and_dripping_headers_are_closed(small_server: int) -> None:
    port = small_server
    quiet = stalled(port, half_header(port))
    drip = stalled(port, half_header(port))
    stop = threading.Event()

    def dripping() -> None:  # one byte every 2 s: never idle long, never done
        while not stop.wait(2):
            with contextlib.suppress(OSError):
                drip.sendall(b"a")

    dripper = threading.Thread(target=dripping, daemon=True)
    dripper.start()
    try:
        assert closed_by_server(quiet, GIVE_UP_WITHIN_S)
        assert closed_by_server(drip, GIVE_UP_WITHIN_S)
    finally:
        stop.set()
        dripper.join(5)
        quiet.close()
        drip.close()


def test_a_stalled_body_is_refused_and_closed(small_server: int) -> None:
    port = small_server
    head = (
        f"POST /api/_benchmark/sink HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {1024 * 1024}\r\n\r\n"
    ).encode()
    sock = stalled(port, head + b"x" * 1024)
    try:
        sock.settimeout(GIVE_UP_WITHIN_S)
        answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert b"connection: close" in answer.lower()
        assert closed_by_server(sock, 30)
    finally:
        sock.close()


def test_a_body_sent_in_pieces_at_a_fair_rate_is_read_whole(small_server: int) -> None:
    port = small_server
    body = os.urandom(48 * 1024)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.putrequest("POST", "/api/_benchmark/sink")
    conn.putheader("Content-Type", "application/octet-stream")
    conn.putheader("Content-Length", str(len(body)))
    conn.endheaders()
    for start in range(0, len(body), 16 * 1024):
        conn.send(body[start : start + 16 * 1024])
        time.sleep(1)
    resp = conn.getresponse()
    assert resp.status == 201
    assert b'"bytes":49152' in resp.read().replace(b" ", b"")
    conn.close()


def test_a_kept_alive_connection_outlives_a_client_poll_interval(small_server: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", small_server, timeout=10)
    conn.request("GET", PROBE)
    first = conn.getresponse()
    first.read()
    assert first.status == 200
    sock = conn.sock
    time.sleep(5)  # past gunicorn's default keep-alive (2 s), under any polling client's patience
    conn.request("GET", PROBE)
    second = conn.getresponse()  # before the fix: RemoteDisconnected
    second.read()
    assert second.status == 200
    assert conn.sock is sock  # the same connection answered
    conn.close()


def test_a_server_started_after_its_master_was_killed_binds_and_answers(tmp_path: Path) -> None:
    old, port = start_server(tmp_path, "old", workers=2)
    workers = psutil.Process(old.pid).children()
    assert workers
    new: Child | None = None
    try:
        os.kill(old.pid, signal.SIGKILL)  # the master only: its workers are orphaned
        old.process.wait()  # type: ignore[union-attr]
        new, _ = start_server(tmp_path, "new", port=port, workers=2)
        assert new.alive()
        for worker in workers:
            with contextlib.suppress(psutil.NoSuchProcess):
                # Gone by now (the kernel kills them with their master), or a zombie being reaped.
                assert worker.status() == psutil.STATUS_ZOMBIE, f"worker {worker.pid} outlived its master"
        masters = {p.ppid() for p in psutil.Process(new.pid).children()}
        assert masters == {new.pid}
        assert requests.get(f"http://127.0.0.1:{port}{PROBE}", timeout=10).status_code == 200
    finally:
        if new is not None:
            new.stop(30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(old.pid, signal.SIGKILL)  # orphans, should the test have failed


def test_each_server_has_its_own_control_socket(tmp_path: Path) -> None:
    home = tmp_path / "home"
    runtime = tmp_path / "runtime"
    home.mkdir()
    runtime.mkdir()
    env = {"HOME": str(home), "XDG_RUNTIME_DIR": str(runtime)}
    a, _ = start_server(tmp_path, "a", **env)
    b, _ = start_server(tmp_path, "b", **env)
    try:
        deadline = time.monotonic() + 30  # the socket comes up after the first workers
        sockets = [tmp_path / name / "gunicorn.ctl" for name in ("a", "b")]
        while not all(p.is_socket() for p in sockets) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert all(p.is_socket() for p in sockets)
        for path, child in zip(sockets, (a, b), strict=True):
            with ControlClient(str(path), timeout=10) as control:
                assert control.send_command("show stats")["pid"] == child.pid
        shared = [*home.rglob("*.ctl"), *runtime.rglob("*.ctl"), *tmp_path.glob("*.ctl")]
        assert shared == []
    finally:
        a.stop(30)
        b.stop(30)


def test_a_body_that_waited_for_a_free_thread_is_not_refused_for_it(tmp_path: Path) -> None:
    """Under load a request can wait in the pool's queue longer than the body's grace (15 s): its
    body, arrived whole long ago, must still be read (the demo's uploads got 408 when queue time
    counted). One thread, kept busy 22 s by a fair but long upload; a second upload queues behind it."""
    child, port = start_server(tmp_path, "one-thread", threads=1)
    try:
        steps, piece = 22, 8 * 1024
        busy = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        busy.putrequest("POST", "/api/_benchmark/sink")
        busy.putheader("Content-Type", "application/octet-stream")
        busy.putheader("Content-Length", str(steps * piece))
        busy.endheaders()
        busy.send(b"x" * piece)
        time.sleep(1)
        queued = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        queued.request(
            "POST",
            "/api/_benchmark/sink",
            body=b"y" * 64 * 1024,
            headers={"Content-Type": "application/octet-stream"},
        )
        for _ in range(steps - 1):
            time.sleep(1)
            busy.send(b"x" * piece)
        assert busy.getresponse().status == 201
        assert queued.getresponse().status == 201
        busy.close()
        queued.close()
    finally:
        child.stop(30)
