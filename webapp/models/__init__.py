"""The platform's tables; import models from here."""

from webapp.models.base import Base, UTCDateTime, utcnow
from webapp.models.core import ROLES, Device, DeviceCheckin, Organization, ProvisioningToken, User
from webapp.models.data import (
    ANNOTATION_SOURCES,
    BATCH_STATUSES,
    IMAGE_STATUSES,
    TASK_TYPES,
    Annotation,
    Batch,
    Image,
    Project,
)

__all__ = [
    "ANNOTATION_SOURCES",
    "BATCH_STATUSES",
    "IMAGE_STATUSES",
    "ROLES",
    "TASK_TYPES",
    "Annotation",
    "Base",
    "Batch",
    "Device",
    "DeviceCheckin",
    "Image",
    "Organization",
    "Project",
    "ProvisioningToken",
    "UTCDateTime",
    "User",
    "utcnow",
]
