"""The Blueprint every route module uses: flask-smorest's, with responses in the envelope
(``{"success": true, "data": ..., "meta": ...}``), the envelope's parser, and multipart bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint as SmorestBlueprint

from webapp.api.envelope.arguments import ArgumentsParser
from webapp.api.envelope.openapi import envelope_schema
from webapp.api.envelope.pagination import paginated, pop_page_meta


class Blueprint(SmorestBlueprint):
    """A flask-smorest blueprint whose responses come wrapped in the envelope."""

    ARGUMENTS_PARSER = ArgumentsParser()

    @staticmethod
    def _prepare_response_content(data: Any) -> Any:
        body: dict[str, Any] = {"success": True, "data": data}
        meta = pop_page_meta()
        if meta is not None:
            body["meta"] = meta
        return body

    @staticmethod
    def _make_doc_response_schema(schema: ma.Schema | None) -> type[ma.Schema] | None:
        return None if schema is None else envelope_schema(type(schema), bool(schema.many))

    def multipart(self, form: type[ma.Schema], body: type[ma.Schema]) -> Callable[[Any], Any]:
        """Parse a multipart body's text fields with ``form``; document the whole body as ``body``.

        OpenAPI gives an operation one request body, while webargs reads text fields and file parts
        from two locations: the fields are parsed here without doc, and ``body`` (fields and files) is
        what the document shows. File parts are read with ``arguments(..., location="files")`` or
        from ``request.files``.
        """

        def decorator(func: Any) -> Any:
            parsed = self.ARGUMENTS_PARSER.use_args(form(), location="form")(func)
            return self.doc(
                requestBody={"content": {"multipart/form-data": {"schema": body}}, "required": True}
            )(parsed)

        return decorator

    # Let a list view return a Page: items become ``data``, the rest ``meta``.
    paginated = staticmethod(paginated)
