"""Gunicorn, embedded: `acusight serve` runs the app under it with our settings.

Devices reach the server directly (no proxy buffering requests in front), so the worker defends
itself against slow clients:

- a request header is read in the worker's event loop, off the thread pool, and must be complete
  within ``HEADER_TIMEOUT_S`` of its first byte (the kernel holds a new connection back until
  then, for about ``DEFER_ACCEPT_S`` at most), else the connection is closed; a pool thread only
  gets a connection whose header has arrived. A client with more than ``PENDING_PER_CLIENT``
  connections still sending their header to one worker loses the oldest of them;
- a body must keep arriving: each read waits at most ``BODY_IDLE_S`` for bytes, and counted from
  when a pool thread starts on the request the body must average ``BODY_MIN_RATE`` bytes per second
  after a grace of ``BODY_GRACE_S``, else 408 and the connection is closed. Time the request spent
  waiting for a free thread does not count: under load a body that arrived whole long ago must not
  be refused for the server's own delay.

Workers die with their master (``PR_SET_PDEATHSIG`` on Linux), so a server started again after the
master was killed finds the port free.
"""

from __future__ import annotations

import ctypes
import os
import selectors
import signal
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import TConn, ThreadWorker
from werkzeug.exceptions import RequestTimeout

# Kept-alive connections stay open this long between requests: above any client's polling interval
# and above the idle timeout of the proxy's upstream connections (deploy/Caddyfile: 30 s), so that
# the proxy, not the server, closes an idle connection and never sends a request into a close.
KEEPALIVE_S = 75
HEADER_TIMEOUT_S = 20.0
HEADER_MAX_BYTES = 64 * 1024  # a connection whose head grows past this is closed
PENDING_PER_CLIENT = 16
DEFER_ACCEPT_S = 5
BODY_IDLE_S = 15.0
BODY_GRACE_S = 15.0
BODY_MIN_RATE = 4 * 1024

_PR_SET_PDEATHSIG = 1

# The request a pool thread is handling (``req``, gunicorn's).
_current = threading.local()


class SlowClientSafeWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's gthread worker, reading request headers in its event loop with a deadline.

    Every path by which gthread hands a connection to the pool (accepted, kept alive and readable,
    pipelined bytes already buffered) goes through ``enqueue_req``; here that first reads the
    header without blocking and submits the connection only once the header is complete.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_conns: deque[TConn] = deque()  # oldest deadline first
        self.pending_by_client: dict[str, deque[TConn]] = {}

    def init_process(self) -> None:
        # Linux hands a connection to accept() only once its first bytes have arrived (or after
        # DEFER_ACCEPT_S without any): the head is then usually read whole right after accept(),
        # with no second turn of the event loop (that turn cost about 10 % of upload throughput).
        if hasattr(socket, "TCP_DEFER_ACCEPT"):
            for listener in self.sockets:
                if listener.family in (socket.AF_INET, socket.AF_INET6):
                    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, DEFER_ACCEPT_S)
        super().init_process()

    def enqueue_req(self, conn: TConn) -> None:
        # Every request of a connection, kept-alive ones too, has its head read here first.
        self._start_header(conn)

    def _start_header(self, conn: TConn) -> None:
        conn.header_buf = bytearray()
        if conn.parser is not None:  # a kept-alive connection: bytes already read past the last request
            conn.header_buf += conn.parser.unreader.take_buffered()
        conn.header_deadline = time.monotonic() + HEADER_TIMEOUT_S
        conn.sock.setblocking(False)
        if self._header_complete(conn.header_buf, 0):
            self._dispatch(conn)
            return
        self.header_conns.append(conn)
        client = _client_key(conn)
        mine = self.pending_by_client.setdefault(client, deque())
        mine.append(conn)
        if len(mine) > PENDING_PER_CLIENT:
            self._drop_pending(mine[0])
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_header_bytes, conn))
        # The bytes are often there already (a kept-alive connection became readable to get here; a
        # new client sends its request right after connecting): no need to wait for the poller.
        self._on_header_bytes(conn, conn.sock)

    def _on_header_bytes(self, conn: TConn, _client: object) -> None:
        try:
            data = conn.sock.recv(8192)  # a head's worth: what follows is the body, read by the thread
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._drop_pending(conn)
            return
        before = len(conn.header_buf)
        conn.header_buf += data
        if len(conn.header_buf) > HEADER_MAX_BYTES:
            self._drop_pending(conn)
        elif self._header_complete(conn.header_buf, before):
            self._forget_pending(conn)
            self.poller.unregister(conn.sock)
            self._dispatch(conn)

    @staticmethod
    def _header_complete(buf: bytearray, before: int) -> bool:
        """Whether gunicorn's parser can take ``buf`` without reading more: the head has ended, or
        it has a bare LF, which the parser refuses at once. Only bytes from ``before`` on are new."""
        head = 2 if buf[:2] == b"\r\n" else 0  # the one empty line the parser skips
        if buf.find(b"\r\n\r\n", max(head, before - 3)) >= 0:
            return True
        lf = buf.find(b"\n", max(head, before))
        while lf >= 0:
            if lf == 0 or buf[lf - 1] != 0x0D:
                return True
            lf = buf.find(b"\n", lf + 1)
        return False

    def _dispatch(self, conn: TConn) -> None:
        conn.sock.setblocking(True)
        conn.init()  # the HTTP/1 parser (no TLS here: nothing to negotiate on this thread)
        conn.parser.unreader.unread(bytes(conn.header_buf))
        conn.header_buf = bytearray()
        super().enqueue_req(conn)

    def handle_request(self, req: Any, conn: TConn) -> Any:
        _current.req = req
        try:
            return super().handle_request(req, conn)
        finally:
            _current.req = None

    def _forget_pending(self, conn: TConn) -> None:
        self.header_conns.remove(conn)
        client = _client_key(conn)
        mine = self.pending_by_client.get(client)
        if mine is not None:
            mine.remove(conn)
            if not mine:
                del self.pending_by_client[client]

    def _drop_pending(self, conn: TConn) -> None:
        self._forget_pending(conn)
        self.poller.unregister(conn.sock)
        self.nr_conns -= 1
        conn.close()

    def murder_keepalived(self, force: bool = False) -> None:
        super().murder_keepalived(force)
        now = time.monotonic()
        while self.header_conns and (force or self.header_conns[0].header_deadline <= now):
            self._drop_pending(self.header_conns[0])

    def _cap_keepalive(self, deadline: float) -> None:
        super()._cap_keepalive(deadline)
        for conn in self.header_conns:
            conn.header_deadline = min(conn.header_deadline, deadline)


