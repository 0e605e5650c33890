"""One httpx client per caller, shared by the hand-written calls and the generated ones: the base URL,
the auth, timeouts, retries (transport.py); the envelope unwrapped and errors raised (errors.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from acusight_sdk.errors import error_from_response, unwrap
from acusight_sdk.transport import IDEMPOTENT, RetryPolicy, RetryTransport

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
MAX_PER_PAGE = 100


def api_base(url: str) -> str:
    """``http://host:8080`` or ``http://host:8080/api`` both mean the API at ``.../api``."""
    url = url.rstrip("/")
    return url if url.endswith("/api") else url + "/api"


class Http:
    """Calls under ``{base_url}/api`` and answers their ``data``.

    ``path`` arguments are the API reference's paths without the ``/api`` prefix (``/devices``).
    """

    def __init__(
        self,
        base_url: str,
        auth: httpx.Auth | None = None,
        timeout: Any = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        headers: dict[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = api_base(base_url)
        self.client = httpx.Client(
            base_url=self.base_url,
            auth=auth,
            timeout=timeout,
            headers=headers,
            transport=RetryTransport(retry, transport),
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        data: dict[str, Any] | None = None,
        files: Any = None,
        headers: dict[str, str] | None = None,
        idempotent: bool = False,
        timeout: Any = None,
    ) -> Any:
        """The answer's ``data``; :class:`~acusight_sdk.errors.ApiError` for an error envelope.
        ``idempotent``: a POST the API de-duplicates, so retrying it is safe."""
        response = self.send(
            method,
            path,
            params=params,
            json=json,
            data=data,
            files=files,
            headers=headers,
            idempotent=idempotent,
            timeout=timeout,
        )
        return unwrap(response)

    def send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        data: dict[str, Any] | None = None,
        files: Any = None,
        headers: dict[str, str] | None = None,
        idempotent: bool = False,
        timeout: Any = None,
    ) -> httpx.Response:
        """The raw response, whatever its status (the caller reads it)."""
        kwargs: dict[str, Any] = {}
        if timeout is not None:
            kwargs["timeout"] = timeout
        return self.client.request(
            method,
            path.lstrip("/"),
            params=_clean(params),
            json=json,
            data=data,
            files=files,
            headers=headers,
            extensions={IDEMPOTENT: True} if idempotent else None,
            **kwargs,
        )

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: Any = None, *, idempotent: bool = False) -> Any:
        return self.request("POST", path, json=body, idempotent=idempotent)

    def patch(self, path: str, body: Any) -> Any:
        return self.request("PATCH", path, json=body)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)

    def pages(self, path: str, per_page: int = MAX_PER_PAGE, **params: Any) -> Iterator[Any]:
        """Every item of a list, page after page (``page``/``per_page``, ``meta.total_pages``)."""
        page = 1
        while True:
            response = self.send("GET", path, params={**params, "page": page, "per_page": per_page})
            items = unwrap(response)
            yield from items
            meta = response.json().get("meta") or {}
            if page >= int(meta.get("total_pages") or 0) or not items:
                return
            page += 1

    @contextmanager
    def stream(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
        idempotent: bool = False,
        **params: Any,
    ) -> Iterator[httpx.Response]:
        """A streamed answer (files, archives, JSON lines), its status already checked.
        ``idempotent``: a POST that only reads (an archive of listed files), so retrying it is safe."""
        request = self.client.build_request(
            method,
            path.lstrip("/"),
            params=_clean(params),
            json=json,
            headers=headers,
            extensions={IDEMPOTENT: True} if idempotent else None,
        )
        response = self.client.send(request, stream=True)
        try:
            if not response.is_success and response.status_code != 304:
                response.read()
                raise error_from_response(response)
            yield response
        finally:
            response.close()

    def lines(self, path: str, **params: Any) -> Iterator[str]:
        """The non-empty lines of a streamed text answer (JSON lines)."""
        with self.stream("GET", path, **params) as response:
            for line in response.iter_lines():
                if line:
                    yield line

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *args: Any) -> None:
        self.close()


def _clean(params: dict[str, Any] | None) -> dict[str, Any] | None:
    """Query parameters without the ones left None."""
    if params is None:
        return None
    return {key: value for key, value in params.items() if value is not None}
