"""Routes of the image files API (binary responses, outside the JSON envelope on success)."""

from collections.abc import Callable
from typing import Any

from flask import Response, request, send_file
from flask.views import MethodView

from webapp.api.binary import binary_doc
from webapp.api.envelope import Blueprint
from webapp.api.images.schemas import SignedViewArgsSchema
from webapp.auth import ANY_ROLE, current_org, user_required
from webapp.extensions import db
from webapp.models import Image, utcnow
from webapp.services import image_files, image_urls
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
        return _original(image_files.get(db.session, current_org().id, image_id))


@blp.route("/<int:image_id>/thumbnail")
class ImageThumbnail(MethodView):
    @user_required(ANY_ROLE)
    @blp.doc(**binary_doc("image/jpeg", f"A JPEG at most {image_files.THUMBNAIL_PX} px on its longer side"))
    @blp.doc(operationId="getImageThumbnail")
    def get(self, image_id: int) -> Response:
        """Download an image's thumbnail (made on first request, then kept)."""
        return _thumbnail(image_files.get(db.session, current_org().id, image_id))


@blp.route("/<int:image_id>/view")
class SignedImageView(MethodView):
    @blp.arguments(SignedViewArgsSchema, location="query")
    @blp.doc(**binary_doc("image/*", "The original bytes, or the JPEG thumbnail"), security=[])
    @blp.alt_response(401, response="UNAUTHORIZED", description="The signature is wrong or has expired")
    @blp.doc(operationId="viewSignedImage")
    def get(self, args: dict[str, Any], image_id: int) -> Response:
        """An image or its thumbnail through a signed, expiring URL (an image's `signed_file_url` or
        `signed_thumbnail_url`): what a browser's `<img src>` loads, with no Authorization header."""
        image = image_urls.verify(db.session, image_id, args["variant"], args["u"], args["exp"], args["sig"])
        response = _original(image) if args["variant"] == "file" else _thumbnail(image)
        # The browser may keep the bytes as long as the URL that fetched them is valid.
        response.cache_control.max_age = max(0, args["exp"] - int(utcnow().timestamp()))
        return response


def _original(image: Image) -> Response:
    return _conditional(
        image.sha256,
        lambda: _blob_response(
            get_store(),
            blob_key(image.sha256),
            CONTENT_TYPES[image.format],
            image.sha256,
            f"{image.id}.{image.format}",
        ),
    )


def _thumbnail(image: Image) -> Response:
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
