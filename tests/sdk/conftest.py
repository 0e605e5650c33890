"""Fixtures of the SDK's tests: an ``Acusight`` client talking to the test app in-process (its requests go
through the real WSGI app, the SDK's auth and RetryTransport), and a service account's key."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from acusight_sdk import Acusight, RetryPolicy
from flask import Flask

from webapp.extensions import db
from webapp.services import service_accounts
from webapp.unit_of_work import unit_of_work

BASE_URL = "http://testserver"
# Quick retries: the tests count attempts, they do not wait for them.
FAST_RETRY = RetryPolicy(attempts=4, initial=0.01, maximum=0.05, deadline=10)


@pytest.fixture
def sdk(app: Flask) -> Iterator[Callable[..., Acusight]]:
    """sdk(token=..., service_key=..., organization_id=..., **kwargs) -> Acusight over the test app."""
    made: list[Acusight] = []

    def _make(**kwargs: Any) -> Acusight:
        kwargs.setdefault("retry", FAST_RETRY)
        db.session.commit()  # what the test wrote through services is visible to the requests
        client = Acusight(BASE_URL, transport=httpx.WSGITransport(app=app), **kwargs)
        made.append(client)
        return client

    yield _make
    for client in made:
        client.close()


@pytest.fixture
def service_key(admin: Any) -> tuple[str, int]:
    """``(key, organization_id)`` of a service account acting for the admin's organization."""
    with unit_of_work(db.session):
        _, key = service_accounts.create(db.session, "sdk-tests")
    return key, admin.organization_id
