"""Label Studio: project links, labeling configs, signed image URLs, and its annotations turned into ours."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import math
import secrets
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import quoteattr

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from webapp import orchestration
from webapp.errors import AppError, Conflict, NotFound, ServiceUnavailable, Unauthorized, ValidationError
from webapp.models import (
    Annotation,
    Batch,
    Image,
    LabelStudioLink,
    LabelStudioPullRequest,
    LabelStudioTask,
    Project,
    User,
    utcnow,
)
from webapp.services import annotations, batches, events
from webapp.services.common import get_in_org, lock_rows
from webapp.services.label_studio_instances import Instance, link_instance, organization_instance
from webapp.settings import Settings, get_settings
from webapp.unit_of_work import commit_now

if TYPE_CHECKING:
    from label_studio_sdk import LabelStudio

log = logging.getLogger(__name__)

WEBHOOK_HEADER = "X-Acusight-Webhook-Secret"
WEBHOOK_PATH = "/api/integrations/label-studio/webhook"
# ANNOTATION_CREATED arrives while the annotator's submit waits for us; the others follow edits.
WEBHOOK_ACTIONS = ("ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_DELETED")
# Names in the labeling config and the task data; the push flow writes the same data keys.
IMAGE_KEY = "image"
FROM_NAME = "label"
# Label Studio's limits on a project title.
TITLE_MIN, TITLE_MAX = 3, 50
LABEL_STUDIO_TIMEOUT_S = 15
# Images annotators should not see: rejected ones are neither pushed nor waited for.
SKIPPED_STATUSES = ("rejected",)
MAX_ERROR_CHARS = 10_000
# A webhook-started pull holds its project's claim while queued or running, renewing it as it works;
# one not renewed for this long was abandoned (its worker died), and the next webhook starts another.
PULL_LEASE = timedelta(minutes=10)


def _settings() -> Settings:
    return get_settings()


# --- Talking to Label Studio (from requests: linking, and keeping the labeling config in step) -------


def _client(instance: Instance) -> LabelStudio:
    # Imported here: the SDK is slow to load and only these few requests need it.
    from label_studio_sdk import LabelStudio

    # No retries: a request waits on this, and a failure is reported to the caller as 503.
    return LabelStudio(
        base_url=instance.url, api_key=instance.token, timeout=LABEL_STUDIO_TIMEOUT_S, max_retries=0
    )


@contextmanager
def _calling_label_studio(what: str, url: str) -> Iterator[None]:
    """Label Studio's failures as the platform's errors: unreachable or failing 503, a refusal 409."""
    import httpx
    from label_studio_sdk.core.api_error import ApiError

    try:
        yield
    except httpx.HTTPError as exc:
        raise ServiceUnavailable("Label Studio is unreachable", f"{what} at {url}: {exc!r}"[:500]) from exc
    except ApiError as exc:
        detail = f"{what} at {url}: HTTP {exc.status_code} {exc.body!r}"[:1000]
        if exc.status_code in (401, 403):
            raise ServiceUnavailable("Label Studio refused the configured token", detail) from exc
        if exc.status_code is not None and exc.status_code < 500:
            raise Conflict("Label Studio refused the request", detail) from exc
        raise ServiceUnavailable("Label Studio failed", detail) from exc


# --- Labeling configs --------------------------------------------------------------------------------


def label_config(project: Project) -> str:
    """The labeling config of a project: Choices for classification, RectangleLabels for detection."""
    if not project.labels:
        raise Conflict(
            "The project has no labels",
            f"add labels to project {project.id} (PATCH /data/projects/{project.id}) first",
        )
    if project.task_type == "classification":
        options = "".join(f"    <Choice value={quoteattr(label)}/>\n" for label in project.labels)
        control = (
            f'  <Choices name="{FROM_NAME}" toName="{IMAGE_KEY}" choice="single-radio" showInline="true">\n'
            f"{options}  </Choices>\n"
        )
    else:
        options = "".join(f"    <Label value={quoteattr(label)}/>\n" for label in project.labels)
        # Rotated boxes would not map onto the axis-aligned boxes Acusight keeps.
        control = (
            f'  <RectangleLabels name="{FROM_NAME}" toName="{IMAGE_KEY}" canRotate="false">\n'
            f"{options}  </RectangleLabels>\n"
        )
    return f'<View>\n  <Image name="{IMAGE_KEY}" value="${IMAGE_KEY}" zoom="true"/>\n{control}</View>\n'


def config_hash(config: str) -> str:
    return hashlib.sha256(config.encode()).hexdigest()


# --- Secrets: webhook verification and signed image URLs ----------------------------------------------


def _derived(purpose: str) -> bytes:
    """A key for one purpose, derived from the app secret so that none of them reveals it."""
    return hmac.new(_settings().secret_key.encode(), purpose.encode(), hashlib.sha256).digest()


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_webhook_secret() -> tuple[str, str]:
    """A link's webhook secret (what Label Studio sends) and the hash of it that the link keeps."""
    secret = secrets.token_urlsafe(32)
    return secret, _secret_hash(secret)


