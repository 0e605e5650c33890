"""Talking to Label Studio from a request (linking, and keeping the labeling config in step)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from webapp.errors import Conflict, ServiceUnavailable, describe_failure
from webapp.integrations.label_studio.instances import Instance

if TYPE_CHECKING:
    from label_studio_sdk import LabelStudio

log = logging.getLogger(__name__)

LABEL_STUDIO_TIMEOUT_S = 15


def for_instance(instance: Instance) -> LabelStudio:
    """An SDK client for ``instance``; callers reach it through this module, so tests can replace it."""
    # Imported here: the SDK is slow to load and only these few requests need it.
    from label_studio_sdk import LabelStudio

    # No retries: a request waits on this, and a failure is reported to the caller as 503.
    return LabelStudio(
        base_url=instance.url, api_key=instance.token, timeout=LABEL_STUDIO_TIMEOUT_S, max_retries=0
    )


@contextmanager
def calling_label_studio(what: str, url: str) -> Iterator[None]:
    """Label Studio's failures as the platform's errors: unreachable or failing 503, a refusal 409."""
    import httpx
    from label_studio_sdk.core.api_error import ApiError

    try:
        yield
    except httpx.HTTPError as exc:
        log.warning("Label Studio call failed: %s at %s: %r", what, url, exc)
        raise ServiceUnavailable(
            "Label Studio is unreachable", f"{what} at {url}: {describe_failure(exc)}"
        ) from exc
    except ApiError as exc:
        detail = f"{what} at {url}: HTTP {exc.status_code} {exc.body!r}"[:1000]
        if exc.status_code in (401, 403):
            raise ServiceUnavailable("Label Studio refused the configured token", detail) from exc
        if exc.status_code is not None and exc.status_code < 500:
            raise Conflict("Label Studio refused the request", detail) from exc
        raise ServiceUnavailable("Label Studio failed", detail) from exc
