"""Domain signals: what the core says happened, for integrations to act on; the core knows none of them.

The core (projects, batches, images, annotations and the other services here) sends these signals
inside the caller's unit of work, after its own change is flushed; a subscriber works in the same
session and the same transaction. A subscriber that refuses raises an ``AppError``: the request (or
job) then rolls back, the core's change included, so nothing is left half done.

Integrations subscribe once, in the app factory: Label Studio
(``webapp/integrations/label_studio/subscribers.py``) pushes a batch that moves to ``annotating``
and keeps a linked project's labeling config in step with its labels. Future integrations (outgoing
webhooks, model rollouts, the field loop) plug in the same way: a module of receivers above the core,
connected in ``create_app``, with no import from the core to them.

Every signal is sent with the session as its sender; the keyword arguments are listed with each.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

batch_status_changed = _signals.signal(
    "batch-status-changed",
    doc="A batch's status changed (or was set again): ``batch``, ``previous`` (its status before).",
)

project_labels_changed = _signals.signal(
    "project-labels-changed",
    doc="A project's labels or task type changed: ``project``.",
)

platform_event = _signals.signal(
    "platform-event",
    doc=(
        "Something happened that people outside may want to hear of (webhooks): ``name`` (one of "
        "``EVENT_NAMES``), ``organization_id``, ``data`` (a JSON-ready dict describing it)."
    ),
)

# The events ``platform_event`` carries, each sent where it happens.
EVENT_NAMES = (
    "training.succeeded",
    "training.failed",
    "export.ready",
    "rollout.promoted",
    "rollout.rolled_back",
    "drift.detected",
    "device.offline",
)
