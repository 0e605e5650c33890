from __future__ import annotations

from http import HTTPStatus
from typing import Any, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.start_login_return_to import StartLoginReturnTo
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    return_to: StartLoginReturnTo | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_return_to: str | Unset = UNSET
    if not isinstance(return_to, Unset):
        json_return_to = return_to.value

    params["return_to"] = json_return_to

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/auth/login",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorEnvelope:
    if response.status_code == 302:
        response_302 = cast(Any, None)
        return response_302

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())

        return response_503

    response_default = ErrorEnvelope.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    return_to: StartLoginReturnTo | Unset = UNSET,
) -> Response[Any | ErrorEnvelope]:
    """Start signing in: a redirect to the OpenID Connect provider (code flow with PKCE).

    Args:
        return_to (StartLoginReturnTo | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        return_to=return_to,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    return_to: StartLoginReturnTo | Unset = UNSET,
) -> Any | ErrorEnvelope | None:
    """Start signing in: a redirect to the OpenID Connect provider (code flow with PKCE).

    Args:
        return_to (StartLoginReturnTo | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return sync_detailed(
        client=client,
        return_to=return_to,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    return_to: StartLoginReturnTo | Unset = UNSET,
) -> Response[Any | ErrorEnvelope]:
    """Start signing in: a redirect to the OpenID Connect provider (code flow with PKCE).

    Args:
        return_to (StartLoginReturnTo | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        return_to=return_to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    return_to: StartLoginReturnTo | Unset = UNSET,
) -> Any | ErrorEnvelope | None:
    """Start signing in: a redirect to the OpenID Connect provider (code flow with PKCE).

    Args:
        return_to (StartLoginReturnTo | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            return_to=return_to,
        )
    ).parsed
