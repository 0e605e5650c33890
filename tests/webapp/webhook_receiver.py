"""A real HTTP(S) receiver for the webhook tests, the documented verification snippet, and helpers."""

from __future__ import annotations

import json
import re
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.integrations.webhooks import dispatcher
from webapp.services import events
from webapp.settings import get_settings
from webapp.unit_of_work import unit_of_work

DOC = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "webhooks.md"

# A receiver on 127.0.0.1 (the tests'); no wait between attempts; a short timeout for the slow one.
CONFIG = {
    "webhook_allow_private_urls": True,
    "webhook_retry_base_s": 0,
    "webhook_timeout_s": 0.5,
    "webhook_max_attempts": 3,
}


def _documented_verify() -> Callable[..., bool]:
    """The verification snippet of docs/how-to/webhooks.md, run as it is printed there."""
    match = re.search(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert match, "docs/how-to/webhooks.md has no Python snippet"
    namespace: dict[str, Any] = {}
    exec(match[1], namespace)  # our own documentation's code
    return namespace["verify"]  # type: ignore[no-any-return]


verify = _documented_verify()


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """An HTTP server in a thread: answers each POST with the next of ``statuses`` (then 200), after
    ``gate`` opens when one is set; keeps every request."""

    server: ThreadingHTTPServer
    scheme: str = "http"
    host: str = "127.0.0.1"
    received: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    gate: threading.Event | None = None
    entered: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.server.server_address[1]}/hook"


@contextmanager
def receiving(tls: ssl.SSLContext | None = None, host: str = "127.0.0.1") -> Iterator[Receiver]:
    """A receiver for the block; over TLS with ``tls`` (a server context), named ``host`` in its URL."""
    holder: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            me = holder[0]
            body = self.rfile.read(int(self.headers["Content-Length"]))
            me.received.append(Received(dict(self.headers.items()), body))
            me.entered.set()
            if me.gate is not None:
                me.gate.wait(timeout=30)
            status = me.statuses.pop(0) if me.statuses else 200
            answer = b"thanks " * 200  # longer than the excerpt kept
            self.send_response(status)
            if status in (301, 302, 307):
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    holder.append(Receiver(server, scheme="https" if tls else "http", host=host))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        if holder[0].gate is not None:
            holder[0].gate.set()
        server.shutdown()
        server.server_close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


def create(client: FlaskClient, headers: dict[str, str], url: str, events_: list[str]) -> dict[str, Any]:
    resp = client.post("/api/webhooks", json={"url": url, "events": events_}, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    return dict(resp.get_json()["data"])


def emit(org_id: int, name: str = "training.succeeded", **data: Any) -> None:
    """An event as the core sends it, in a unit of work of its own."""
    with unit_of_work(db.session):
        events.platform_event.send(db.session, name=name, organization_id=org_id, data=data or {"x": 1})


def deliver(app: Flask, limit: int | None = None) -> int:
    db.session.commit()
    return dispatcher.run_once(db.session, get_settings(app), limit=limit)


def deliveries(client: FlaskClient, headers: dict[str, str], hook_id: int) -> list[dict[str, Any]]:
    resp = client.get(f"/api/webhooks/{hook_id}/deliveries", headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return list(resp.get_json()["data"])


def row_count(model: Any) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def in_thread(app: Flask, work: Callable[[], Any]) -> threading.Thread:
    """Run ``work`` in its own thread, app context and database session (as a dispatcher does)."""

    def run() -> None:
        with app.app_context():
            work()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread
