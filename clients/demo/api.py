"""The demo's side of the REST API: a bearer token, the envelope unwrapped, errors naming the call."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import requests

POLL_S = 0.5


class DemoError(RuntimeError):
    """A step of the demo failed; the message says which and why."""


class ApiCallError(DemoError):
    """The API refused a call; ``status`` is its HTTP status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class Api:
    """The demo's user: an admin with a bearer token."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = self.session.request(method, self.base + path, timeout=120, **kwargs)
        if resp.status_code == 204:
            return None
        body = resp.json()
        if not body.get("success"):
            error = body["error"]
            details = error.get("details") or ""
            raise ApiCallError(
                f"{method} {path}: {resp.status_code} {error['code']}: {error['message']} {details}",
                resp.status_code,
            )
        return body["data"]

    def all_pages(self, path: str, **params: Any) -> Iterator[dict[str, Any]]:
        page = 1
        while True:
            resp = self.session.get(
                self.base + path, params={**params, "page": page, "per_page": 100}, timeout=120
            )
            body = resp.json()
            if not body.get("success"):
                raise ApiCallError(f"GET {path}: {resp.status_code} {body['error']}", resp.status_code)
            yield from body["data"]
            if page >= body["meta"]["total_pages"]:
                return
            page += 1

    def wait(
        self,
        path: str,
        done: Callable[[dict[str, Any]], bool],
        timeout: float,
        tick: Callable[[dict[str, Any]], None],
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            record = self.call("GET", path)
            tick(record)
            if done(record):
                return record
            time.sleep(POLL_S)
        raise DemoError(f"{path} did not finish within {timeout:.0f} s")
