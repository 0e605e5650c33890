"""The Api the app registers its blueprints on: flask-smorest's, with every error in the envelope and
the OpenAPI document's additions (openapi.py) in its spec."""

from __future__ import annotations

import http
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
    """flask-smorest's Api, with every error in the envelope."""

    ERROR_SCHEMA = ErrorEnvelopeSchema

    def _init_spec(self, *, extra_plugins: Any = None, **kwargs: Any) -> None:
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
