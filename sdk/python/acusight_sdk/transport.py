"""Retries with backoff, as an httpx transport: the hand-written calls and the generated ones share it.

A request is retried when repeating it cannot do harm:

- it never reached the server (the connection was refused or timed out while connecting): any method;
- it is idempotent and the connection broke, or the answer was 502, 503 or 504 (a replica
  restarting, a proxy with no upstream), or 429: GET, HEAD, OPTIONS, PUT and DELETE, and a POST the
  caller marks idempotent (``extensions={IDEMPOTENT: True}``) because the API de-duplicates it — an
  upload carrying its sha256, an inference report carrying its ``batch_id``.

The wait doubles from ``initial`` up to ``maximum`` with random jitter (so a fleet that lost its server
at once does not come back at once), or is what the server's ``Retry-After`` asked when that is longer.
"""

from __future__ import annotations

import inspect
import time
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, stop_after_delay
from tenacity.wait import wait_exponential_jitter

IDEMPOTENT = "acusight.idempotent"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry. ``attempts=1`` turns retries off."""

    attempts: int = 5
    initial: float = 0.2
    maximum: float = 10.0
    # The longest a call may spend retrying, waits included (each attempt also has its own timeout).
    deadline: float = 120.0


class _RetryableStatus(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"{response.status_code}")
        self.response = response


def _idempotent(request: httpx.Request) -> bool:
    return request.method in SAFE_METHODS or bool(request.extensions.get(IDEMPOTENT))


def _retry_after(state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    if isinstance(exc, _RetryableStatus):
        value = exc.response.headers.get("Retry-After", "")
        try:
            return float(value)
        except ValueError:
            return 0.0
    return 0.0


def _jittered_backoff(policy: RetryPolicy) -> Any:
    # tenacity 9.1 renamed wait_exponential_jitter's ``initial`` to ``multiplier`` (the old name warns).
    start = (
        "multiplier" if "multiplier" in inspect.signature(wait_exponential_jitter).parameters else "initial"
    )
    return wait_exponential_jitter(**{start: policy.initial, "max": policy.maximum})


class RetryTransport(httpx.BaseTransport):
    """Wraps another transport (by default httpx's own) and retries what is safe to retry."""

    def __init__(self, policy: RetryPolicy | None = None, inner: httpx.BaseTransport | None = None) -> None:
        self.policy = policy or RetryPolicy()
        self.inner = inner or httpx.HTTPTransport()
        backoff = _jittered_backoff(self.policy)
        self._wait = lambda state: max(backoff(state), min(_retry_after(state), 60.0))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        idempotent = _idempotent(request)

        def retryable(exc: BaseException) -> bool:
            if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
                return True  # the request never left
            if isinstance(exc, _RetryableStatus):
                return True
            return idempotent and isinstance(
                exc, (httpx.ReadError, httpx.RemoteProtocolError, httpx.ReadTimeout)
            )

        def attempt() -> httpx.Response:
            response = self.inner.handle_request(request)
            if idempotent and response.status_code in RETRY_STATUSES:
                response.read()
                response.close()
                raise _RetryableStatus(response)
            return response

        retrying = Retrying(
            stop=stop_after_attempt(self.policy.attempts) | stop_after_delay(self.policy.deadline),
            wait=self._wait,
            retry=retry_if_exception(retryable),
            sleep=time.sleep,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _RetryableStatus as exc:
            # Out of attempts: the last answer is the caller's to read (its envelope says why).
            response = exc.response
            return httpx.Response(
                response.status_code,
                headers=response.headers,
                content=response.content,
                request=request,
                extensions=response.extensions,
            )

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *args: Any) -> None:
        self.close()
