"""The audit log's capture: every change the ORM writes, recorded as it is written (see ``capture``)."""

from __future__ import annotations

from flask import Flask

from webapp.integrations.audit.capture import install as _install
from webapp.settings import get_settings


def init_app(app: Flask) -> None:
    """Audit the app's sessions, unless ACUSIGHT_AUDIT_ENABLED is off (to measure what auditing costs)."""
    if get_settings(app).audit_enabled:
        _install(app, app.extensions["acusight.db"][1].session_factory)
