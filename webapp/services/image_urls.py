"""Signed image URLs for people's browsers: an ``<img src>`` cannot send an Authorization header.

Each URL names the user it was made for, the image, the variant (the original file or its
thumbnail) and an expiry, under an HMAC with a key derived from the app secret for this purpose
alone. It works for anyone holding it until it expires (15 to 20 minutes: expiries are rounded up
to 5-minute steps, so a page listing the same image twice, or again a minute later, gets the same
URL and the browser's cache) and only while its user stays enabled in the image's organization.
The API's token rules are unchanged: these URLs open image bytes and nothing else.
"""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy.orm import Session

from webapp.errors import Unauthorized
from webapp.models import Image, User, utcnow
from webapp.security import signature_matches, url_signature
from webapp.settings import get_settings

VARIANTS = ("file", "thumbnail")
TTL = timedelta(minutes=15)
STEP_S = 300
_REFUSED = "Missing or invalid authentication"


def signature(user_id: int, image_id: int, variant: str, expires: int) -> str:
    message = f"{user_id}:{image_id}:{variant}:{expires}"
    return url_signature(get_settings().secret_key, "console-image-url", message)


def signed_url(user: User, image_id: int, variant: str) -> str:
    """A relative URL serving ``variant`` of the image to whoever holds it, for 15 to 20 minutes."""
    expires = math.ceil((utcnow() + TTL).timestamp() / STEP_S) * STEP_S
    sig = signature(user.id, image_id, variant, expires)
    return f"/api/data/images/{image_id}/view?variant={variant}&u={user.id}&exp={expires}&sig={sig}"


def verify(session: Session, image_id: int, variant: str, user_id: int, expires: int, sig: str) -> Image:
    """The image a signed URL names, if the signature holds, it has not expired, and its user is
    still enabled in the image's organization; else UNAUTHORIZED, the same for every reason but expiry."""
    expected = signature(user_id, image_id, variant, expires)
    if not signature_matches(sig, expected):
        raise Unauthorized(_REFUSED, "the URL's signature does not match")
    if expires < utcnow().timestamp():
        raise Unauthorized(_REFUSED, "the signed URL has expired; reload the page for a new one")
    user = session.get(User, user_id)
    image = session.get(Image, image_id)
    if user is None or user.disabled or image is None or image.organization_id != user.organization_id:
        raise Unauthorized(_REFUSED, "the URL's user cannot see this image")
    return image
