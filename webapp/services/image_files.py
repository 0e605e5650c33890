"""An image's bytes for users: the original blob, and a small JPEG thumbnail made once and kept."""

from __future__ import annotations

import io
import mmap
from typing import IO

from PIL import Image as PILImage
from PIL import ImageOps
from sqlalchemy.orm import Session

from webapp.models import Image
from webapp.services import decode_budget
from webapp.services.common import get_in_org
from webapp.services.image_check import jpeg_coefficient_bytes, single_scan_layout
from webapp.storage import BlobStore, blob_key, derived_key

THUMBNAIL_PX = 256
THUMBNAIL_QUALITY = 85
# Bytes a pixel of each mode takes in a Pillow image ("1", "L" and "P" one, "I;16" two, the rest four).
_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2}


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
    """A JPEG no larger than ``max_px`` on its longer side, upright per EXIF, alpha over white.

    A JPEG is decoded at the smallest of libjpeg's scales (1/8 to 1) that still gives ``max_px``;
    PNG and WebP can only be decoded whole, so they (and JPEGs that libjpeg must buffer whole) are
    decoded within the server's decode budget (:mod:`webapp.services.decode_budget`). The image is
    scaled down before it is turned upright, so no second full-size frame is made.
    """
    with PILImage.open(original) as im:
        full_size = im.size
        # JPEG: let libjpeg decode at a reduced scale that is still at least max_px.
        im.draft("RGB", (max_px, max_px))
        with decode_budget.reserve(_decode_bytes(im, full_size, original), f"{im.format} thumbnail"):
            im.thumbnail((max_px, max_px))
        upright = ImageOps.exif_transpose(im)
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


def _decode_bytes(im: PILImage.Image, full_size: tuple[int, int], original: IO[bytes]) -> int:
    """About the most memory decoding ``im`` (after draft) holds: its frame, plus for WebP libwebp's
    own two copies, plus for a JPEG that libjpeg must buffer whole its coefficients."""
    frame = im.width * im.height * _BYTES_PER_PIXEL.get(im.mode, 4)
    if im.format == "WEBP":
        return 3 * frame
    if im.format == "JPEG":
        coefficients = jpeg_coefficient_bytes(im, full_size)
        # Reading the layout costs about 0.25 ms per 100 KB: only where the answer could matter.
        if frame + coefficients >= decode_budget.SMALL_BYTES and not _single_scan_jpeg(im, original):
            return frame + coefficients
    return frame


def _single_scan_jpeg(im: PILImage.Image, original: IO[bytes]) -> bool:
    """Is the JPEG one sequential scan (decoded a row of blocks at a time)? From its layout when the
    blob is a local file; else from its frame marker, which tells progressive files apart."""
    try:
        fd = original.fileno()
        with mmap.mmap(fd, 0, access=mmap.ACCESS_READ) as data:
            return single_scan_layout(data) is not None
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return not im.info.get("progressive")
