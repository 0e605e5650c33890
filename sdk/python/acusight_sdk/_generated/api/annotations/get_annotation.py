from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.annotation_envelope import AnnotationEnvelope
from ...models.error_envelope import ErrorEnvelope
from ...types import Response


def _get_kwargs(
    annotation_id: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/data/annotations/{annotation_id}".format(
            annotation_id=quote(str(annotation_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AnnotationEnvelope | ErrorEnvelope:
    if response.status_code == 200:
        response_200 = AnnotationEnvelope.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    response_default = ErrorEnvelope.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AnnotationEnvelope | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    annotation_id: int,
    *,
    client: AuthenticatedClient,
) -> Response[AnnotationEnvelope | ErrorEnvelope]:
    """Get one annotation.

    Args:
        annotation_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnnotationEnvelope | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        annotation_id=annotation_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    annotation_id: int,
    *,
    client: AuthenticatedClient,
) -> AnnotationEnvelope | ErrorEnvelope | None:
    """Get one annotation.

    Args:
        annotation_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnnotationEnvelope | ErrorEnvelope
    """

    return sync_detailed(
        annotation_id=annotation_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    annotation_id: int,
    *,
    client: AuthenticatedClient,
) -> Response[AnnotationEnvelope | ErrorEnvelope]:
    """Get one annotation.

    Args:
        annotation_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnnotationEnvelope | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        annotation_id=annotation_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    annotation_id: int,
    *,
    client: AuthenticatedClient,
) -> AnnotationEnvelope | ErrorEnvelope | None:
    """Get one annotation.

    Args:
        annotation_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnnotationEnvelope | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            annotation_id=annotation_id,
            client=client,
        )
    ).parsed
