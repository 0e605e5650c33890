"""A thin typed client of the platform's REST API, as a flow on any worker machine uses it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from flows.config import FlowSettings

ORG_HEADER = "X-Acusight-Organization"


class ApiError(RuntimeError):
    """The API answered with its error envelope."""

    def __init__(
        self, status: int, code: str, message: str, details: str | None, retry_after: float | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}" + (f" ({details})" if details else ""))
        self.status, self.code, self.details = status, code, details
        # Seconds the API asked the caller to wait (Retry-After of a 429 or 503), when it said.
        self.retry_after = retry_after


class PlatformClient:
    """Calls the API as the worker's service account, acting for one organization."""

    def __init__(self, settings: FlowSettings, organization_id: int | None, timeout: float = 60) -> None:
        """``organization_id`` None: for the few service calls that span organizations."""
        if not settings.service_key:
            raise RuntimeError("no service key: set ACUSIGHT_SERVICE_KEY (see `acusight service-key`)")
        self.base = settings.api_url
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {settings.service_key}"
        if organization_id is not None:
            self.session.headers[ORG_HEADER] = str(organization_id)
        # Transient failures (connection resets, a replica restarting) are retried with backoff;
        # every call here is idempotent (GET, PATCH of a state, POST of a read-only archive).
        retry = Retry(
            total=5,
            backoff_factor=0.5,
            status_forcelist=(502, 503, 504),
            allowed_methods=None,
            raise_on_status=False,
        )
        self.session.mount("http://", HTTPAdapter(max_retries=retry))
        self.session.mount("https://", HTTPAdapter(max_retries=retry))

    def _check(self, resp: requests.Response) -> requests.Response:
        if resp.ok:
            return resp
        try:
            error = resp.json()["error"]
        except (ValueError, KeyError, TypeError):
            error = {"code": "HTTP_ERROR", "message": resp.text[:200], "details": None}
        retry_after = resp.headers.get("Retry-After", "")
        raise ApiError(
            resp.status_code,
            error.get("code", ""),
            error.get("message", ""),
            error.get("details"),
            float(retry_after) if retry_after.isdigit() else None,
        )

    def get(self, path: str, **params: Any) -> Any:
        resp = self.session.get(self.base + path, params=params, timeout=self.timeout)
        return self._check(resp).json()["data"]

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        resp = self.session.patch(self.base + path, json=body, timeout=self.timeout)
        return self._check(resp).json()["data"]

    def post(self, path: str, body: dict[str, Any]) -> Any:
        resp = self.session.post(self.base + path, json=body, timeout=self.timeout)
        return self._check(resp).json()["data"]

    def upload(self, path: str, file: BinaryIO, fields: dict[str, str]) -> Any:
        """POST a file as multipart ``file`` with form ``fields``."""
        resp = self.session.post(
            self.base + path, files={"file": file}, data=fields, timeout=max(self.timeout, 600)
        )
        return self._check(resp).json()["data"]

    def stream(self, method: str, path: str, body: dict[str, Any] | None = None) -> requests.Response:
        """A streaming response (files, archives, JSON lines); the caller closes it."""
        resp = self.session.request(method, self.base + path, json=body, stream=True, timeout=self.timeout)
        return self._check(resp)

    def lines(self, path: str) -> Iterator[str]:
        with self.stream("GET", path) as resp:
            resp.encoding = resp.encoding or "utf-8"  # else requests yields bytes, not str
            for line in resp.iter_lines(decode_unicode=True):
                if line:
                    yield line
