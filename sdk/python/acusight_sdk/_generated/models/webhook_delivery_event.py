from __future__ import annotations

from enum import StrEnum


class WebhookDeliveryEvent(StrEnum):
    DEVICE_OFFLINE = "device.offline"
    DRIFT_DETECTED = "drift.detected"
    EXPORT_READY = "export.ready"
    PING = "ping"
    ROLLOUT_PROMOTED = "rollout.promoted"
    ROLLOUT_ROLLED_BACK = "rollout.rolled_back"
    TRAINING_FAILED = "training.failed"
    TRAINING_SUCCEEDED = "training.succeeded"

    def __str__(self) -> str:
        return str(self.value)
