from __future__ import annotations

from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.view_signed_image_variant import ViewSignedImageVariant
from ...types import UNSET, Response


def _get_kwargs(
    image_id: int,
    *,
    variant: ViewSignedImageVariant,
    u: int,
    exp: int,
    sig: str,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_variant = variant.value
    params["variant"] = json_variant

    params["u"] = u

    params["exp"] = exp

    params["sig"] = sig

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/data/images/{image_id}/view".format(
            image_id=quote(str(image_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorEnvelope:
    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

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
    image_id: int,
    *,
    client: AuthenticatedClient | Client,
    variant: ViewSignedImageVariant,
    u: int,
    exp: int,
    sig: str,
) -> Response[Any | ErrorEnvelope]:
    """An image or its thumbnail through a signed, expiring URL (an image's `signed_file_url` or
    `signed_thumbnail_url`): what a browser's `<img src>` loads, with no Authorization header.

    Args:
        image_id (int):
        variant (ViewSignedImageVariant):
        u (int):
        exp (int):
        sig (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        image_id=image_id,
        variant=variant,
        u=u,
        exp=exp,
        sig=sig,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    image_id: int,
    *,
    client: AuthenticatedClient | Client,
    variant: ViewSignedImageVariant,
    u: int,
    exp: int,
    sig: str,
) -> Any | ErrorEnvelope | None:
    """An image or its thumbnail through a signed, expiring URL (an image's `signed_file_url` or
    `signed_thumbnail_url`): what a browser's `<img src>` loads, with no Authorization header.

    Args:
        image_id (int):
        variant (ViewSignedImageVariant):
        u (int):
        exp (int):
        sig (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return sync_detailed(
        image_id=image_id,
        client=client,
        variant=variant,
        u=u,
        exp=exp,
        sig=sig,
    ).parsed


async def asyncio_detailed(
    image_id: int,
    *,
    client: AuthenticatedClient | Client,
    variant: ViewSignedImageVariant,
    u: int,
    exp: int,
    sig: str,
) -> Response[Any | ErrorEnvelope]:
    """An image or its thumbnail through a signed, expiring URL (an image's `signed_file_url` or
    `signed_thumbnail_url`): what a browser's `<img src>` loads, with no Authorization header.

    Args:
        image_id (int):
        variant (ViewSignedImageVariant):
        u (int):
        exp (int):
        sig (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        image_id=image_id,
        variant=variant,
        u=u,
        exp=exp,
        sig=sig,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    image_id: int,
    *,
    client: AuthenticatedClient | Client,
    variant: ViewSignedImageVariant,
    u: int,
    exp: int,
    sig: str,
) -> Any | ErrorEnvelope | None:
    """An image or its thumbnail through a signed, expiring URL (an image's `signed_file_url` or
    `signed_thumbnail_url`): what a browser's `<img src>` loads, with no Authorization header.

    Args:
        image_id (int):
        variant (ViewSignedImageVariant):
        u (int):
        exp (int):
        sig (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            image_id=image_id,
            client=client,
            variant=variant,
            u=u,
            exp=exp,
            sig=sig,
        )
    ).parsed
