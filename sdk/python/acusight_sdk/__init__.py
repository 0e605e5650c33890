"""Acusight's Python client: the REST API (``Acusight``: resource namespaces, every generated operation
of ``acusight_sdk._generated``, downloads, waiting for jobs) and the device agent (``acusight_sdk.agent``,
``acusight-agent``)."""

from acusight_sdk.auth import DeviceKeyAuth, ServiceKeyAuth, TokenAuth
from acusight_sdk.client import Acusight
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
from acusight_sdk.files import IntegrityError
from acusight_sdk.http import Http
from acusight_sdk.jobs import JobFailed, JobTimeout
from acusight_sdk.transport import RetryPolicy

__all__ = [
    "Acusight",
    "AcusightError",
    "ApiError",
    "BadRequest",
    "Conflict",
    "DeviceKeyAuth",
    "Forbidden",
    "Http",
    "IntegrityError",
    "JobFailed",
    "JobTimeout",
    "NotFound",
    "PayloadTooLarge",
    "RateLimited",
    "RetryPolicy",
    "ServerError",
    "ServiceKeyAuth",
    "TokenAuth",
    "Unauthorized",
]
