"""The platform's tables; import models from here."""

from webapp.models.accounts import DomainRule, Invitation, LoginLink, RevokedToken
from webapp.models.audit import AuditEvent
from webapp.models.base import Base, UTCDateTime, utcnow
from webapp.models.core import (
    ROLES,
    Device,
    DeviceCheckin,
    DeviceTag,
    Organization,
    ProvisioningToken,
    ServiceAccount,
    User,
)
from webapp.models.data import (
    ANNOTATION_SOURCES,
    BATCH_STATUSES,
    IMAGE_STATUSES,
    TASK_TYPES,
    Annotation,
    AnnotationLabel,
    Batch,
    BatchTransition,
    Image,
    Project,
)
from webapp.models.datasets import DATASET_STATUSES, DatasetItem, DatasetVersion
from webapp.models.field import (
    HOUR,
    MINUTE,
    DriftEvent,
    InferenceBatch,
    InferenceSample,
    field_class_counts,
    field_stats,
)
from webapp.models.label_studio import (
    SYNC_STATUSES,
    LabelStudioAccount,
    LabelStudioLink,
    LabelStudioPullRequest,
    LabelStudioTask,
)
from webapp.models.ml import (
    EXPORT_FORMATS,
    EXPORT_PRECISIONS,
    EXPORT_STATUSES,
    FINAL_TRAINING_STATUSES,
    TRAINING_STATUSES,
    ExportJob,
    ModelVersion,
    TrainingJob,
    TrainingSchedule,
)
from webapp.models.rollouts import (
    DECISION_ACTIONS,
    HOLDING_STATUSES,
    PROMOTION_MODES,
    ROLLOUT_STATUSES,
    Rollout,
    RolloutDecision,
)
from webapp.models.webhooks import DELIVERY_STATUSES, Webhook, WebhookDelivery

# Ids are never reused, on SQLite too (its default reuses the highest id once deleted): an id that
# named a deleted device, or a dataset version tagged in DVC, must never name something else.
for _table in Base.metadata.tables.values():
    _table.dialect_kwargs["sqlite_autoincrement"] = True

__all__ = [
    "ANNOTATION_SOURCES",
    "BATCH_STATUSES",
    "DATASET_STATUSES",
    "DECISION_ACTIONS",
    "DELIVERY_STATUSES",
    "EXPORT_FORMATS",
    "EXPORT_PRECISIONS",
    "EXPORT_STATUSES",
    "FINAL_TRAINING_STATUSES",
    "HOLDING_STATUSES",
    "HOUR",
    "IMAGE_STATUSES",
    "MINUTE",
    "PROMOTION_MODES",
    "ROLES",
    "ROLLOUT_STATUSES",
    "SYNC_STATUSES",
    "TASK_TYPES",
    "TRAINING_STATUSES",
    "Annotation",
    "AnnotationLabel",
    "AuditEvent",
    "Base",
    "Batch",
    "BatchTransition",
    "DatasetItem",
    "DatasetVersion",
    "Device",
    "DeviceCheckin",
    "DeviceTag",
    "DomainRule",
    "DriftEvent",
    "ExportJob",
    "Image",
    "InferenceBatch",
    "InferenceSample",
    "Invitation",
    "LabelStudioAccount",
    "LabelStudioLink",
    "LabelStudioPullRequest",
    "LabelStudioTask",
    "LoginLink",
    "ModelVersion",
    "Organization",
    "Project",
    "ProvisioningToken",
    "RevokedToken",
    "Rollout",
    "RolloutDecision",
    "ServiceAccount",
    "TrainingJob",
    "TrainingSchedule",
    "UTCDateTime",
    "User",
    "Webhook",
    "WebhookDelivery",
    "field_class_counts",
    "field_stats",
    "utcnow",
]
