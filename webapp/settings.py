"""The API's settings (the model lives in ``acusight_settings``, shared with the workers) and the one way
code in the app reaches them: :func:`get_settings`."""

from __future__ import annotations

from typing import cast

from flask import Flask, current_app

from acusight_settings import (
    MIN_SECRET_KEY_CHARS,
    PLACEHOLDERS,
    SecretError,
    Settings,
    SettingsError,
    is_placeholder,
)

__all__ = [
    "MIN_SECRET_KEY_CHARS",
    "PLACEHOLDERS",
    "SETTINGS_EXTENSION",
    "SecretError",
    "Settings",
    "SettingsError",
    "get_settings",
    "is_placeholder",
]

# Where create_app keeps the app's settings (app.extensions).
SETTINGS_EXTENSION = "acusight.settings"


def get_settings(app: Flask | None = None) -> Settings:
    """The settings of ``app``, or of the app handling this request or command (current_app)."""
    return cast(Settings, (app or current_app).extensions[SETTINGS_EXTENSION])
