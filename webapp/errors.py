"""The platform's own exceptions; one handler turns each into the error envelope
(``{"success": false, "error": {code, message, details}}``, webapp/api/envelope/errors.py)."""

from __future__ import annotations


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
