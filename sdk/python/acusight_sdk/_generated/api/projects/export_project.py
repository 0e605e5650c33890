from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.export_project_format import ExportProjectFormat
from ...models.export_project_response_200 import ExportProjectResponse200
from ...types import UNSET, Response


def _get_kwargs(
    project_id: int,
    *,
    format_: ExportProjectFormat,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_format_ = format_.value
    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/data/projects/{project_id}/export".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | ExportProjectResponse200:
    if response.status_code == 200:
        response_200 = ExportProjectResponse200.from_dict(response.json())

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
) -> Response[ErrorEnvelope | ExportProjectResponse200]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: int,
    *,
    client: AuthenticatedClient,
    format_: ExportProjectFormat,
) -> Response[ErrorEnvelope | ExportProjectResponse200]:
    """Download the current labels of the project's annotated images as a file.

    Args:
        project_id (int):
        format_ (ExportProjectFormat):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | ExportProjectResponse200]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: int,
    *,
    client: AuthenticatedClient,
    format_: ExportProjectFormat,
) -> ErrorEnvelope | ExportProjectResponse200 | None:
    """Download the current labels of the project's annotated images as a file.

    Args:
        project_id (int):
        format_ (ExportProjectFormat):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | ExportProjectResponse200
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    project_id: int,
    *,
    client: AuthenticatedClient,
    format_: ExportProjectFormat,
) -> Response[ErrorEnvelope | ExportProjectResponse200]:
    """Download the current labels of the project's annotated images as a file.

    Args:
        project_id (int):
        format_ (ExportProjectFormat):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | ExportProjectResponse200]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: int,
    *,
    client: AuthenticatedClient,
    format_: ExportProjectFormat,
) -> ErrorEnvelope | ExportProjectResponse200 | None:
    """Download the current labels of the project's annotated images as a file.

    Args:
        project_id (int):
        format_ (ExportProjectFormat):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | ExportProjectResponse200
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            format_=format_,
        )
    ).parsed
