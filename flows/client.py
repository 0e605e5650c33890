"""The platform's REST API as a flow on any worker machine calls it: the SDK's client (sdk/python),
authenticated as the worker's service account acting for one organization."""

from __future__ import annotations

from typing import Any, BinaryIO

from acusight_sdk import ApiError, Http, RetryPolicy, ServiceKeyAuth

from flows.config import FlowSettings

__all__ = ["ApiError", "PlatformClient"]

# A worker outlives a replica restarting or a proxy losing its upstream: retried for up to 2 minutes.
WORKER_RETRIES = RetryPolicy(attempts=8, initial=0.5, maximum=15.0, deadline=120.0)
UPLOAD_TIMEOUT_S = 600.0


class PlatformClient(Http):
    """Calls the API as the worker's service account.

    Every call a flow makes is safe to repeat — GETs, PATCHes that set a state, POSTs of read-only
    archives, of reports keyed by their stage, and uploads carrying their sha256 — so every call is
    retried after a reset connection or a 502/503/504, not only the idempotent methods.
    """

    def __init__(self, settings: FlowSettings, organization_id: int | None, timeout: float = 60) -> None:
        """``organization_id`` None: for the few service calls that span organizations."""
        if not settings.service_key:
            raise RuntimeError("no service key: set ACUSIGHT_SERVICE_KEY (see `acusight service-key`)")
        super().__init__(
            settings.api_url,
            auth=ServiceKeyAuth(settings.service_key, organization_id),
            timeout=timeout,
            retry=WORKER_RETRIES,
        )

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        return super().request(method, path, **{"idempotent": True, **kwargs})

    def upload(self, path: str, file: BinaryIO, fields: dict[str, str]) -> Any:
        """POST a file as multipart ``file`` with form ``fields`` (read again from its start on a retry)."""
        return self.request("POST", path, files={"file": file}, data=fields, timeout=UPLOAD_TIMEOUT_S)
