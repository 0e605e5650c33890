from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.list_webhook_deliveries_event import ListWebhookDeliveriesEvent
from ...models.list_webhook_deliveries_status import ListWebhookDeliveriesStatus
from ...models.webhook_delivery_page_envelope import WebhookDeliveryPageEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    webhook_id: int,
    *,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
    status: ListWebhookDeliveriesStatus | Unset = UNSET,
    event: ListWebhookDeliveriesEvent | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["page"] = page

    params["per_page"] = per_page

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    json_event: str | Unset = UNSET
    if not isinstance(event, Unset):
        json_event = event.value

    params["event"] = json_event

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/webhooks/{webhook_id}/deliveries".format(
            webhook_id=quote(str(webhook_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | WebhookDeliveryPageEnvelope:
    if response.status_code == 200:
        response_200 = WebhookDeliveryPageEnvelope.from_dict(response.json())

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
) -> Response[ErrorEnvelope | WebhookDeliveryPageEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    webhook_id: int,
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
    status: ListWebhookDeliveriesStatus | Unset = UNSET,
    event: ListWebhookDeliveriesEvent | Unset = UNSET,
) -> Response[ErrorEnvelope | WebhookDeliveryPageEnvelope]:
    """The endpoint's deliveries, newest first: status, attempts, last answer or error, next try.

    Args:
        webhook_id (int):
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 20.
        status (ListWebhookDeliveriesStatus | Unset):
        event (ListWebhookDeliveriesEvent | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | WebhookDeliveryPageEnvelope]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        page=page,
        per_page=per_page,
        status=status,
        event=event,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    webhook_id: int,
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
    status: ListWebhookDeliveriesStatus | Unset = UNSET,
    event: ListWebhookDeliveriesEvent | Unset = UNSET,
) -> ErrorEnvelope | WebhookDeliveryPageEnvelope | None:
    """The endpoint's deliveries, newest first: status, attempts, last answer or error, next try.

    Args:
        webhook_id (int):
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 20.
        status (ListWebhookDeliveriesStatus | Unset):
        event (ListWebhookDeliveriesEvent | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | WebhookDeliveryPageEnvelope
    """

    return sync_detailed(
        webhook_id=webhook_id,
        client=client,
        page=page,
        per_page=per_page,
        status=status,
        event=event,
    ).parsed


async def asyncio_detailed(
    webhook_id: int,
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
    status: ListWebhookDeliveriesStatus | Unset = UNSET,
    event: ListWebhookDeliveriesEvent | Unset = UNSET,
) -> Response[ErrorEnvelope | WebhookDeliveryPageEnvelope]:
    """The endpoint's deliveries, newest first: status, attempts, last answer or error, next try.

    Args:
        webhook_id (int):
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 20.
        status (ListWebhookDeliveriesStatus | Unset):
        event (ListWebhookDeliveriesEvent | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | WebhookDeliveryPageEnvelope]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        page=page,
        per_page=per_page,
        status=status,
        event=event,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    webhook_id: int,
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
    status: ListWebhookDeliveriesStatus | Unset = UNSET,
    event: ListWebhookDeliveriesEvent | Unset = UNSET,
) -> ErrorEnvelope | WebhookDeliveryPageEnvelope | None:
    """The endpoint's deliveries, newest first: status, attempts, last answer or error, next try.

    Args:
        webhook_id (int):
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 20.
        status (ListWebhookDeliveriesStatus | Unset):
        event (ListWebhookDeliveriesEvent | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | WebhookDeliveryPageEnvelope
    """

    return (
        await asyncio_detailed(
            webhook_id=webhook_id,
            client=client,
            page=page,
            per_page=per_page,
            status=status,
            event=event,
        )
    ).parsed
