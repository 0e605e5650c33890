from __future__ import annotations

import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.field_metrics_envelope import FieldMetricsEnvelope
from ...models.get_field_metrics_bucket import GetFieldMetricsBucket
from ...types import UNSET, Response, Unset


def _get_kwargs(
    job_id: int,
    *,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    device_id: int | Unset = UNSET,
    bucket: GetFieldMetricsBucket | Unset = GetFieldMetricsBucket.HOUR,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to

    params["device_id"] = device_id

    json_bucket: str | Unset = UNSET
    if not isinstance(bucket, Unset):
        json_bucket = bucket.value

    params["bucket"] = json_bucket

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/ml/export-jobs/{job_id}/field-metrics".format(
            job_id=quote(str(job_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | FieldMetricsEnvelope:
    if response.status_code == 200:
        response_200 = FieldMetricsEnvelope.from_dict(response.json())

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
) -> Response[ErrorEnvelope | FieldMetricsEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    job_id: int,
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    device_id: int | Unset = UNSET,
    bucket: GetFieldMetricsBucket | Unset = GetFieldMetricsBucket.HOUR,
) -> Response[ErrorEnvelope | FieldMetricsEnvelope]:
    """How the export does on devices: predictions, class mix, confidence, latency per bucket, and
    the same figures on its model's held-out images (reference).

    Args:
        job_id (int):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        device_id (int | Unset):
        bucket (GetFieldMetricsBucket | Unset):  Default: GetFieldMetricsBucket.HOUR.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | FieldMetricsEnvelope]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        from_=from_,
        to=to,
        device_id=device_id,
        bucket=bucket,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    job_id: int,
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    device_id: int | Unset = UNSET,
    bucket: GetFieldMetricsBucket | Unset = GetFieldMetricsBucket.HOUR,
) -> ErrorEnvelope | FieldMetricsEnvelope | None:
    """How the export does on devices: predictions, class mix, confidence, latency per bucket, and
    the same figures on its model's held-out images (reference).

    Args:
        job_id (int):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        device_id (int | Unset):
        bucket (GetFieldMetricsBucket | Unset):  Default: GetFieldMetricsBucket.HOUR.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | FieldMetricsEnvelope
    """

    return sync_detailed(
        job_id=job_id,
        client=client,
        from_=from_,
        to=to,
        device_id=device_id,
        bucket=bucket,
    ).parsed


async def asyncio_detailed(
    job_id: int,
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    device_id: int | Unset = UNSET,
    bucket: GetFieldMetricsBucket | Unset = GetFieldMetricsBucket.HOUR,
) -> Response[ErrorEnvelope | FieldMetricsEnvelope]:
    """How the export does on devices: predictions, class mix, confidence, latency per bucket, and
    the same figures on its model's held-out images (reference).

    Args:
        job_id (int):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        device_id (int | Unset):
        bucket (GetFieldMetricsBucket | Unset):  Default: GetFieldMetricsBucket.HOUR.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | FieldMetricsEnvelope]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        from_=from_,
        to=to,
        device_id=device_id,
        bucket=bucket,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    job_id: int,
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    device_id: int | Unset = UNSET,
    bucket: GetFieldMetricsBucket | Unset = GetFieldMetricsBucket.HOUR,
) -> ErrorEnvelope | FieldMetricsEnvelope | None:
    """How the export does on devices: predictions, class mix, confidence, latency per bucket, and
    the same figures on its model's held-out images (reference).

    Args:
        job_id (int):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        device_id (int | Unset):
        bucket (GetFieldMetricsBucket | Unset):  Default: GetFieldMetricsBucket.HOUR.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | FieldMetricsEnvelope
    """

    return (
        await asyncio_detailed(
            job_id=job_id,
            client=client,
            from_=from_,
            to=to,
            device_id=device_id,
            bucket=bucket,
        )
    ).parsed
