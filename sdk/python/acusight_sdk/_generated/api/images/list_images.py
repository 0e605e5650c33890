from __future__ import annotations

import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.image_page_envelope import ImagePageEnvelope
from ...models.list_images_order import ListImagesOrder
from ...models.list_images_sort import ListImagesSort
from ...models.list_images_status import ListImagesStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
    project_id: int | Unset = UNSET,
    batch_id: int | Unset = UNSET,
    device_id: int | Unset = UNSET,
    status: ListImagesStatus | Unset = UNSET,
    labeled: bool | Unset = UNSET,
    label: str | Unset = UNSET,
    captured_after: datetime.datetime | Unset = UNSET,
    captured_before: datetime.datetime | Unset = UNSET,
    sort: ListImagesSort | Unset = UNSET,
    order: ListImagesOrder | Unset = ListImagesOrder.DESC,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["page"] = page

    params["per_page"] = per_page

    params["project_id"] = project_id

    params["batch_id"] = batch_id

    params["device_id"] = device_id

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["labeled"] = labeled

    params["label"] = label

    json_captured_after: str | Unset = UNSET
    if not isinstance(captured_after, Unset):
        json_captured_after = captured_after.isoformat()
    params["captured_after"] = json_captured_after

    json_captured_before: str | Unset = UNSET
    if not isinstance(captured_before, Unset):
        json_captured_before = captured_before.isoformat()
    params["captured_before"] = json_captured_before

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort.value

    params["sort"] = json_sort

    json_order: str | Unset = UNSET
    if not isinstance(order, Unset):
        json_order = order.value

    params["order"] = json_order

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/data/images",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | ImagePageEnvelope:
    if response.status_code == 200:
        response_200 = ImagePageEnvelope.from_dict(response.json())

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
) -> Response[ErrorEnvelope | ImagePageEnvelope]:
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
    batch_id: int | Unset = UNSET,
    device_id: int | Unset = UNSET,
    status: ListImagesStatus | Unset = UNSET,
    labeled: bool | Unset = UNSET,
    label: str | Unset = UNSET,
    captured_after: datetime.datetime | Unset = UNSET,
    captured_before: datetime.datetime | Unset = UNSET,
    sort: ListImagesSort | Unset = UNSET,
    order: ListImagesOrder | Unset = ListImagesOrder.DESC,
) -> Response[ErrorEnvelope | ImagePageEnvelope]:
    """List images, newest first (sort by created or captured time); filters combine.

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 20.
        project_id (int | Unset):
        batch_id (int | Unset):
        device_id (int | Unset):
        status (ListImagesStatus | Unset):
        labeled (bool | Unset):
        label (str | Unset):
        captured_after (datetime.datetime | Unset):
        captured_before (datetime.datetime | Unset):
        sort (ListImagesSort | Unset):
        order (ListImagesOrder | Unset):  Default: ListImagesOrder.DESC.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | ImagePageEnvelope]
    """

    kwargs = _get_kwargs(
        page=page,
        per_page=per_page,
        project_id=project_id,
        batch_id=batch_id,
        device_id=device_id,
        status=status,
        labeled=labeled,
        label=label,
        captured_after=captured_after,
        captured_before=captured_before,
        sort=sort,
        order=order,
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
    batch_id: int | Unset = UNSET,
    device_id: int | Unset = UNSET,
    status: ListImagesStatus | Unset = UNSET,
    labeled: bool | Unset = UNSET,
    label: str | Unset = UNSET,
    captured_after: datetime.datetime | Unset = UNSET,
    captured_before: datetime.datetime | Unset = UNSET,
    sort: ListImagesSort | Unset = UNSET,
    order: ListImagesOrder | Unset = ListImagesOrder.DESC,
) -> ErrorEnvelope | ImagePageEnvelope | None:
    """List images, newest first (sort by created or captured time); filters combine.

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 20.
        project_id (int | Unset):
        batch_id (int | Unset):
        device_id (int | Unset):
        status (ListImagesStatus | Unset):
        labeled (bool | Unset):
        label (str | Unset):
        captured_after (datetime.datetime | Unset):
        captured_before (datetime.datetime | Unset):
        sort (ListImagesSort | Unset):
        order (ListImagesOrder | Unset):  Default: ListImagesOrder.DESC.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | ImagePageEnvelope
    """

    return sync_detailed(
        client=client,
        page=page,
        per_page=per_page,
        project_id=project_id,
        batch_id=batch_id,
        device_id=device_id,
        status=status,
        labeled=labeled,
        label=label,
        captured_after=captured_after,
        captured_before=captured_before,
        sort=sort,
        order=order,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
    project_id: int | Unset = UNSET,
    batch_id: int | Unset = UNSET,
    device_id: int | Unset = UNSET,
    status: ListImagesStatus | Unset = UNSET,
    labeled: bool | Unset = UNSET,
    label: str | Unset = UNSET,
    captured_after: datetime.datetime | Unset = UNSET,
    captured_before: datetime.datetime | Unset = UNSET,
    sort: ListImagesSort | Unset = UNSET,
    order: ListImagesOrder | Unset = ListImagesOrder.DESC,
) -> Response[ErrorEnvelope | ImagePageEnvelope]:
    """List images, newest first (sort by created or captured time); filters combine.

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 20.
        project_id (int | Unset):
        batch_id (int | Unset):
        device_id (int | Unset):
        status (ListImagesStatus | Unset):
        labeled (bool | Unset):
        label (str | Unset):
        captured_after (datetime.datetime | Unset):
        captured_before (datetime.datetime | Unset):
        sort (ListImagesSort | Unset):
        order (ListImagesOrder | Unset):  Default: ListImagesOrder.DESC.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | ImagePageEnvelope]
    """

    kwargs = _get_kwargs(
        page=page,
        per_page=per_page,
        project_id=project_id,
        batch_id=batch_id,
        device_id=device_id,
        status=status,
        labeled=labeled,
        label=label,
        captured_after=captured_after,
        captured_before=captured_before,
        sort=sort,
        order=order,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
    project_id: int | Unset = UNSET,
    batch_id: int | Unset = UNSET,
    device_id: int | Unset = UNSET,
    status: ListImagesStatus | Unset = UNSET,
    labeled: bool | Unset = UNSET,
    label: str | Unset = UNSET,
    captured_after: datetime.datetime | Unset = UNSET,
    captured_before: datetime.datetime | Unset = UNSET,
    sort: ListImagesSort | Unset = UNSET,
    order: ListImagesOrder | Unset = ListImagesOrder.DESC,
) -> ErrorEnvelope | ImagePageEnvelope | None:
    """List images, newest first (sort by created or captured time); filters combine.

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 20.
        project_id (int | Unset):
        batch_id (int | Unset):
        device_id (int | Unset):
        status (ListImagesStatus | Unset):
        labeled (bool | Unset):
        label (str | Unset):
        captured_after (datetime.datetime | Unset):
        captured_before (datetime.datetime | Unset):
        sort (ListImagesSort | Unset):
        order (ListImagesOrder | Unset):  Default: ListImagesOrder.DESC.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | ImagePageEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            page=page,
            per_page=per_page,
            project_id=project_id,
            batch_id=batch_id,
            device_id=device_id,
            status=status,
            labeled=labeled,
            label=label,
            captured_after=captured_after,
            captured_before=captured_before,
            sort=sort,
            order=order,
        )
    ).parsed
