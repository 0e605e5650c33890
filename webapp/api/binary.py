"""Binary responses (files, archives, artifacts): conditional on their ETag, documented as such."""

from __future__ import annotations

from typing import Any

from flask import Response, request, send_file

from webapp.storage import BlobStore


def binary_doc(content_type: str, description: str) -> dict[str, Any]:
    """OpenAPI responses of a download: the bytes, 304, and 404 in the envelope."""
    return {
        "responses": {
            "200": {
                "description": description,
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
                "headers": {"ETag": {"schema": {"type": "string"}}},
            },
            "304": {"description": "Not modified (If-None-Match matched the ETag)"},
            "404": {"description": "Not found in the caller's organization"},
        }
    }


def blob_download(store: BlobStore, key: str, mimetype: str, etag: str, filename: str) -> Response:
    """A blob as an attachment, answered with 304 when the client already holds ``etag``."""
    if request.if_none_match.contains(etag):
        response = Response(status=304)
        response.set_etag(etag)
        return response
    local = store.local_path(key)
    source: Any = local if local is not None else store.open(key)
    return send_file(
        source, mimetype=mimetype, etag=etag, conditional=True, as_attachment=True, download_name=filename
    )
