"""``Acusight``: the client people use — one object for every call of the REST API.

Three ways in, all sharing one set of credentials, timeouts and retries::

    from acusight_sdk import Acusight
    from acusight_sdk._generated.api.devices import list_devices

    client = Acusight("https://acusight.example.com", token=access, refresh_token=refresh)
    client.devices.iter(project_id=3)                 # resource namespaces: dicts, paged iterators
    client.call(list_devices, page=1, per_page=20)    # any generated operation: its model's ``data``
    client.ops.devices.list_devices(page=1)           # the same, found by tag and name
    client.http.get("/devices", page=1)               # any path, raw JSON

Errors are :class:`~acusight_sdk.errors.ApiError` subclasses whichever way is used.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any, Callable, Union

import httpx

from acusight_sdk._generated import Client as GeneratedClient
from acusight_sdk._generated.types import Unset
from acusight_sdk.auth import ServiceKeyAuth, TokenAuth
from acusight_sdk.errors import AcusightError, error_from_response
from acusight_sdk.http import DEFAULT_TIMEOUT, MAX_PER_PAGE, Http
from acusight_sdk.resources import (
    Datasets,
    Devices,
    ExportJobs,
    Images,
    ModelVersions,
    Projects,
    Rollouts,
    TrainingJobs,
)
from acusight_sdk.transport import RetryPolicy, RetryTransport

Operation = Union[ModuleType, Callable[..., Any]]
GENERATED_API = "acusight_sdk._generated.api"


class Acusight:
    """A signed-in caller of one Acusight server.

    Credentials, one of:

    - ``token`` (a person's access token) and, to stay signed in, ``refresh_token``: on a 401 the pair
      is traded once for a new one (``on_refresh(access, refresh)`` is told, to save it). The API
      signs people in with OpenID Connect only: open :attr:`login_url` in a browser, and the callback
      answers the pair (or hands it to the configured front end);
    - ``service_key`` (``ask_…``) with ``organization_id``: a service account acting for one
      organization, as the platform's flows do;
    - ``auth``: any other ``httpx.Auth`` (e.g. :class:`~acusight_sdk.auth.DeviceKeyAuth`).

    ``retry`` says how idempotent calls are retried (see :mod:`acusight_sdk.transport`);
    ``transport`` replaces the network (tests pass ``httpx.WSGITransport(app=app)``); retries wrap it.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        refresh_token: str | None = None,
        on_refresh: Callable[[str, str], None] | None = None,
        service_key: str | None = None,
        organization_id: int | None = None,
        auth: httpx.Auth | None = None,
        timeout: Any = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        headers: dict[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if sum(x is not None for x in (token, service_key, auth)) > 1:
            raise ValueError("give one of token, service_key or auth")
        if auth is None and token is not None:
            auth = TokenAuth(token, refresh_token, on_refresh)
        elif auth is None and service_key is not None:
            auth = ServiceKeyAuth(service_key, organization_id)
        self.auth = auth
        self.retry = retry or RetryPolicy()
        # One connection pool for both clients; each has its RetryTransport around it.
        inner = transport or httpx.HTTPTransport()
        self.http = Http(base_url, auth, timeout, self.retry, headers, inner)
        self.base_url = self.http.base_url  # ``.../api``
        self.server_url = self.base_url[: -len("/api")]
        # The generated operations carry full paths (/api/...): their client is rooted at the server.
        self.api = GeneratedClient(base_url=self.server_url, timeout=timeout)
        self.api.set_httpx_client(
            httpx.Client(
                base_url=self.server_url,
                auth=auth,
                timeout=timeout,
                headers=headers,
                transport=RetryTransport(self.retry, inner),
            )
        )
        self.ops = Operations(self)
        self.devices = Devices(self.http)
        self.projects = Projects(self.http)
        self.images = Images(self.http)
        self.datasets = Datasets(self.http)
        self.training_jobs = TrainingJobs(self.http)
        self.models = ModelVersions(self.http)
        self.export_jobs = ExportJobs(self.http)
        self.rollouts = Rollouts(self.http)

    # -- generated operations -------------------------------------------------------------------

    def call(self, operation: Operation, **kwargs: Any) -> Any:
        """Run a generated operation and answer its envelope's ``data`` (a generated model, a list of
        them, or None for 204); raises :class:`~acusight_sdk.errors.ApiError` on an error status.

        ``operation`` is a module of ``acusight_sdk._generated.api`` (``list_devices``) or one of its
        functions; ``kwargs`` are its keyword arguments (path and query parameters, ``body=``).
        """
        return self.call_detailed(operation, **kwargs)[0]

    def call_detailed(self, operation: Operation, **kwargs: Any) -> tuple[Any, Any]:
        """``(data, envelope)``: the envelope is the generated model of the whole answer (``meta``)."""
        module = _operation_module(operation)
        response = module.sync_detailed(client=self.api, **kwargs)
        status = int(response.status_code)
        if not 200 <= status < 300:
            raise self._error(module, kwargs, response)
        envelope = response.parsed
        data = getattr(envelope, "data", envelope)
        return (None if isinstance(data, Unset) else data), envelope

    def pages(
        self, operation: Operation | str, *, per_page: int = MAX_PER_PAGE, **kwargs: Any
    ) -> Iterator[Any]:
        """Every item of a list, page after page: a generated list operation (items are models) or a
        path (``"/devices"``; items are dicts)."""
        if isinstance(operation, str):
            yield from self.http.pages(operation, per_page=per_page, **kwargs)
            return
        page = 1
        while True:
            items, envelope = self.call_detailed(operation, page=page, per_page=per_page, **kwargs)
            yield from items or []
            meta = getattr(envelope, "meta", None)
            total = getattr(meta, "total_pages", 0)
            if not items or isinstance(total, Unset) or page >= int(total or 0):
                return
            page += 1

    def _error(self, module: ModuleType, kwargs: dict[str, Any], response: Any) -> AcusightError:
        try:
            request_kwargs = module._get_kwargs(**{k: v for k, v in kwargs.items() if k != "client"})
            request = httpx.Request(request_kwargs["method"], self.server_url + request_kwargs["url"])
        except Exception:  # only for the message: the status and envelope are what matter
            request = httpx.Request("GET", self.server_url)
        answer = httpx.Response(
            int(response.status_code), headers=response.headers, content=response.content, request=request
        )
        return error_from_response(answer)

    # -- people's sign-in -----------------------------------------------------------------------

    @property
    def login_url(self) -> str:
        """Where a browser starts signing in (OpenID Connect); the callback answers the token pair."""
        return f"{self.base_url}/auth/login"

    @property
    def tokens(self) -> tuple[str, str | None] | None:
        """The current ``(access, refresh)`` pair — refreshed ones included — for a person's client."""
        if isinstance(self.auth, TokenAuth):
            return self.auth.access_token, self.auth.refresh_token
        return None

    def me(self) -> dict[str, Any]:
        """Who the credentials are: the user, their organization and role."""
        result: dict[str, Any] = self.http.get("/auth/me")
        return result

    def logout(self) -> None:
        """End this sign-in on the server: its access and refresh tokens stop working now."""
        body: dict[str, Any] = {}
        if isinstance(self.auth, TokenAuth) and self.auth.refresh_token:
            body["refresh_token"] = self.auth.refresh_token
        self.http.request("POST", "/auth/logout", json=body)
        if isinstance(self.auth, TokenAuth):
            self.auth.refresh_token = None

    # -- lifetime -------------------------------------------------------------------------------

    def close(self) -> None:
        self.api.get_httpx_client().close()
        self.http.close()

    def __enter__(self) -> Acusight:
        return self

    def __exit__(self, *args: Any) -> None:
        self.close()


def _operation_module(operation: Operation) -> ModuleType:
    module = operation if isinstance(operation, ModuleType) else sys.modules[operation.__module__]
    if not module.__name__.startswith(GENERATED_API + ".") or not hasattr(module, "sync_detailed"):
        raise TypeError(f"{module.__name__} is not an operation of {GENERATED_API}")
    return module


class Operations:
    """``client.ops.<tag>.<operation>(**kwargs)``: every generated operation, bound to the client
    (``client.ops.devices.list_devices(page=1)`` is ``client.call(list_devices, page=1)``).
    Tags are the API reference's, with underscores (``training_jobs``); ``dir()`` lists them."""

    def __init__(self, client: Acusight) -> None:
        self._client = client

    def __getattr__(self, tag: str) -> Tag:
        try:
            package = importlib.import_module(f"{GENERATED_API}.{tag}")
        except ImportError:
            raise AttributeError(f"no tag {tag!r} in the API") from None
        return Tag(self._client, package)

    def __dir__(self) -> list[str]:
        package = importlib.import_module(GENERATED_API)
        return sorted(info.name for info in pkgutil.iter_modules(package.__path__))


class Tag:
    """The operations of one tag, each ``name(**kwargs)`` calling :meth:`Acusight.call`."""

    def __init__(self, client: Acusight, package: ModuleType) -> None:
        self._client = client
        self._package = package

    def __getattr__(self, name: str) -> Callable[..., Any]:
        try:
            module = importlib.import_module(f"{self._package.__name__}.{name}")
        except ImportError:
            raise AttributeError(f"no operation {name!r} in {self._package.__name__}") from None
        client = self._client

        def operation(**kwargs: Any) -> Any:
            return client.call(module, **kwargs)

        operation.__name__ = name
        operation.__doc__ = module.sync.__doc__
        return operation

    def __dir__(self) -> list[str]:
        return sorted(info.name for info in pkgutil.iter_modules(self._package.__path__))