def _client_key(conn: TConn) -> str:
    client = conn.client
    return str(client[0]) if isinstance(client, tuple) else str(client)


class _PacedInput:
    """``wsgi.input`` whose reads wait for the client at most as long as the body policy allows."""

    def __init__(self, body: Any, sock: Any) -> None:
        self._body = body
        self._sock = sock
        # The body's time runs from when the app starts on it, not from when it was queued.
        self._start = time.monotonic()
        self._received = 0

    def _timed_out(self) -> RequestTimeout:
        req = getattr(_current, "req", None)
        if req is not None:
            req.must_close = True  # the rest of the body is not coming: answer, then close
        return RequestTimeout("The request body arrived too slowly.")

    def _paced(self, read: Callable[..., Any], *args: Any) -> Any:
        allowed = self._start + BODY_GRACE_S + self._received / BODY_MIN_RATE - time.monotonic()
        wait = min(BODY_IDLE_S, allowed)
        if wait <= 0:
            raise self._timed_out()
        prior = self._sock.gettimeout()
        self._sock.settimeout(wait)
        try:
            data = read(*args)
        except TimeoutError as exc:
            raise self._timed_out() from exc
        finally:
            self._sock.settimeout(prior)
        self._received += len(data) if isinstance(data, bytes) else sum(map(len, data))
        return data

    def read(self, size: int | None = None) -> bytes:
        return self._paced(self._body.read, size)  # type: ignore[no-any-return]

    def readline(self, size: int | None = None) -> bytes:
        return self._paced(self._body.readline, size)  # type: ignore[no-any-return]

    def readlines(self, hint: int | None = None) -> list[bytes]:
        return self._paced(self._body.readlines, hint)  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line


def paced_body(app: Any) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """WSGI middleware applying the body policy to ``wsgi.input``."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        sock = environ.get("gunicorn.socket")
        if sock is not None and environ.get("wsgi.input") is not None:
            environ["wsgi.input"] = _PacedInput(environ["wsgi.input"], sock)
        return app(environ, start_response)  # type: ignore[no-any-return]

    return wrapped


def die_with_master(_arbiter: Any, worker: Any) -> None:
    """post_fork: the kernel SIGKILLs this worker when the master dies (Linux), so orphaned workers
    never keep the listening socket, and a server started again can bind it at once."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return
    # The master may have died between fork and prctl: then nobody sends the signal.
    if os.getppid() != worker.ppid:
        os._exit(1)


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """Serve an already-built Flask app with gunicorn's pre-fork workers."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = {
            "worker_class": f"{__name__}.SlowClientSafeWorker",
            "keepalive": KEEPALIVE_S,
            "post_fork": die_with_master,
            **options,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return paced_body(self.application)
