"""The demo's side of the REST API: the SDK's client (sdk/python) as an admin with a bearer token.

A call the API refuses raises the SDK's ``ApiError`` (status, code, message, details); the demo turns
it, like any step that goes wrong, into a :class:`DemoError` the command line prints without a
traceback.
"""

from __future__ import annotations

from acusight_sdk import Acusight

# How often the demo looks again at something it waits for (jobs, Label Studio, the drift check).
POLL_S = 0.5


class DemoError(RuntimeError):
    """A step of the demo failed; the message says which and why."""


def connect(api_url: str, token: str) -> Acusight:
    """The admin's client; long calls (a thousand-image page, an archive) get two minutes."""
    return Acusight(api_url, token=token, timeout=120)