def webhook_link(session: Session, given: str | None) -> LabelStudioLink:
    """The link whose webhook secret this is; nothing else opens the webhook."""
    refused = Unauthorized("Missing or invalid authentication", f"send the link's secret in {WEBHOOK_HEADER}")
    if not given or len(given) > 200:
        raise refused
    digest = _secret_hash(given)
    link = session.scalar(select(LabelStudioLink).where(LabelStudioLink.webhook_secret_hash == digest))
    if link is None or not hmac.compare_digest((link.webhook_secret_hash or "").encode(), digest.encode()):
        raise refused
    return link


def image_signature(link: LabelStudioLink, image_id: int, expires: int) -> str:
    message = f"{link.id}:{link.url_key}:{image_id}:{expires}".encode()
    digest = hmac.new(_derived("label-studio-image-url"), message, hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def signed_image_url(base_url: str, link: LabelStudioLink, image_id: int, expires_at: datetime) -> str:
    """A URL that serves one image's bytes to whoever holds it, until ``expires_at`` or until the
    link it was made for goes (unlinked, or linked again)."""
    expires = math.floor(expires_at.timestamp())
    signature = image_signature(link, image_id, expires)
    return f"{base_url}/api/data/images/{image_id}/signed?exp={expires}&sig={signature}"


def signed_image(session: Session, image_id: int, expires: int, signature: str) -> Image:
    """The image a signed URL names, if its signature holds for the image's link and has not expired."""
    image = session.get(Image, image_id)
    link = _find(session, image.project_id) if image is not None else None
    expected = image_signature(link, image_id, expires) if link is not None else ""
    if image is None or not expected or not hmac.compare_digest(signature.encode(), expected.encode()):
        raise Unauthorized("Missing or invalid authentication", "the URL's signature does not match")
    if expires < utcnow().timestamp():
        raise Unauthorized("Missing or invalid authentication", "the signed URL has expired")
    return image


def _url_ttl() -> timedelta:
    return timedelta(hours=_settings().label_studio_url_ttl_hours)


# --- Links ---------------------------------------------------------------------------------------------


def _find(session: Session, project_id: int | None) -> LabelStudioLink | None:
    if project_id is None:
        return None
    return session.scalar(select(LabelStudioLink).where(LabelStudioLink.project_id == project_id))


def get_link(session: Session, organization_id: int, project_id: int) -> LabelStudioLink:
    project = get_in_org(session, Project, organization_id, project_id)
    link = _find(session, project.id)
    if link is None:
        raise NotFound(
            f"Project {project.id} is not linked to Label Studio",
            f"link it with POST /data/projects/{project.id}/label-studio",
        )
    return link


def status(session: Session, organization_id: int, project_id: int) -> dict[str, Any]:
    """The link with its sync status: tasks pushed and annotated, last push and pull, last error."""
    link = get_link(session, organization_id, project_id)
    project = session.get(Project, link.project_id)
    assert project is not None  # the link goes with its project
    pushed, annotated = session.execute(
        select(func.count(), func.count().filter(LabelStudioTask.annotated)).where(
            LabelStudioTask.link_id == link.id
        )
    ).one()
    try:
        config: str | None = label_config(project)
    except Conflict:
        config = None  # every label removed: Label Studio keeps the last config it accepted
    queued = session.scalar(
        select(func.count())
        .select_from(LabelStudioPullRequest)
        .where(LabelStudioPullRequest.link_id == link.id)
    )
    columns = {c.key: getattr(link, c.key) for c in LabelStudioLink.__table__.columns}
    base = link.label_studio_url or _settings().label_studio_url.rstrip("/")
    return {
        **columns,
        "label_studio_project_url": f"{base}/projects/{link.ls_project_id}",
        "pull_queued": queued,
        "tasks_pushed": pushed,
        "tasks_annotated": annotated or 0,
        "label_config": config,
        "label_config_in_sync": config is not None and config_hash(config) == link.label_config_hash,
    }


def connection(session: Session, organization_id: int, project_id: int) -> dict[str, Any]:
    """What a flow needs to work on a link in Label Studio: the instance's URL and the token for it.

    For service accounts only: people never see a token.
    """
    link = get_link(session, organization_id, project_id)
    instance = link_instance(session, link)
    return {
        "project_id": link.project_id,
        "label_studio_project_id": link.ls_project_id,
        "url": instance.url,
        "token": instance.token,
    }


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
    if _find(session, project.id) is not None:
        raise Conflict(
            "The project is already linked to Label Studio", f"GET /data/projects/{project.id}/label-studio"
        )
    config = label_config(project)
    instance = organization_instance(session, organization_id)
    client = _client(instance)
    with _calling_label_studio("creating the project", instance.url):
        created = client.projects.create(
            title=_title(title or project.name, project.id),
            description=f"Images of the Acusight project {project.name!r} (id {project.id}).",
            label_config=config,
        )
    assert created.id is not None
    secret, secret_hash = new_webhook_secret()
    try:
        with _calling_label_studio("registering the webhook", instance.url):
            hook = client.webhooks.create(
                url=public_url.rstrip("/") + WEBHOOK_PATH,
                project=created.id,
                send_payload=True,
                send_for_all_actions=False,
                actions=list(WEBHOOK_ACTIONS),  # type: ignore[arg-type]
                headers={WEBHOOK_HEADER: secret},
            )
        link = LabelStudioLink(
            organization_id=organization_id,
            project_id=project.id,
            ls_project_id=created.id,
            label_studio_url=None if instance.shared else instance.url,
            ls_webhook_id=hook.id,
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
        with _calling_label_studio("removing a half-made project", url):
            client.projects.delete(id=ls_project_id)
    except AppError as exc:
        log.warning("Label Studio project %s left behind: %s (%s)", ls_project_id, exc.message, exc.details)


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
        client = _client(instance)
        secret, secret_hash = new_webhook_secret()
        with _calling_label_studio(f"registering the webhook of project {link.ls_project_id}", instance.url):
            hook = client.webhooks.create(
                url=public_url.rstrip("/") + WEBHOOK_PATH,
                project=link.ls_project_id,
                send_payload=True,
                send_for_all_actions=False,
                actions=list(WEBHOOK_ACTIONS),  # type: ignore[arg-type]
                headers={WEBHOOK_HEADER: secret},
            )
        old, link.ls_webhook_id, link.webhook_secret_hash = link.ls_webhook_id, hook.id, secret_hash
        # Durable before the old webhook is removed from Label Studio: the new one's secret is kept.
        commit_now(session)
        if old is not None:
            try:
                with _calling_label_studio(f"removing the old webhook {old}", instance.url):
                    client.webhooks.delete(id=old)
            except AppError as exc:  # its secret opens nothing any more: left behind, harmless
                log.warning("old Label Studio webhook %s left behind: %s (%s)", old, exc.message, exc.details)
        done.append(link.project_id)
    return done


def delete_link(session: Session, organization_id: int, project_id: int) -> None:
    """Forget the link and the task mapping; the Label Studio project and its annotations stay there."""
    session.delete(get_link(session, organization_id, project_id))
    session.flush()


def all_links(session: Session) -> list[LabelStudioLink]:
    """Every link of every organization: what the scheduled pull walks through."""
    return list(session.scalars(select(LabelStudioLink).order_by(LabelStudioLink.id)))


def project_changed(session: Session, project: Project) -> None:
    """After a project's labels or task type changed: put the new labeling config in Label Studio.

    The project change itself has succeeded; if Label Studio can't take the config now, the link
    records the error and the next pull retries (the link's config hash still differs).
    """
    link = _find(session, project.id)
    if link is None:
        return
    try:
        config = label_config(project)
        if config_hash(config) == link.label_config_hash:
            return
        instance = link_instance(session, link)
        with _calling_label_studio("updating the labeling config", instance.url):
            client = _client(instance)
            client.projects.update(id=link.ls_project_id, label_config=config)
        link.label_config_hash = config_hash(config)
    except AppError as exc:
        _record_error(link, f"labeling config not updated: {exc.message}: {exc.details}")
    session.flush()


def _record_error(link: LabelStudioLink, message: str) -> None:
    link.last_error = message[:MAX_ERROR_CHARS]
    link.last_error_at = utcnow()
    log.warning("Label Studio link %s (project %s): %s", link.id, link.project_id, message)


# --- Pushing -------------------------------------------------------------------------------------------


def start_push(session: Session, organization_id: int, batch_id: int) -> dict[str, Any]:
    """Start the flow that imports a batch's images as Label Studio tasks (idempotent)."""
    batch = batches.get(session, organization_id, batch_id)
    link = _find(session, batch.project_id)
    if link is None:
        raise Conflict(
            "The batch's project is not linked to Label Studio",
            f"link project {batch.project_id} first (POST /data/projects/<id>/label-studio)"
            if batch.project_id
            else f"batch {batch.id} belongs to no project",
        )
    run = orchestration.start(
        "label_studio_push",
        {"organization_id": organization_id, "project_id": link.project_id, "batch_id": batch.id},
    )
    return {"batch_id": batch.id, "project_id": link.project_id, "flow_run_id": run}


def batch_status_changed(session: Session, batch: Batch, previous: str) -> None:
    """A batch of a linked project moved to ``annotating``: push it. No push started, no move (503)."""
    if batch.status != "annotating" or previous == "annotating" or _find(session, batch.project_id) is None:
        return
    start_push(session, batch.organization_id, batch.id)  # refused (503): the whole request rolls back


def pending_images(
    session: Session, organization_id: int, batch_id: int, *, base_url: str, limit: int
) -> dict[str, Any]:
    """The next images of a batch that have no task yet, with fresh signed URLs: the push flow's work."""
    batch = batches.get(session, organization_id, batch_id)
    link = _find(session, batch.project_id)
    if link is None:
        raise Conflict("The batch's project is not linked to Label Studio", f"batch {batch.id}")
    has_task = exists().where(LabelStudioTask.link_id == link.id, LabelStudioTask.image_id == Image.id)
    rows = session.scalars(
        select(Image)
        .where(Image.batch_id == batch.id, Image.status.not_in(SKIPPED_STATUSES), ~has_task)
        .order_by(Image.id)
        .limit(limit)
    ).all()
    expires_at = utcnow() + _url_ttl()
    return {
        "project_id": link.project_id,
        "label_studio_project_id": link.ls_project_id,
        "images": [
            {
                "image_id": image.id,
                "url": signed_image_url(base_url, link, image.id, expires_at),
                "url_expires_at": expires_at,
                "width": image.width,
                "height": image.height,
            }
            for image in rows
        ],
    }


def stale_tasks(
    session: Session, organization_id: int, project_id: int, *, base_url: str, limit: int
) -> list[dict[str, Any]]:
    """Tasks whose image URL is past half its life, with fresh URLs for the flow to put in place.

    Tasks of archived batches are left to expire: nobody annotates those.
    """
    link = get_link(session, organization_id, project_id)
    now = utcnow()
    rows = session.scalars(
        select(LabelStudioTask)
        .join(Image, Image.id == LabelStudioTask.image_id)
        .outerjoin(Batch, Batch.id == Image.batch_id)
        .where(
            LabelStudioTask.link_id == link.id,
            LabelStudioTask.url_expires_at < now + _url_ttl() / 2,
            or_(Batch.status.is_(None), Batch.status != "archived"),
        )
        .order_by(LabelStudioTask.url_expires_at, LabelStudioTask.id)
        .limit(limit)
    ).all()
    expires_at = now + _url_ttl()
    return [
        {
            "task_id": row.ls_task_id,
            "image_id": row.image_id,
            "url": signed_image_url(base_url, link, row.image_id, expires_at),
            "url_expires_at": expires_at,
        }
        for row in rows
    ]


def record_tasks(
    session: Session, organization_id: int, project_id: int, tasks: Sequence[dict[str, Any]]
) -> int:
    """Record which task shows which image (new tasks, or renewed URLs); returns how many were new."""
    link = get_link(session, organization_id, project_id)
    image_ids = {t["image_id"] for t in tasks}
    known = set(
        session.scalars(select(Image.id).where(Image.id.in_(image_ids), Image.project_id == link.project_id))
    )
    if unknown := sorted(image_ids - known):
        raise ValidationError("Unknown images", f"not images of project {link.project_id}: {unknown[:20]}")
    rows = {
        row.image_id: row
        for row in session.scalars(
            select(LabelStudioTask).where(
                LabelStudioTask.link_id == link.id, LabelStudioTask.image_id.in_(image_ids)
            )
        )
    }
    new = 0
    for task in tasks:
        row = rows.get(task["image_id"])
        if row is None:
            row = LabelStudioTask(link_id=link.id, image_id=task["image_id"], ls_task_id=task["task_id"])
            session.add(row)
            rows[row.image_id] = row
            new += 1
        elif row.ls_task_id != task["task_id"]:
            raise Conflict(
                "The image already has another task",
                f"image {row.image_id} is task {row.ls_task_id}, not {task['task_id']}",
            )
        row.url_expires_at = task["url_expires_at"]
    session.flush()
    return new


# --- Pulling -------------------------------------------------------------------------------------------


def start_pull(session: Session, organization_id: int, project_id: int) -> dict[str, Any]:
    """Start an incremental pull of the project's annotations from Label Studio."""
    link = get_link(session, organization_id, project_id)
    return {"project_id": link.project_id, "flow_run_id": _start_pull(link, None)}


def _start_pull(link: LabelStudioLink, claim: str | None) -> str:
    parameters: dict[str, Any] = {"organization_id": link.organization_id, "project_id": link.project_id}
    if claim is not None:
        parameters["claim"] = claim
    return orchestration.start("label_studio_pull", parameters)


def queue_pull(session: Session, link: LabelStudioLink, task_ids: Sequence[int]) -> dict[str, Any]:
    """Queue tasks for pulling, and start a pull of the project unless one is queued or running.

    The queue and the claim change under the link's row lock, which a pull also takes before it looks
    at the queue one last time and lets go of the claim: either it sees these tasks and takes them
    too, or it let go first and a new run starts here. A burst of webhooks starts one run, and no
    queued task is left without a run to take it.
    """
    lock_rows(session, LabelStudioLink, [link.id])
    session.add_all(LabelStudioPullRequest(link_id=link.id, ls_task_id=task_id) for task_id in task_ids)
    session.refresh(link)
    now = utcnow()
    if link.pull_claim is not None and link.pull_claimed_at and link.pull_claimed_at > now - PULL_LEASE:
        session.flush()
        return {"flow_run_id": link.pull_flow_run_id, "started": False}
    claim = secrets.token_hex(16)
    link.pull_claim, link.pull_claimed_at, link.pull_flow_run_id = claim, now, None
    # Durable before Prefect is called: the run finds the queue and its claim (a crash leaves a lease
    # that runs out).
    commit_now(session)
    try:
        run = _start_pull(link, claim)
    except ServiceUnavailable:
        # The tasks stay queued: the next webhook's run, or the scheduled pull, takes them.
        _release_claim(session, link.id, claim)
        raise
    session.execute(
        update(LabelStudioLink)
        .where(LabelStudioLink.id == link.id, LabelStudioLink.pull_claim == claim)
        .values(pull_flow_run_id=run)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return {"flow_run_id": run, "started": True}


def _release_claim(session: Session, link_id: int, claim: str) -> None:
    """Let go of a pull's claim, if it still holds it."""
    session.execute(
        update(LabelStudioLink)
        .where(LabelStudioLink.id == link_id, LabelStudioLink.pull_claim == claim)
        .values(pull_claim=None, pull_claimed_at=None, pull_flow_run_id=None)
        .execution_options(synchronize_session=False)
    )
    # Committed now: the claim is let go although the request that failed to start the run is refused.
    commit_now(session)


def _locked_link(session: Session, organization_id: int, project_id: int) -> LabelStudioLink:
    link = get_link(session, organization_id, project_id)
    lock_rows(session, LabelStudioLink, [link.id])
    session.refresh(link)
    return link


def take_pull_queue(
    session: Session, organization_id: int, project_id: int, *, claim: str | None, limit: int
) -> dict[str, Any]:
    """The oldest queued tasks, for a pull to fetch. The run holding the claim renews it; a run that
    lost it (taken over once its lease ran out) gets nothing, and stops. Without a claim (the
    scheduled pull) the queue is read as it is."""
    link = _locked_link(session, organization_id, project_id)
    owned = claim is not None and link.pull_claim == claim
    if owned:
        link.pull_claimed_at = utcnow()
    session.flush()
    if claim is not None and not owned:
        return {"owned": False, "entries": []}
    rows = session.scalars(
        select(LabelStudioPullRequest)
        .where(LabelStudioPullRequest.link_id == link.id)
        .order_by(LabelStudioPullRequest.id)
        .limit(limit)
    ).all()
    return {"owned": owned, "entries": rows}


def finish_pull_queue(
    session: Session, organization_id: int, project_id: int, *, claim: str | None, entry_ids: Sequence[int]
) -> dict[str, Any]:
    """Drop the queue entries a pull has synced; the claim's holder lets go once nothing is left.

    Entries queued while it worked stay (they have new ids), so the holder goes round again.
    """
    link = _locked_link(session, organization_id, project_id)
    if entry_ids:
        session.execute(
            delete(LabelStudioPullRequest).where(
                LabelStudioPullRequest.link_id == link.id, LabelStudioPullRequest.id.in_(list(entry_ids))
            )
        )
    remaining = session.scalar(
        select(func.count())
        .select_from(LabelStudioPullRequest)
        .where(LabelStudioPullRequest.link_id == link.id)
    )
    owned = claim is not None and link.pull_claim == claim
    released = owned and remaining == 0
    if released:
        link.pull_claim, link.pull_claimed_at, link.pull_flow_run_id = None, None, None
    elif owned:
        link.pull_claimed_at = utcnow()
    session.flush()
    return {"owned": owned, "released": released, "remaining": remaining}


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


def to_annotation(
    project: Project, image: Image, result: Sequence[dict[str, Any]]
) -> tuple[str | None, list[dict[str, Any]] | None] | None:
    """A Label Studio result as (label, boxes) for the project, or None when it holds no label.

    Choices give the label; RectangleLabels (percent of the image) give normalized boxes, a rotated
    one replaced by its axis-aligned bounds. Raises ValidationError for labels the project lacks.
    """
    if project.task_type == "classification":
        label = next(
            (
                choices[0]
                for item in result
                if item.get("type") == "choices" and (choices := (item.get("value") or {}).get("choices"))
            ),
            None,
        )
        return None if label is None else annotations.validate(project, label, None)
    boxes = [
        box
        for item in result
        if item.get("type") == "rectanglelabels"
        for box in [_box(item.get("value") or {}, image)]
        if box is not None
    ]
    return annotations.validate(project, None, boxes)


def _box(value: dict[str, Any], image: Image) -> dict[str, Any] | None:
    labels = value.get("rectanglelabels") or []
    try:
        x, y, w, h = (float(value[k]) / 100 for k in ("x", "y", "width", "height"))
        rotation = math.radians(float(value.get("rotation") or 0))
    except (KeyError, TypeError, ValueError):
        raise ValidationError("Invalid box", f"x, y, width and height must be numbers: {value}") from None
    if not labels:
        return None
    if rotation:
        # Label Studio rotates around the top-left corner; in pixels, since the axes scale differently.
        sw, sh = image.width, image.height
        cos, sin = math.cos(rotation), math.sin(rotation)
        corners = [(dx * sw, dy * sh) for dx, dy in ((0, 0), (w, 0), (w, h), (0, h))]
        xs = [x + (cx * cos - cy * sin) / sw for cx, cy in corners]
        ys = [y + (cx * sin + cy * cos) / sh for cx, cy in corners]
        x, y, w, h = min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)
    left, top = max(x, 0.0), max(y, 0.0)
    right, bottom = min(x + w, 1.0), min(y + h, 1.0)
    if right <= left or bottom <= top:
        return None  # nothing of it inside the image
    return {"label": labels[0], "x": left, "y": top, "width": right - left, "height": bottom - top}


def sync_tasks(
    session: Session, organization_id: int, project_id: int, tasks: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """Make the Label Studio annotations of these tasks the image's ``label_studio`` annotations.

    Each task comes as Label Studio shows it now: its annotations (skipped ones ignored) with their
    result and annotator's email. New ones are created, edited ones replaced (the new version
    becomes the image's label), vanished ones deleted; unchanged ones are left alone, so pulling
    the same state twice changes nothing. Batches whose every task is annotated become annotated.
    """
    link = get_link(session, organization_id, project_id)
    project = session.get(Project, link.project_id)
    assert project is not None
    if project.archived:
        raise Conflict("The project is archived", f"project {project.id} takes no annotations")
    by_task = {task["id"]: task for task in tasks}
    mapped = session.scalars(
        select(LabelStudioTask).where(
            LabelStudioTask.link_id == link.id, LabelStudioTask.ls_task_id.in_(list(by_task))
        )
    ).all()
    # Locked (batches, then images) before reading what exists, so concurrent pulls can't both create.
    images = annotations.lock_images(session, sorted({row.image_id for row in mapped}))
    have: dict[int, dict[str, Annotation]] = defaultdict(dict)
    for annotation in session.scalars(
        select(Annotation).where(Annotation.image_id.in_(list(images)), Annotation.source == "label_studio")
    ):
        have[annotation.image_id][annotation.external_id or ""] = annotation
    emails = {a.get("completed_by_email") for t in tasks for a in t["annotations"]} - {None}
    users = dict(
        session.execute(
            select(User.email, User.id).where(User.organization_id == organization_id, User.email.in_(emails))
        ).all()
    )
    counts = {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0, "unknown_tasks": 0}
    errors: list[str] = []
    # New annotations go in by rounds, one per image each (what attach takes), in Label Studio's
    # order: an image's newest annotation gets the highest id and so becomes its label.
    rounds: list[list[tuple[Image, Annotation]]] = []
    now = utcnow()
    for row in mapped:
        image = images[row.image_id]
        wanted: dict[str, Annotation] = {}
        for item in sorted(by_task[row.ls_task_id]["annotations"], key=lambda a: a["id"]):
            if item.get("was_cancelled"):
                continue
            try:
                converted = to_annotation(project, image, item.get("result") or [])
            except ValidationError as exc:
                errors.append(f"task {row.ls_task_id} annotation {item['id']}: {exc.message} ({exc.details})")
                continue
            if converted is None:
                continue
            email = item.get("completed_by_email")
            wanted[str(item["id"])] = Annotation(
                organization_id=organization_id,
                image_id=image.id,
                project_id=project.id,
                label=converted[0],
                boxes=converted[1],
                source="label_studio",
                external_id=str(item["id"]),
                annotator_id=users.get(email),
                annotator_email=email,
            )
        current = have[image.id]
        same = {key for key, new in wanted.items() if key in current and _same(current[key], new)}
        doomed = [annotation for key, annotation in current.items() if key not in same]
        fresh = [annotation for key, annotation in wanted.items() if key not in same]
        counts["unchanged"] += len(same)
        counts["updated"] += sum(1 for a in fresh if a.external_id in current)
        counts["created"] += sum(1 for a in fresh if a.external_id not in current)
        counts["deleted"] += sum(1 for a in doomed if a.external_id not in wanted)
        if doomed:
            annotations.detach(session, image, doomed)
        for i, annotation in enumerate(fresh):
            if i == len(rounds):
                rounds.append([])
            rounds[i].append((image, annotation))
        row.annotated = bool(wanted)
        row.synced_at = now
    for pairs in rounds:
        annotations.attach(session, pairs)
    counts["unknown_tasks"] = len(by_task) - len(mapped)
    if errors:
        _record_error(link, f"{len(errors)} annotations not imported: " + "; ".join(errors))
    session.flush()
    counts["batches_completed"] = _complete_batches(
        session, link, {image.batch_id for image in images.values() if image.batch_id is not None}
    )
    return {**counts, "errors": errors}


def _same(old: Annotation, new: Annotation) -> bool:
    return (old.label, old.boxes, old.annotator_email) == (new.label, new.boxes, new.annotator_email)


def _complete_batches(session: Session, link: LabelStudioLink, batch_ids: set[int]) -> list[int]:
    """Move ``annotating`` batches whose every (not rejected) image has an annotated task to annotated."""
    done = []
    for batch in session.scalars(
        select(Batch).where(Batch.id.in_(sorted(batch_ids)), Batch.status == "annotating").order_by(Batch.id)
    ):
        shown = Image.batch_id == batch.id, Image.status.not_in(SKIPPED_STATUSES)
        total = session.scalar(select(func.count()).select_from(Image).where(*shown))
        annotated = session.scalar(
            select(func.count())
            .select_from(LabelStudioTask)
            .join(Image, Image.id == LabelStudioTask.image_id)
            .where(LabelStudioTask.link_id == link.id, LabelStudioTask.annotated, *shown)
        )
        if total and annotated == total:
            batches.update(session, link.organization_id, batch.id, {"status": "annotated"})
            done.append(batch.id)
    return done


def report(
    session: Session,
    organization_id: int,
    project_id: int,
    *,
    stage: str,
    state: str,
    error: str | None = None,
    pull_cursor: datetime | None = None,
    label_config_hash: str | None = None,
    claim: str | None = None,
) -> dict[str, Any]:
    """Take a flow's report: a push or pull running, done, or failed (with its error).

    A failed webhook pull lets go of its claim: the next webhook starts a fresh one, which takes the
    tasks still queued (so does the scheduled pull).
    """
    if claim is not None and state == "failed":
        link = _locked_link(session, organization_id, project_id)
        if link.pull_claim == claim:
            link.pull_claim, link.pull_claimed_at, link.pull_flow_run_id = None, None, None
    else:
        link = get_link(session, organization_id, project_id)
    now = utcnow()
    if state == "running":
        link.sync_status = "pushing" if stage == "push" else "pulling"
    elif state == "succeeded":
        link.sync_status = "synced"
        if stage == "push":
            link.last_push_at = now
        else:
            link.last_pull_at = now
    else:
        link.sync_status = "failed"
        _record_error(link, f"{stage} failed: {error or 'no message'}")
    if pull_cursor is not None and (link.pull_cursor is None or pull_cursor > link.pull_cursor):
        link.pull_cursor = pull_cursor
    if label_config_hash is not None:
        link.label_config_hash = label_config_hash
    session.flush()
    return status(session, organization_id, project_id)


# --- Subscribing to the core's signals ------------------------------------------------------------------


def _on_batch_status_changed(session: Session, *, batch: Batch, previous: str) -> None:
    batch_status_changed(session, batch, previous)


def _on_project_labels_changed(session: Session, *, project: Project) -> None:
    project_changed(session, project)


def subscribe() -> None:
    """Follow the core's signals (once per process; connecting again changes nothing)."""
    events.batch_status_changed.connect(_on_batch_status_changed, weak=False)
    events.project_labels_changed.connect(_on_project_labels_changed, weak=False)
