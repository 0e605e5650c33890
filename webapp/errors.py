"""The platform's own exceptions; one handler turns each into the error envelope
(``{"success": false, "error": {code, message, details}}``, webapp/api/envelope/errors.py)."""

from __future__ import annotations

import socket
import ssl


class AppError(Exception):
    """Base of every error a service may raise on purpose."""

    status = 500
    code = "INTERNAL_ERROR"

    def __init__(self, message: str, details: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        # Response headers sent with the error envelope (Retry-After, for one).
        self.headers: dict[str, str] = {}


class ValidationError(AppError):
    status = 400
    code = "VALIDATION_ERROR"


class Unauthorized(AppError):
    status = 401
    code = "UNAUTHORIZED"


class Forbidden(AppError):
    status = 403
    code = "FORBIDDEN"


class NotFound(AppError):
    status = 404
    code = "NOT_FOUND"


class Conflict(AppError):
    status = 409
    code = "CONFLICT"


class PayloadTooLarge(AppError):
    status = 413
    code = "PAYLOAD_TOO_LARGE"


class RateLimited(AppError):
    """Too much at once: the caller may try again after ``retry_after_s`` seconds (Retry-After)."""

    status = 429
    code = "RATE_LIMITED"

    def __init__(self, message: str, details: str | None = None, *, retry_after_s: int) -> None:
        super().__init__(message, details)
        self.headers["Retry-After"] = str(retry_after_s)


class InsufficientStorage(AppError):
    """The organization's storage quota would be exceeded; nothing was stored."""

    status = 507
    code = "INSUFFICIENT_STORAGE"


class ServiceUnavailable(AppError):
    status = 503
    code = "SERVICE_UNAVAILABLE"


# Causes a failed call to another service (Prefect, the sign-in provider, Label Studio) may have, in
# words; the first one found along the exception's chain is the one shown.
_CAUSES: tuple[tuple[type[BaseException], str], ...] = (
    (ConnectionRefusedError, "connection refused"),
    (ConnectionResetError, "the connection was reset"),
    (ConnectionAbortedError, "the connection was aborted"),
    (TimeoutError, "no answer in time"),
    (socket.gaierror, "the host name does not resolve"),
    (ssl.SSLError, "the TLS handshake failed"),
)


def describe_failure(exc: BaseException) -> str:
    """Why a call to another service failed, for an error's details: never the exception's own text,
    which names library classes, object addresses and at times the server's files (the caller logs it)."""
    seen: set[int] = set()
    chain: list[BaseException] = []
    stack: list[object] = [exc]
    while stack:
        current = stack.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        chain.append(current)
        # requests and urllib3 keep the underlying error in args and in MaxRetryError.reason as well.
        stack += [current.__cause__, current.__context__, getattr(current, "reason", None), *current.args]
    for cls, words in _CAUSES:
        if any(isinstance(error, cls) for error in chain):
            return words
    if any("timeout" in type(error).__name__.lower() for error in chain):
        return "no answer in time"
    for error in chain:
        if isinstance(error, OSError) and error.strerror:
            return error.strerror[:1].lower() + error.strerror[1:]
    return "the call failed (the server's log has the cause)"
