"""The web console: a single-page app in plain JavaScript modules, served beside the API.

The console is a client of the public REST API like any other: it signs in for tokens, calls
``/api`` with them and holds the same role's rights (the API refuses what the role may not do,
whatever the page shows). The server's part is small and lives here: ``/assets/<file>`` serves the
files of ``static/`` (shipped with the package, nothing from another host), and every other path
outside ``/api`` answers the app's ``index.html``, whose script reads the path (History API routing).

Its Content-Security-Policy allows scripts, styles, fonts and connections to this origin alone, and
images from this origin (the API's signed image URLs) and from ``blob:``/``data:`` (a chart's
export, an icon): no inline script or style, nothing evaluated, no frames.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, send_from_directory
from werkzeug.routing import PathConverter

STATIC_DIR = Path(__file__).parent / "static"
ASSETS_URL = "/assets/"
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


class ConsolePathConverter(PathConverter):
    """A console page's path: not under ``/api`` and without a dot (``/fleet``, ``/images/12``).

    So a mistyped API call, or a file name (``/favicon.ico``), matches no console route and gets
    the API's 404 envelope, and no API path's ``Allow`` header lists the console's GET.
    """

    regex = r"(?!api(?:/|$))[^/.][^.]*"


def register(app: Flask) -> None:
    app.url_map.converters["console_path"] = ConsolePathConverter
    app.add_url_rule(f"{ASSETS_URL}<path:filename>", "console_asset", _asset, methods=["GET"])
    app.add_url_rule("/", "console", _page, defaults={"path": ""}, methods=["GET"])
    app.add_url_rule("/<console_path:path>", "console", _page, methods=["GET"])


def _page(path: str) -> Response:
    """The app's page for any console path (``/``, ``/fleet``, ``/images/12``…)."""
    response = send_from_directory(STATIC_DIR, "index.html", max_age=0)
    return _console(response)


def _asset(filename: str) -> Response:
    """One file of the app; anything outside ``static/`` is 404 (send_from_directory)."""
    # Revalidated on every use (ETag → 304): an upgrade's new files are picked up at once.
    return _console(send_from_directory(STATIC_DIR, filename, max_age=0))


def _console(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["Cache-Control"] = "no-cache"
    return response
