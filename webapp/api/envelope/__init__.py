"""The API's response envelope, pagination meta and error bodies, for every route.

Every response is ``{"success": true, "data": ..., "meta": ...}`` (``meta``: pagination, on lists) or
``{"success": false, "error": {"code": ..., "message": ..., "details": ...}}``.

One module a part: ``blueprint`` (the routes' Blueprint), ``arguments`` (the request parser),
``pagination``, ``errors`` (error bodies and codes), ``openapi`` (the document's additions) and ``api``
(the Api that puts them together).
"""

from webapp.api.envelope.api import Api
from webapp.api.envelope.arguments import ArgumentsParser
from webapp.api.envelope.blueprint import Blueprint
from webapp.api.envelope.errors import CODES, ErrorEnvelopeSchema, error_response, handle_app_error
from webapp.api.envelope.pagination import MAX_PER_PAGE, MetaSchema, PageArgsSchema

__all__ = [
    "CODES",
    "MAX_PER_PAGE",
    "Api",
    "ArgumentsParser",
    "Blueprint",
    "ErrorEnvelopeSchema",
    "MetaSchema",
    "PageArgsSchema",
    "error_response",
    "handle_app_error",
]
