"""deploy/Caddyfile in a real Caddy, its upstreams local stubs: what the internet gets through, and what not.

Caddy runs the deployment's Caddyfile unchanged; only its environment placeholders differ from compose:
upstreams at stubs recording every request, free loopback ports, host names under localhost (Caddy's
internal CA serves their TLS; its root, in the test's own data dir, verifies it).
"""

from __future__ import annotations

import base64
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CADDYFILE = Path(__file__).resolve().parents[2] / "deploy" / "Caddyfile"
HOST = "localhost"
LABELS_HOST = "labels.localhost"
USER = "operator"
PASSWORD = "a-test-password-for-prefect-9f3c"
DEVICE_KEY = "dk_secret-device-key"
# Caddy answers (or refuses) within this; no loop below runs longer.
START_ATTEMPTS = 150
TIMEOUT_S = 10.0


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Stub:
    """An upstream on a loopback port that answers 200 to anything and records every request."""

    name: str
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                stub.seen.append(
                    Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
                )
                body = stub.name.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def requests(self) -> list[Seen]:
        """What reached it, less Caddy's own health checks."""
        return [s for s in self.seen if not (s.method == "GET" and s.path == "/api/openapi.json")]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Stack:
    https_port: int
    http_port: int
    device_port: int
    api: Stub
    prefect: Stub
    label_studio: Stub
    context: ssl.SSLContext


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Tls(http.client.HTTPSConnection):
    """TLS to 127.0.0.1 with the SNI and certificate check of a host name."""

    def __init__(self, port: int, server_name: str, context: ssl.SSLContext) -> None:
        super().__init__("127.0.0.1", port, context=context, timeout=TIMEOUT_S)
        self.server_name = server_name

    def connect(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.server_name)  # type: ignore[attr-defined]


def _send(
    conn: http.client.HTTPConnection, method: str, path: str, host: str, headers: dict[str, str] | None
) -> Reply:
    try:
        conn.request(
            method,
            path,
            body=b"{}" if method in {"POST", "PATCH"} else None,
            headers={"Host": host, **(headers or {})},
        )
        response = conn.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        conn.close()


def https(
    stack: Stack,
    method: str,
    path: str,
    *,
    port: int | None = None,
    host: str = HOST,
    headers: dict[str, str] | None = None,
) -> Reply:
    return _send(_Tls(port or stack.https_port, host, stack.context), method, path, host, headers)


