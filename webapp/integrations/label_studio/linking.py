"""Linking a project to Label Studio: a Label Studio project with its labeling config and webhook."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from webapp.errors import AppError, Conflict
from webapp.integrations.label_studio import client as ls_client
from webapp.integrations.label_studio.client import calling_label_studio
from webapp.integrations.label_studio.instances import organization_instance
from webapp.integrations.label_studio.label_config import config_hash, label_config
from webapp.integrations.label_studio.links import find_link, status
from webapp.integrations.label_studio.webhooks import register_webhook
from webapp.models import LabelStudioLink, Project, User
from webapp.services.common import get_in_org
from webapp.unit_of_work import commit_now

if TYPE_CHECKING:
    from label_studio_sdk import LabelStudio

log = logging.getLogger(__name__)

# Label Studio's limits on a project title.
TITLE_MIN, TITLE_MAX = 3, 50


def create_link(
    session: Session,
    organization_id: int,
    project_id: int,
    *,
    public_url: str,
    user: User | None,
    title: str | None = None,
) -> dict[str, Any]:
    """Create a Label Studio project for an Acusight project, with its labeling config and webhook.

    Label Studio is called first: if it is unreachable nothing is stored (503).
    """
    project = get_in_org(session, Project, organization_id, project_id)
    if project.archived:
        raise Conflict("The project is archived", f"project {project.id} is archived; unarchive it first")
    if find_link(session, project.id) is not None:
        raise Conflict(
            "The project is already linked to Label Studio",
            f"GET /api/data/projects/{project.id}/label-studio",
        )
    config = label_config(project)
    instance = organization_instance(session, organization_id)
    client = ls_client.for_instance(instance)
    with calling_label_studio("creating the project", instance.url):
        created = client.projects.create(
            title=_title(title or project.name, project.id),
            description=f"Images of the Acusight project {project.name!r} (id {project.id}).",
            label_config=config,
        )
    assert created.id is not None
    try:
        hook_id, secret_hash = register_webhook(
            client, instance.url, created.id, public_url, "registering the webhook"
        )
        link = LabelStudioLink(
            organization_id=organization_id,
            project_id=project.id,
            ls_project_id=created.id,
            label_studio_url=None if instance.shared else instance.url,
            ls_webhook_id=hook_id,
            webhook_secret_hash=secret_hash,
            label_config_hash=config_hash(config),
            created_by_id=user.id if user else None,
        )
        session.add(link)
        # Committed here: a link that can't be stored has its new Label Studio project removed below.
        commit_now(session)
    except BaseException:
        _discard_project(client, instance.url, created.id)
        raise
    return status(session, organization_id, project.id)


def _title(name: str, project_id: int) -> str:
    title = name.strip()[:TITLE_MAX]
    return title if len(title) >= TITLE_MIN else f"Acusight project {project_id}"


def _discard_project(client: LabelStudio, url: str, ls_project_id: int) -> None:
    """Undo a half-made link; the error that led here is what the caller sees, so this one is logged."""
    try:
        with calling_label_studio("removing a half-made project", url):
            client.projects.delete(id=ls_project_id)
    except AppError as exc:
        log.warning("Label Studio project %s left behind: %s (%s)", ls_project_id, exc.message, exc.details)
