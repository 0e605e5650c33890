"""What Label Studio does when the core's signals (``webapp/services/events.py``) say something changed.

Each receiver works in the sender's session and unit of work: one that raises (Label Studio or Prefect
unreachable) makes the whole request roll back, the core's change included.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.errors import AppError
from webapp.integrations.label_studio import client as ls_client
from webapp.integrations.label_studio.client import calling_label_studio
from webapp.integrations.label_studio.instances import link_instance
from webapp.integrations.label_studio.label_config import config_hash, label_config
from webapp.integrations.label_studio.links import find_link, record_error
from webapp.integrations.label_studio.push import start_push
from webapp.models import Batch, Project
from webapp.services import events


def push_batch_going_to_annotating(session: Session, *, batch: Batch, previous: str) -> None:
    """A batch of a linked project moved to ``annotating``: push it. No push started, no move (503)."""
    if batch.status != "annotating" or previous == "annotating":
        return
    if find_link(session, batch.project_id) is None:
        return
    start_push(session, batch.organization_id, batch.id)  # refused (503): the whole request rolls back


def update_label_config(session: Session, *, project: Project) -> None:
    """After a project's labels or task type changed: put the new labeling config in Label Studio.

    The project change stands either way: if Label Studio can't take the config now, the link records
    the error and the next pull retries (the link's config hash still differs).
    """
    link = find_link(session, project.id)
    if link is None:
        return
    try:
        config = label_config(project)
        if config_hash(config) == link.label_config_hash:
            return
        instance = link_instance(session, link)
        with calling_label_studio("updating the labeling config", instance.url):
            client = ls_client.for_instance(instance)
            client.projects.update(id=link.ls_project_id, label_config=config)
        link.label_config_hash = config_hash(config)
    except AppError as exc:
        record_error(link, f"labeling config not updated: {exc.message}: {exc.details}")
    session.flush()


def subscribe() -> None:
    """Follow the core's signals; the app factory calls it (connecting again changes nothing)."""
    events.batch_status_changed.connect(push_batch_going_to_annotating, weak=False)
    events.project_labels_changed.connect(update_label_config, weak=False)