def plain(
    port: int, method: str, path: str, *, host: str = HOST, headers: dict[str, str] | None = None
) -> Reply | None:
    """A plain-HTTP request; None when the connection is refused or cut."""
    try:
        return _send(
            http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S), method, path, host, headers
        )
    except (OSError, http.client.HTTPException):
        return None


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    caddy = shutil.which("caddy")
    assert caddy, "caddy is not installed (scripts/setup.sh --tests installs it)"
    # Caddy starts only on a Caddyfile these placeholders steer: another would listen on ports 80 and
    # 443 of every interface and, run as root, add its local CA to the system's trust store.
    text = CADDYFILE.read_text()
    for needed in [
        "skip_install_trust",
        "{$ACUSIGHT_BIND:",
        "{$ACUSIGHT_CADDY_ADMIN:",
        "{$ACUSIGHT_HTTP_PORT:",
        "{$ACUSIGHT_HTTPS_PORT:",
        "{$ACUSIGHT_DEVICE_PORT:",
        "{$ACUSIGHT_API_UPSTREAM:",
        "{$PREFECT_UPSTREAM:",
        "{$LABEL_STUDIO_UPSTREAM:",
        "{$LABEL_STUDIO_HOST:",
    ]:
        assert needed in text, f"deploy/Caddyfile lacks {needed}"
    home = tmp_path_factory.mktemp("caddy")
    password_hash = subprocess.run(
        [caddy, "hash-password", "--plaintext", PASSWORD],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    stubs = {name: Stub(name) for name in ("api", "prefect", "label-studio")}
    ports = {name: _free_port() for name in ("https", "http", "device")}
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "ACUSIGHT_HOST": HOST,
        "LABEL_STUDIO_HOST": LABELS_HOST,
        "PREFECT_AUTH_USER": USER,
        "PREFECT_AUTH_PASSWORD_HASH": password_hash,
        "ACUSIGHT_API_UPSTREAM": stubs["api"].address,
        "PREFECT_UPSTREAM": stubs["prefect"].address,
        "LABEL_STUDIO_UPSTREAM": stubs["label-studio"].address,
        "ACUSIGHT_HTTPS_PORT": str(ports["https"]),
        "ACUSIGHT_HTTP_PORT": str(ports["http"]),
        "ACUSIGHT_DEVICE_PORT": str(ports["device"]),
        "ACUSIGHT_BIND": "127.0.0.1",
        "ACUSIGHT_CADDY_ADMIN": "off",
    }
    log = (home / "caddy.log").open("wb")
    process = subprocess.Popen(
        [caddy, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env=env,
        cwd=home,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        root = home / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        context: ssl.SSLContext | None = None
        for _ in range(START_ATTEMPTS):
            assert process.poll() is None, (home / "caddy.log").read_text()
            if root.exists():
                try:
                    context = ssl.create_default_context(cafile=str(root))
                    _send(_Tls(ports["https"], HOST, context), "GET", "/", HOST, None)
                    break
                except (OSError, ssl.SSLError, http.client.HTTPException):
                    pass
            time.sleep(0.2)
        else:
            pytest.fail("Caddy did not serve TLS: " + (home / "caddy.log").read_text()[-2000:])
        assert context is not None
        yield Stack(
            ports["https"],
            ports["http"],
            ports["device"],
            stubs["api"],
            stubs["prefect"],
            stubs["label-studio"],
            context,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        log.close()
        for stub in stubs.values():
            stub.stop()


PREFECT_PATHS = [
    ("PATCH", "/prefect/api/deployments/0b6a1c1e-0000-4000-8000-000000000000"),
    ("POST", "/prefect/api/deployments/0b6a1c1e-0000-4000-8000-000000000000/create_flow_run"),
    ("POST", "/prefect/api/logs/filter"),
    ("GET", "/prefect/api/health"),
    ("GET", "/prefect/"),
    ("PATCH", "/PREFECT/api/deployments/x"),
    ("PATCH", "/api/../prefect/api/deployments/x"),
    ("PATCH", "//prefect/api/deployments/x"),
    ("PATCH", "/prefect%2Fapi/deployments/x"),
    ("PATCH", "/prefect/%2e%2e/prefect/api/deployments/x"),
]


@pytest.mark.parametrize(("method", "path"), PREFECT_PATHS)
def test_prefect_without_credentials_gets_nothing_through(stack: Stack, method: str, path: str) -> None:
    before = len(stack.prefect.requests())
    for port in (stack.https_port, stack.device_port):
        reply = https(stack, method, path, port=port)
        assert reply.status in {401, 302, 404, 400}, (port, reply)
        assert b"prefect" not in reply.body
    # Over plain HTTP too (Caddy's redirect port, and the TLS ports spoken to in plain text).
    for port in (stack.http_port, stack.https_port, stack.device_port):
        reply_or_none = plain(port, method, path)
        assert reply_or_none is None or reply_or_none.body != b"prefect"
    # Nor through the Label Studio host.
    https(stack, method, path, host=LABELS_HOST)
    assert len(stack.prefect.requests()) == before


def test_prefect_without_credentials_is_asked_for_them(stack: Stack) -> None:
    reply = https(stack, "PATCH", "/prefect/api/deployments/x")
    assert reply.status == 401 and reply.headers.get("www-authenticate", "").startswith("Basic")


@pytest.mark.parametrize(
    "headers",
    [
        basic(USER, "wrong-password"),
        basic("admin", PASSWORD),
        basic(USER, ""),
        {"Authorization": "Bearer " + PASSWORD},
        {"Authorization": "Basic not-base64"},
    ],
)
def test_prefect_with_wrong_credentials_is_refused(stack: Stack, headers: dict[str, str]) -> None:
    before = len(stack.prefect.requests())
    reply = https(stack, "PATCH", "/prefect/api/deployments/x", headers=headers)
    assert reply.status == 401
    assert len(stack.prefect.requests()) == before


def test_prefect_with_the_credentials_is_forwarded_with_them(stack: Stack) -> None:
    reply = https(stack, "PATCH", "/prefect/api/deployments/x", headers=basic(USER, PASSWORD))
    assert reply.status == 200 and reply.body == b"prefect"
    seen = stack.prefect.requests()[-1]
    assert (seen.method, seen.path) == ("PATCH", "/api/deployments/x")
    # Prefect checks its own auth string in the same header: it must arrive untouched.
    assert seen.headers["authorization"] == basic(USER, PASSWORD)["Authorization"]


@pytest.mark.parametrize("port_name", ["https_port", "device_port"])
def test_devices_reach_the_api_over_tls(stack: Stack, port_name: str) -> None:
    headers = {"Authorization": f"Bearer {DEVICE_KEY}"}
    reply = https(stack, "POST", "/api/devices/checkin", port=getattr(stack, port_name), headers=headers)
    assert reply.status == 200 and reply.body == b"api"
    seen = stack.api.requests()[-1]
    assert (seen.method, seen.path, seen.headers["authorization"]) == (
        "POST",
        "/api/devices/checkin",
        headers["Authorization"],
    )
    assert seen.headers["x-forwarded-proto"] == "https"


def test_the_device_port_serves_the_api_alone(stack: Stack) -> None:
    before = (len(stack.api.requests()), len(stack.label_studio.requests()))
    assert https(stack, "GET", "/user/login", port=stack.device_port).status == 404
    assert (len(stack.api.requests()), len(stack.label_studio.requests())) == before


@pytest.mark.parametrize("port_name", ["device_port", "http_port", "https_port"])
def test_plain_http_never_carries_a_key_through(stack: Stack, port_name: str) -> None:
    before = len(stack.api.requests())
    headers = {"Authorization": f"Bearer {DEVICE_KEY}"}
    reply = plain(getattr(stack, port_name), "POST", "/api/devices/checkin", headers=headers)
    # Refused (400: an HTTP request to an HTTPS port), redirected to https, or cut: never proxied.
    assert reply is None or reply.status in {400, 301, 302, 307, 308}, reply
    if reply is not None and reply.status in {301, 302, 307, 308}:
        assert reply.headers["location"].startswith("https://")
    assert not any(DEVICE_KEY in str(s.headers) for s in stack.api.requests()[before:])
    assert len(stack.api.requests()) == before


def test_client_forwarded_for_is_not_trusted(stack: Stack) -> None:
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "http", "X-Real-IP": "203.0.113.9"}
    assert https(stack, "GET", "/api/whoami", headers=headers).status == 200
    seen = stack.api.requests()[-1]
    # The API (ACUSIGHT_PROXY_HOPS=1) takes the last X-Forwarded-For entry: Caddy's view of the client.
    assert seen.headers["x-forwarded-for"].split(",")[-1].strip() == "127.0.0.1"
    assert "203.0.113.9" not in seen.headers["x-forwarded-for"]
    assert seen.headers["x-forwarded-proto"] == "https"


def test_label_studio_is_served_on_its_host_over_tls(stack: Stack) -> None:
    reply = https(stack, "GET", "/user/login/", host=LABELS_HOST)
    assert reply.status == 200 and reply.body == b"label-studio"
    assert stack.label_studio.requests()[-1].path == "/user/login/"
    before = len(stack.label_studio.requests())
    # The platform's host never reaches it, nor does plain HTTP.
    https(stack, "GET", "/user/login/")
    plain(stack.https_port, "GET", "/user/login/", host=LABELS_HOST)
    redirect = plain(stack.http_port, "GET", "/user/login/", host=LABELS_HOST)
    assert redirect is None or redirect.headers.get("location", "").startswith("https://")
    assert len(stack.label_studio.requests()) == before


def test_other_paths_go_to_the_api_reference(stack: Stack) -> None:
    reply = https(stack, "GET", "/")
    assert reply.status == 302 and reply.headers["location"] == "/api/docs"
