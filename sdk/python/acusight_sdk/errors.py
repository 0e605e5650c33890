"""The API's error envelope as exceptions: ``{"success": false, "error": {code, message, details}}``."""

from __future__ import annotations

from typing import Any

import httpx


class AcusightError(Exception):
    """Anything this package raises on purpose."""


class ApiError(AcusightError):
    """The API answered with its error envelope (or, from a proxy in front of it, with no envelope).

    ``status`` is the HTTP status; ``code``, ``message`` and ``details`` are the envelope's, as the API
    reference lists them (``VALIDATION_ERROR``, ``NOT_FOUND``, ``CONFLICT``, ...). ``retry_after`` is
    the seconds a 429 or 503 asked the caller to wait, when it said.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Any = None,
        retry_after: float | None = None,
        method: str = "",
        url: str = "",
    ) -> None:
        where = f"{method} {url}: " if method else ""
        told = f" ({details})" if details else ""
        super().__init__(f"{where}{status} {code}: {message}{told}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.retry_after = retry_after
        self.method = method
        self.url = url


class BadRequest(ApiError):
    """400: the request was refused as it stands (``VALIDATION_ERROR``, ``BAD_REQUEST``)."""


class Unauthorized(ApiError):
    """401: no credentials, or credentials the API does not accept."""


class Forbidden(ApiError):
    """403: the caller's role may not do this."""


class NotFound(ApiError):
    """404: no such resource in the caller's organization."""


class Conflict(ApiError):
    """409: the resource's state does not allow it, or the name is taken."""


class PayloadTooLarge(ApiError):
    """413: the body is over the route's limit."""


class RateLimited(ApiError):
    """429: too many requests; ``retry_after`` says how long to wait."""


class ServerError(ApiError):
    """5xx: the server or a proxy in front of it failed."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
    429: RateLimited,
}


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return float(value) if value else None
    except ValueError:
        return None  # an HTTP date: rare enough here to ignore


def error_from_response(response: httpx.Response) -> ApiError:
    """The exception for an unsuccessful response, read from its envelope when it has one."""
    code, message, details = "HTTP_ERROR", response.reason_phrase or "error", None
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        code = str(error.get("code") or code)
        message = str(error.get("message") or message)
        details = error.get("details")
    elif response.content:
        details = response.text[:300]
    status = response.status_code
    kind = _BY_STATUS.get(status, ServerError if status >= 500 else ApiError)
    request = response.request
    return kind(status, code, message, details, _retry_after(response), request.method, str(request.url))


def unwrap(response: httpx.Response) -> Any:
    """``data`` of a successful envelope; raises :class:`ApiError` for any other answer."""
    if response.status_code == 204:
        return None
    if not response.is_success:
        raise error_from_response(response)
    try:
        body = response.json()
    except ValueError as exc:
        raise AcusightError(
            f"{response.request.method} {response.request.url}: {response.status_code} answer is not JSON"
        ) from exc
    if not isinstance(body, dict) or body.get("success") is not True:
        raise error_from_response(response)
    return body.get("data")
