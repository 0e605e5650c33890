"""Secrets of the integration: signed image URLs for annotators' browsers, and webhook secrets."""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from webapp.errors import Unauthorized
from webapp.integrations.label_studio.instances import settings
from webapp.models import Image, LabelStudioLink, utcnow
from webapp.security import hash_secret, signature_matches, url_signature


def new_webhook_secret() -> tuple[str, str]:
    """A link's webhook secret (what Label Studio sends) and the hash of it that the link keeps."""
    secret = secrets.token_urlsafe(32)
    return secret, hash_secret(secret)


def image_signature(link: LabelStudioLink, image_id: int, expires: int) -> str:
    message = f"{link.id}:{link.url_key}:{image_id}:{expires}"
    return url_signature(settings().secret_key, "label-studio-image-url", message)


def signed_image_url(base_url: str, link: LabelStudioLink, image_id: int, expires_at: datetime) -> str:
    """A URL that serves one image's bytes to whoever holds it, until ``expires_at`` or until the
    link it was made for goes (unlinked, or linked again)."""
    expires = math.floor(expires_at.timestamp())
    signature = image_signature(link, image_id, expires)
    return f"{base_url}/api/data/images/{image_id}/signed?exp={expires}&sig={signature}"


def signed_image(session: Session, image_id: int, expires: int, signature: str) -> Image:
    """The image a signed URL names, if its signature holds for the image's link and has not expired."""
    from webapp.integrations.label_studio.links import find_link

    image = session.get(Image, image_id)
    link = find_link(session, image.project_id) if image is not None else None
    expected = image_signature(link, image_id, expires) if link is not None else ""
    if image is None or not expected or not signature_matches(signature, expected):
        raise Unauthorized("Missing or invalid authentication", "the URL's signature does not match")
    if expires < utcnow().timestamp():
        raise Unauthorized("Missing or invalid authentication", "the signed URL has expired")
    return image


def url_ttl() -> timedelta:
    """How long a signed image URL given to Label Studio lasts."""
    return timedelta(hours=settings().label_studio_url_ttl_hours)
