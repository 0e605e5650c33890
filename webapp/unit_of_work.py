"""One unit of work per request or per job: services only ``flush()``; their caller owns the transaction.

A request's unit of work is the view: when the view returns a success response (status below 400)
everything the request did is committed, in one transaction, before the response leaves; when it
raises (an ``AppError`` from a service or a signal's subscriber, anything else) or answers with an
error status, everything is rolled back. A commit that fails (a unique key taken by a concurrent
request) goes to the error handlers like any error of the view.

Callers outside a request (CLI commands, the reaper, anything run from a thread) wrap their work in
:func:`unit_of_work`. A service commits on its own, through :func:`commit_now`, only where durability
before an outside side effect is the point (an upload acknowledged only once its row is committed, a
row committed before Label Studio or Prefect is called so that a crash is recoverable); each such
place says why.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, Response, current_app
from sqlalchemy.orm import Session


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Commit what the block did when it ends; roll all of it back when it raises."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def commit_now(session: Session) -> None:
    """Commit what is pending now, inside a unit of work: only where durability before an outside side
    effect is the point (the caller says why)."""
    with unit_of_work(session):
        pass


def _session() -> Session:
    return current_app.extensions["acusight.db"][1]()


class UnitOfWorkFlask(Flask):
    """A Flask app whose every view is one unit of work (see the module's docstring)."""

    def dispatch_request(self) -> Any:
        session = _session()
        try:
            response: Response = self.make_response(super().dispatch_request())
            if response.status_code < 400:
                session.commit()
            else:
                session.rollback()
        except BaseException:
            session.rollback()
            raise
        return response


def init_app(app: Flask) -> None:
    """What ran outside the view (a before-request hook that refused, an error handler) is rolled back."""

    @app.teardown_request
    def _end_unit_of_work(_exc: BaseException | None) -> None:
        if "acusight.db" in app.extensions:
            app.extensions["acusight.db"][1]().rollback()
