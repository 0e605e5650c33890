"""The Swagger UI's scripts and styles, served by the API itself from the swagger-ui-bundle package.

The page at /api/docs then loads nothing from another host: it works without internet, and its
Content-Security-Policy allows this origin alone (no CDN whose files could change under it).
"""

from __future__ import annotations

from flask import Flask, Response, send_from_directory
from swagger_ui_bundle import swagger_ui_path

ASSETS_URL = "/api/docs/assets/"
# The files of one package version never change: browsers may keep them a day.
MAX_AGE_S = 86_400


def register(app: Flask) -> None:
    app.add_url_rule(f"{ASSETS_URL}<path:filename>", "docs_assets", _asset, methods=["GET"])


def _asset(filename: str) -> Response:
    """One file of the Swagger UI distribution; anything outside it is 404 (send_from_directory)."""
    response = send_from_directory(str(swagger_ui_path), filename, max_age=MAX_AGE_S)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE_S}"
    return response
