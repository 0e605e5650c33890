from __future__ import annotations

from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.list_rollouts_status import ListRolloutsStatus
from ...models.rollout_page_envelope import RolloutPageEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
    project_id: int | Unset = UNSET,
    export_id: int | Unset = UNSET,
    status: ListRolloutsStatus | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["page"] = page

    params["per_page"] = per_page

    params["project_id"] = project_id

    params["export_id"] = export_id

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/ml/rollouts",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | RolloutPageEnvelope:
    if response.status_code == 200:
        response_200 = RolloutPageEnvelope.from_dict(response.json())

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

    response_default = ErrorEnvelope.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | RolloutPageEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
    project_id: int | Unset = UNSET,
    export_id: int | Unset = UNSET,
    status: ListRolloutsStatus | Unset = UNSET,
) -> Response[ErrorEnvelope | RolloutPageEnvelope]:
    """List rollouts, newest first.

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 20.
        project_id (int | Unset):
        export_id (int | Unset):
        status (ListRolloutsStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | RolloutPageEnvelope]
    """

    kwargs = _get_kwargs(
        page=page,
        per_page=per_page,
        project_id=project_id,
        export_id=export_id,
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
    project_id: int | Unset = UNSET,
    export_id: int | Unset = UNSET,
    status: ListRolloutsStatus | Unset = UNSET,
) -> ErrorEnvelope | RolloutPageEnvelope | None:
    """List rollouts, newest first.

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 20.
        project_id (int | Unset):
        export_id (int | Unset):
        status (ListRolloutsStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | RolloutPageEnvelope
    """

    return sync_detailed(
        client=client,
        page=page,
        per_page=per_page,
        project_id=project_id,
        export_id=export_id,
        status=status,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
    project_id: int | Unset = UNSET,
    export_id: int | Unset = UNSET,
    status: ListRolloutsStatus | Unset = UNSET,
) -> Response[ErrorEnvelope | RolloutPageEnvelope]:
    """List rollouts, newest first.

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 20.
        project_id (int | Unset):
        export_id (int | Unset):
        status (ListRolloutsStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | RolloutPageEnvelope]
    """

    kwargs = _get_kwargs(
        page=page,
        per_page=per_page,
        project_id=project_id,
        export_id=export_id,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
    project_id: int | Unset = UNSET,
    export_id: int | Unset = UNSET,
    status: ListRolloutsStatus | Unset = UNSET,
) -> ErrorEnvelope | RolloutPageEnvelope | None:
    """List rollouts, newest first.

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 20.
        project_id (int | Unset):
        export_id (int | Unset):
        status (ListRolloutsStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | RolloutPageEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            page=page,
            per_page=per_page,
            project_id=project_id,
            export_id=export_id,
            status=status,
        )
    ).parsed
