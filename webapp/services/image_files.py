"""An image's bytes for users: the original blob, and a small JPEG thumbnail made once and kept."""

from __future__ import annotations

import io
from typing import IO

from PIL import Image as PILImage
from PIL import ImageOps
from sqlalchemy.orm import Session

from webapp.models import Image
from webapp.services.common import get_in_org
from webapp.storage import BlobStore, blob_key, derived_key

THUMBNAIL_PX = 256
THUMBNAIL_QUALITY = 85


def get(session: Session, organization_id: int, image_id: int) -> Image:
    return get_in_org(session, Image, organization_id, image_id)


def thumbnail_key(image: Image) -> str:
    return derived_key(image.sha256, f"thumb-{THUMBNAIL_PX}.jpg")


def ensure_thumbnail(store: BlobStore, image: Image) -> str:
    """The key of the image's thumbnail, making it on first use.

    Two requests racing here both make the same bytes and the store publishes atomically, so the
    loser only wastes a little work.
    """
    key = thumbnail_key(image)
    if not store.exists(key):
        with store.open(blob_key(image.sha256)) as original:
            store.put_bytes(key, make_thumbnail(original))
    return key


def make_thumbnail(original: IO[bytes], max_px: int = THUMBNAIL_PX) -> bytes:
    """A JPEG no larger than ``max_px`` on its longer side, upright per EXIF, alpha over white."""
    with PILImage.open(original) as im:
        # JPEG: let libjpeg decode at a reduced scale that is still at least max_px.
        im.draft("RGB", (max_px, max_px))
        upright = ImageOps.exif_transpose(im)
    upright.thumbnail((max_px, max_px))
    if upright.mode in ("RGBA", "LA") or (upright.mode == "P" and "transparency" in upright.info):
        rgba = upright.convert("RGBA")
        flat = PILImage.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    elif upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return out.getvalue()
