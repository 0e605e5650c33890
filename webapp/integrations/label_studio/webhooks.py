"""Label Studio's webhooks: registering one per link (with its own secret), and taking their events."""

from __future__ import annotations

import hmac
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.errors import AppError, Unauthorized
from webapp.integrations.label_studio import client as ls_client
from webapp.integrations.label_studio.client import calling_label_studio
from webapp.integrations.label_studio.instances import link_instance
from webapp.integrations.label_studio.pull import queue_pull
from webapp.integrations.label_studio.signing import new_webhook_secret
from webapp.models import Annotation, LabelStudioLink, LabelStudioTask
from webapp.security import hash_secret
from webapp.unit_of_work import commit_now

if TYPE_CHECKING:
    from label_studio_sdk import LabelStudio

log = logging.getLogger(__name__)

WEBHOOK_HEADER = "X-Acusight-Webhook-Secret"
WEBHOOK_PATH = "/api/integrations/label-studio/webhook"
# ANNOTATION_CREATED arrives while the annotator's submit waits for us; the others follow edits.
WEBHOOK_ACTIONS = ("ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_DELETED")


def register_webhook(
    client: LabelStudio, url: str, ls_project_id: int, public_url: str, what: str
) -> tuple[int | None, str]:
    """Have Label Studio send a Label Studio project's events, with a new secret, to this API; returns
    the webhook's id and the hash of its secret (what the link keeps)."""
    secret, digest = new_webhook_secret()
    with calling_label_studio(what, url):
        hook = client.webhooks.create(
            url=public_url.rstrip("/") + WEBHOOK_PATH,
            project=ls_project_id,
            send_payload=True,
            send_for_all_actions=False,
            actions=list(WEBHOOK_ACTIONS),  # type: ignore[arg-type]
            headers={WEBHOOK_HEADER: secret},
        )
    return hook.id, digest


def webhook_link(session: Session, given: str | None) -> LabelStudioLink:
    """The link whose webhook secret this is; nothing else opens the webhook."""
    refused = Unauthorized("Missing or invalid authentication", f"send the link's secret in {WEBHOOK_HEADER}")
    if not given or len(given) > 200:
        raise refused
    digest = hash_secret(given)
    link = session.scalar(select(LabelStudioLink).where(LabelStudioLink.webhook_secret_hash == digest))
    if link is None or not hmac.compare_digest((link.webhook_secret_hash or "").encode(), digest.encode()):
        raise refused
    return link


def renew_webhooks(session: Session, organization_id: int, *, public_url: str) -> list[int]:
    """Give each link of the organization a new webhook secret, and Label Studio a webhook that sends
    it (the old webhook removed): for links made before secrets were per link, or to rotate them.
    Returns the projects done; a link whose Label Studio refuses is left as it was, and raises."""
    done = []
    links = session.scalars(
        select(LabelStudioLink)
        .where(LabelStudioLink.organization_id == organization_id)
        .order_by(LabelStudioLink.id)
    ).all()
    for link in links:
        instance = link_instance(session, link)
        client = ls_client.for_instance(instance)
        hook_id, digest = register_webhook(
            client,
            instance.url,
            link.ls_project_id,
            public_url,
            f"registering the webhook of project {link.ls_project_id}",
        )
        old, link.ls_webhook_id, link.webhook_secret_hash = link.ls_webhook_id, hook_id, digest
        # Durable before the old webhook is removed from Label Studio: the new one's secret is kept.
        commit_now(session)
        if old is not None:
            try:
                with calling_label_studio(f"removing the old webhook {old}", instance.url):
                    client.webhooks.delete(id=old)
            except AppError as exc:  # its secret opens nothing any more: left behind, harmless
                log.warning("old Label Studio webhook %s left behind: %s (%s)", old, exc.message, exc.details)
        done.append(link.project_id)
    return done


def handle_webhook(session: Session, link_id: int, payload: dict[str, Any]) -> dict[str, Any]:
    """Queue the tasks a Label Studio event touched for the pull of the link whose secret came with it
    (started if none is queued or running); the flow does the work, not this request. An event of
    another Label Studio project than the link's is refused."""
    action = payload["action"]
    link = session.get(LabelStudioLink, link_id)
    if link is None:
        raise Unauthorized("Missing or invalid authentication", "the link was removed")
    if payload["project"]["id"] != link.ls_project_id:
        raise Unauthorized(
            "Missing or invalid authentication",
            f"the secret is not that of Label Studio project {payload['project']['id']}",
        )
    task_ids: list[int] = []
    if action in ("ANNOTATION_CREATED", "ANNOTATION_UPDATED") and payload.get("annotation"):
        task_ids = [payload["annotation"]["task"]]
    elif action == "ANNOTATIONS_DELETED":
        # The payload names only annotation ids: find their tasks through the annotations pulled before.
        deleted = [str(a["id"]) for a in payload.get("annotations") or []]
        task_ids = sorted(
            set(
                session.scalars(
                    select(LabelStudioTask.ls_task_id)
                    .join(Annotation, Annotation.image_id == LabelStudioTask.image_id)
                    .where(
                        LabelStudioTask.link_id == link.id,
                        Annotation.project_id == link.project_id,
                        Annotation.source == "label_studio",
                        Annotation.external_id.in_(deleted),
                    )
                )
            )
        )
    if not task_ids:
        return {"action": action, "task_ids": [], "flow_run_id": None, "started": False}
    return {"action": action, "task_ids": task_ids, **queue_pull(session, link, task_ids)}
