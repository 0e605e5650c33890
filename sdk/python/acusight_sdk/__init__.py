"""Acusight's Python client: the REST API (generated models and calls under ``acusight_sdk._generated``,
and the hand-written layer here) and the device agent (``acusight_sdk.agent``, ``acusight-agent``)."""

from acusight_sdk.auth import DeviceKeyAuth, ServiceKeyAuth, TokenAuth
from acusight_sdk.errors import (
    AcusightError,
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServerError,
    Unauthorized,
)
from acusight_sdk.http import Http
from acusight_sdk.transport import RetryPolicy

__all__ = [
    "AcusightError",
    "ApiError",
    "BadRequest",
    "Conflict",
    "DeviceKeyAuth",
    "Forbidden",
    "Http",
    "NotFound",
    "PayloadTooLarge",
    "RateLimited",
    "RetryPolicy",
    "ServerError",
    "ServiceKeyAuth",
    "TokenAuth",
    "Unauthorized",
]
