"""Who calls: a person (access token, refreshed when it expires), a service account, or a device.

Each is an ``httpx.Auth``, so the hand-written layer and the generated one authenticate the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Generator
from typing import Callable

import httpx

ORG_HEADER = "X-Acusight-Organization"
DEVICE_KEY_HEADER = "X-Device-Key"
REFRESH_PATH = "/auth/refresh"


class TokenAuth(httpx.Auth):
    """A person's access token. With a refresh token, a 401 trades it at ``POST /api/auth/refresh``
    for a new pair once and repeats the request; ``on_refresh`` is told the new pair (to save it).

    Refresh tokens work once: the API revokes the whole sign-in when one is presented twice, so the
    trade is serialized across threads sharing this client.
    """

    requires_response_body = True

    def __init__(
        self,
        access_token: str,
        refresh_token: str | None = None,
        on_refresh: Callable[[str, str], None] | None = None,
    ) -> None:
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.on_refresh = on_refresh
        self._lock = threading.Lock()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        used = self.access_token
        request.headers["Authorization"] = f"Bearer {used}"
        response = yield request
        if response.status_code != 401 or not self.refresh_token or request.url.path.endswith(REFRESH_PATH):
            return
        with self._lock:
            if self.access_token == used:  # no other thread refreshed meanwhile
                base = str(request.url).split("/api/", 1)[0]
                refresh = httpx.Request(
                    "POST",
                    f"{base}/api{REFRESH_PATH}",
                    headers={"Authorization": f"Bearer {self.refresh_token}"},
                )
                answer = yield refresh
                if answer.status_code != 200:
                    return  # the original 401 stands: sign in again
                data = answer.json()["data"]
                self.access_token, self.refresh_token = data["access_token"], data["refresh_token"]
                if self.on_refresh:
                    self.on_refresh(self.access_token, self.refresh_token)
        request.headers["Authorization"] = f"Bearer {self.access_token}"
        yield request


class ServiceKeyAuth(httpx.Auth):
    """A service account's key (``ask_…``), acting for one organization (or none, for the few calls
    that span organizations)."""

    def __init__(self, key: str, organization_id: int | None = None) -> None:
        self.key = key
        self.organization_id = organization_id

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.key}"
        if self.organization_id is not None:
            request.headers[ORG_HEADER] = str(self.organization_id)
        yield request


class DeviceKeyAuth(httpx.Auth):
    """A device's API key (``adk_…``), which its provisioning returned once."""

    def __init__(self, key: str) -> None:
        self.key = key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[DEVICE_KEY_HEADER] = self.key
        yield request
