"""The Api the app registers its blueprints on: flask-smorest's, with every error in the envelope and
the OpenAPI document's additions (openapi.py) in its spec."""

from __future__ import annotations

import http
import threading
from typing import Any

from flask import Response
from flask_smorest import Api as SmorestApi
from flask_smorest.spec.plugins import integerconverter2paramschema
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from webapp.api.envelope.errors import CODES, ErrorEnvelopeSchema, http_error_response
from webapp.api.envelope.openapi import CommonErrorsPlugin, integer_range_property, ip_address_property
from webapp.api.fields import IdConverter


class Api(SmorestApi):
    """flask-smorest's Api, with every error in the envelope, and the OpenAPI document made when it is
    first read rather than as each blueprint is registered.

    Documenting the routes (marshmallow schemas to JSON schemas) was 0.24 s of each app's 0.26 s
    start: every gunicorn worker paid it, and every API test (one app each) spent most of its time
    on it. The blueprints are registered with Flask at once; their documentation is queued and
    written, in registration order, the first time ``spec`` is read (the document is the same).
    """

    ERROR_SCHEMA = ErrorEnvelopeSchema

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._undocumented: list[tuple[Any, str, Any]] = []
        self._documenting = threading.Lock()
        super().__init__(*args, **kwargs)

    @property  # type: ignore[override]
    def spec(self) -> Any:
        if self._undocumented:
            self._document()
        return self._spec

    @spec.setter
    def spec(self, value: Any) -> None:
        self._spec = value

    def register_blueprint(self, blp: Any, *, parameters: Any = None, **options: Any) -> None:
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        with self._documenting:
            self._undocumented.append((blp, name, parameters))

    def _document(self) -> None:
        """What flask-smorest's register_blueprint documents, for each blueprint still queued."""
        with self._documenting:
            while self._undocumented:
                blp, name, parameters = self._undocumented.pop(0)
                blp.register_views_in_doc(self, self._app, self._spec, name=name, parameters=parameters)
                self._spec.tag({"name": name, "description": blp.description})

    def _init_spec(self, *, extra_plugins: Any = None, **kwargs: Any) -> None:
        # A new app (one Api serves each app the factory makes): the last app's queue is not its.
        with self._documenting:
            self._undocumented.clear()
        settings = self._app.extensions.get("acusight.settings")
        plugin = CommonErrorsPlugin(rate_limited=bool(settings and settings.rate_limit))
        super()._init_spec(extra_plugins=[*(extra_plugins or ()), plugin], **kwargs)
        self.ma_plugin.converter.add_attribute_function(ip_address_property)
        self.ma_plugin.converter.add_attribute_function(integer_range_property)
        self.register_converter(IdConverter, integerconverter2paramschema)

    def _register_responses(self) -> None:
        super()._register_responses()
        # Error responses named by the error codes (CODES), for the statuses whose HTTP name differs.
        named = set()
        for status, code in CODES.items():
            if code != http.HTTPStatus(status).name and code not in named:
                named.add(code)
                response = {
                    "description": f"{http.HTTPStatus(status).phrase} (error code {code})",
                    "schema": self.ERROR_SCHEMA,
                }
                prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
                self.spec.components.response(code, response, lazy=True)

    def handle_http_exception(self, error: HTTPException) -> tuple[Response, int]:  # type: ignore[override]
        return http_error_response(error)
