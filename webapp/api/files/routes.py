"""Routes of the image files API (binary responses, outside the JSON envelope on success)."""

from collections.abc import Callable
from typing import Any

from flask import Response, request, send_file
from flask.views import MethodView

from webapp.api.binary import binary_doc
from webapp.api.envelope import Blueprint
from webapp.auth import ANY_ROLE, current_org, user_required
from webapp.extensions import db
from webapp.services import image_files
from webapp.services.image_check import CONTENT_TYPES
from webapp.storage import BlobStore, blob_key, get_store

blp = Blueprint("image-files", __name__, url_prefix="/data/images", description="Image bytes")

# Content behind these URLs never changes (blobs are addressed by their hash): caches may keep it.
_MAX_AGE = 365 * 24 * 3600


def _conditional(etag: str, make: Callable[[], Response]) -> Response:
    """``make()``'s response, unless If-None-Match already names ``etag``: then 304, storage untouched."""
    if request.if_none_match.contains(etag):
        response = Response(status=304)
        response.set_etag(etag)
    else:
        response = make()
    response.cache_control.private = True
    response.cache_control.max_age = _MAX_AGE
    response.cache_control.immutable = True
    return response


def _blob_response(store: BlobStore, key: str, mimetype: str, etag: str, filename: str) -> Response:
    local = store.local_path(key)
    # A local blob goes out with sendfile; another backend's is read into a spooled file first.
    source: Any = local if local is not None else store.open(key)
    response = send_file(source, mimetype=mimetype, etag=etag, conditional=True, download_name=filename)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@blp.route("/<int:image_id>/file")
class ImageFile(MethodView):
    @user_required(ANY_ROLE)
    @blp.doc(**binary_doc("image/*", "The original bytes, as uploaded"))
    @blp.doc(operationId="downloadImage")
    def get(self, image_id: int) -> Response:
        """Download an image's original file."""
        image = image_files.get(db.session, current_org().id, image_id)
        store = get_store()
        return _conditional(
            image.sha256,
            lambda: _blob_response(
                store,
                blob_key(image.sha256),
                CONTENT_TYPES[image.format],
                image.sha256,
                f"{image.id}.{image.format}",
            ),
        )


@blp.route("/<int:image_id>/thumbnail")
class ImageThumbnail(MethodView):
    @user_required(ANY_ROLE)
    @blp.doc(**binary_doc("image/jpeg", f"A JPEG at most {image_files.THUMBNAIL_PX} px on its longer side"))
    @blp.doc(operationId="getImageThumbnail")
    def get(self, image_id: int) -> Response:
        """Download an image's thumbnail (made on first request, then kept)."""
        image = image_files.get(db.session, current_org().id, image_id)
        store = get_store()
        etag = f"{image.sha256}-thumb{image_files.THUMBNAIL_PX}"
        return _conditional(
            etag,
            lambda: _blob_response(
                store,
                image_files.ensure_thumbnail(store, image),
                "image/jpeg",
                etag,
                f"{image.id}-thumbnail.jpg",
            ),
        )
