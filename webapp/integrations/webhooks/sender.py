"""One delivery attempt over HTTP: to the checked address, short timeouts, no redirects, a capped read."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import httpx

from webapp.errors import describe_failure
from webapp.integrations.webhooks import urls

log = logging.getLogger(__name__)

USER_AGENT = "Acusight-Webhooks/1"
# What is kept of a response's body: enough to see why a receiver refused, never a whole page.
RESPONSE_EXCERPT_CHARS = 500


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: a status code (None: no answer) and, unless 2xx, why it failed."""

    status_code: int | None
    error: str | None
    excerpt: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def send(url: str, headers: dict[str, str], body: bytes, *, timeout_s: float, allow_private: bool) -> Outcome:
    """POST ``body`` to ``url`` once. Never raises for the receiver's sake: every failure is an Outcome."""
    try:
        candidates = urls.targets(url, allow_private)
    except urls.RefusedURL as exc:
        return Outcome(None, f"refused: {exc}", None)
    except (OSError, UnicodeError) as exc:
        return Outcome(None, f"the host name does not resolve ({describe_failure(exc)})", None)
    outcome = Outcome(None, "no address", None)
    # The next address only when this one could not be connected to (an IPv6 address first, and no IPv6
    # route, say): once connected, the request may have been taken, and is not sent twice.
    for target in candidates:
        outcome, connected = _post(target, headers, body, timeout_s)
        if connected:
            break
    return outcome


def _post(
    target: urls.Target, headers: dict[str, str], body: bytes, timeout_s: float
) -> tuple[Outcome, bool]:
    """The outcome of one POST to one address, and whether a connection was made at all."""
    # The environment's proxies are not used: the connection must go to the address just checked.
    extensions = {"sni_hostname": target.tls_name} if target.tls_name else {}
    started = time.monotonic()
    try:
        with (
            httpx.Client(timeout=httpx.Timeout(timeout_s), follow_redirects=False, trust_env=False) as client,
            client.stream(
                "POST",
                target.url,
                content=body,
                headers={
                    **headers,
                    "Host": target.host_header,
                    "Content-Type": "application/json",
                    "User-Agent": USER_AGENT,
                },
                extensions=extensions,
            ) as response,
        ):
            excerpt = _excerpt(response, started + timeout_s)
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        log.info("webhook attempt to %s could not connect: %r", target.url, exc)
        return Outcome(None, describe_failure(exc), None), False
    except httpx.HTTPError as exc:
        log.info("webhook attempt to %s failed: %r", target.url, exc)
        return Outcome(None, describe_failure(exc), None), True
    code = response.status_code
    if 200 <= code < 300:
        return Outcome(code, None, excerpt), True
    if response.is_redirect:
        return Outcome(code, f"HTTP {code}: redirects are not followed", excerpt), True
    return Outcome(code, f"HTTP {code}", excerpt), True


def _excerpt(response: httpx.Response, deadline: float) -> str | None:
    """The start of the body, read until RESPONSE_EXCERPT_CHARS bytes or the deadline; the rest is never
    read (the connection closes with the response)."""
    kept = bytearray()
    for chunk in response.iter_raw():
        kept += chunk
        if len(kept) >= RESPONSE_EXCERPT_CHARS or time.monotonic() > deadline:
            break
    return kept[:RESPONSE_EXCERPT_CHARS].decode("utf-8", "replace") if kept else None
