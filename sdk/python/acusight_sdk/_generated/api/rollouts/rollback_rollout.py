from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.reason import Reason
from ...models.rollout_detail_envelope import RolloutDetailEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    rollout_id: int,
    *,
    body: Reason | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/ml/rollouts/{rollout_id}/rollback".format(
            rollout_id=quote(str(rollout_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | RolloutDetailEnvelope:
    if response.status_code == 200:
        response_200 = RolloutDetailEnvelope.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

    response_default = ErrorEnvelope.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | RolloutDetailEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    rollout_id: int,
    *,
    client: AuthenticatedClient,
    body: Reason | Unset = UNSET,
) -> Response[ErrorEnvelope | RolloutDetailEnvelope]:
    """Roll the rollout back: its devices go back to their previous export at their next check-in

    Args:
        rollout_id (int):
        body (Reason | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | RolloutDetailEnvelope]
    """

    kwargs = _get_kwargs(
        rollout_id=rollout_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    rollout_id: int,
    *,
    client: AuthenticatedClient,
    body: Reason | Unset = UNSET,
) -> ErrorEnvelope | RolloutDetailEnvelope | None:
    """Roll the rollout back: its devices go back to their previous export at their next check-in

    Args:
        rollout_id (int):
        body (Reason | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | RolloutDetailEnvelope
    """

    return sync_detailed(
        rollout_id=rollout_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    rollout_id: int,
    *,
    client: AuthenticatedClient,
    body: Reason | Unset = UNSET,
) -> Response[ErrorEnvelope | RolloutDetailEnvelope]:
    """Roll the rollout back: its devices go back to their previous export at their next check-in

    Args:
        rollout_id (int):
        body (Reason | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | RolloutDetailEnvelope]
    """

    kwargs = _get_kwargs(
        rollout_id=rollout_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    rollout_id: int,
    *,
    client: AuthenticatedClient,
    body: Reason | Unset = UNSET,
) -> ErrorEnvelope | RolloutDetailEnvelope | None:
    """Roll the rollout back: its devices go back to their previous export at their next check-in

    Args:
        rollout_id (int):
        body (Reason | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | RolloutDetailEnvelope
    """

    return (
        await asyncio_detailed(
            rollout_id=rollout_id,
            client=client,
            body=body,
        )
    ).parsed
