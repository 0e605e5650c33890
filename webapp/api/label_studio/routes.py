"""Routes of the Label Studio integration: people link and push, flows sync, Label Studio calls in."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, g, request
from flask.views import MethodView

from webapp.api.binary import binary_doc, blob_download
from webapp.api.envelope import Blueprint
from webapp.api.label_studio.schemas import (
    ConnectionSchema,
    LinkCreateSchema,
    LinkRefSchema,
    LinkSchema,
    PendingArgsSchema,
    PendingSchema,
    PullQueueDoneResultSchema,
    PullQueueDoneSchema,
    PullQueueSchema,
    PullQueueTakeSchema,
    PullResultSchema,
    PushResultSchema,
    ReportSchema,
    SignedArgsSchema,
    StaleTaskSchema,
    SyncResultSchema,
    SyncSchema,
    TasksRecordedSchema,
    TasksRecordSchema,
    WebhookResultSchema,
    WebhookSchema,
)
from webapp.auth import (
    ANY_ROLE,
    MANAGERS,
    SERVICE_ROLE,
    calling_user,
    current_org,
    service_required,
    user_required,
)
from webapp.extensions import db
from webapp.integrations.label_studio import instances, linking, links, pull, push, signing, sync, webhooks
from webapp.models import utcnow
from webapp.services.image_check import CONTENT_TYPES
from webapp.storage import blob_key, get_store

blp = Blueprint(
    "label-studio", __name__, url_prefix="/data", description="Annotating projects in Label Studio"
)
integration_blp = Blueprint(
    "label-studio-integration",
    __name__,
    url_prefix="/integrations/label-studio",
    description="What Label Studio and the sync flows call",
)

READERS = (*ANY_ROLE, SERVICE_ROLE)
FLOWS = (SERVICE_ROLE,)


@blp.route("/projects/<int:project_id>/label-studio")
class ProjectLink(MethodView):
    @user_required(READERS)
    @blp.response(200, LinkSchema)
    @blp.doc(operationId="getLabelStudioLink")
    def get(self, project_id: int) -> Any:
        """The project's Label Studio link and sync status: tasks pushed and annotated, last pull, errors."""
        return links.status(db.session, current_org().id, project_id)

    @user_required(MANAGERS)
    @blp.arguments(LinkCreateSchema)
    @blp.response(201, LinkSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(operationId="linkLabelStudio")
    def post(self, body: dict[str, Any], project_id: int) -> Any:
        """Link the project: create a Label Studio project with a labeling config made from its labels."""
        return linking.create_link(
            db.session,
            current_org().id,
            project_id,
            public_url=instances.public_url(),
            user=calling_user(),
            **body,
        )

    @user_required(MANAGERS)
    @blp.response(204)
    @blp.doc(operationId="unlinkLabelStudio")
    def delete(self, project_id: int) -> None:
        """Unlink the project (the Label Studio project and its annotations stay in Label Studio)."""
        links.delete_link(db.session, current_org().id, project_id)


@blp.route("/projects/<int:project_id>/label-studio/pull")
class ProjectPull(MethodView):
    @user_required(MANAGERS)
    @blp.response(202, PullResultSchema)
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(operationId="pullFromLabelStudio")
    def post(self, project_id: int) -> Any:
        """Start pulling the project's new and changed annotations from Label Studio now."""
        return pull.start_pull(db.session, current_org().id, project_id)


@blp.route("/batches/<int:batch_id>/label-studio/push")
class BatchPush(MethodView):
    @user_required(MANAGERS)
    @blp.response(202, PushResultSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(operationId="pushBatchToLabelStudio")
    def post(self, batch_id: int) -> Any:
        """Start importing the batch's images as Label Studio tasks; images pushed before are skipped."""
        return push.start_push(db.session, current_org().id, batch_id)


@blp.route("/images/<int:image_id>/signed")
class SignedImage(MethodView):
    @blp.arguments(SignedArgsSchema, location="query")
    @blp.doc(**binary_doc("image/*", "The original bytes"), security=[])
    @blp.alt_response(401, response="UNAUTHORIZED", description="The signature is wrong or has expired")
    @blp.doc(operationId="getSignedImageUrl")
    def get(self, args: dict[str, Any], image_id: int) -> Response:
        """An image's bytes through a signed, expiring URL: how Label Studio shows images, credential-free."""
        image = signing.signed_image(db.session, image_id, args["exp"], args["sig"])
        response = blob_download(
            get_store(),
            blob_key(image.sha256),
            CONTENT_TYPES[image.format],
            image.sha256,
            f"{image.id}.{image.format}",
        )
        response.headers["Content-Disposition"] = f'inline; filename="{image.id}.{image.format}"'
        # The browser may keep the bytes as long as the URL that fetched them is valid.
        response.cache_control.private = True
        response.cache_control.max_age = max(0, args["exp"] - int(utcnow().timestamp()))
        return response


def _webhook_secret_required(func: Callable[..., Any]) -> Callable[..., Any]:
    """Find the link whose secret came before anything else is read: an unknown caller learns nothing."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g.label_studio_link_id = webhooks.webhook_link(
            db.session, request.headers.get(webhooks.WEBHOOK_HEADER)
        ).id
        return func(*args, **kwargs)

    return wrapper


@integration_blp.route("/webhook")
class Webhook(MethodView):
    @_webhook_secret_required
    @integration_blp.arguments(WebhookSchema)
    @integration_blp.response(202, WebhookResultSchema)
    @integration_blp.alt_response(401, response="UNAUTHORIZED")
    @integration_blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @integration_blp.doc(security=[])
    @integration_blp.doc(operationId="receiveLabelStudioWebhook")
    def post(self, payload: dict[str, Any]) -> Any:
        """Label Studio's webhook (the link's own secret in X-Acusight-Webhook-Secret): pull the tasks it
        names; an event of another project than the secret's link is refused."""
        return webhooks.handle_webhook(db.session, g.label_studio_link_id, payload)


@integration_blp.route("/links")
class Links(MethodView):
    @service_required
    @integration_blp.response(200, LinkRefSchema(many=True))
    @integration_blp.doc(operationId="listLabelStudioLinks")
    def get(self) -> Any:
        """Every linked project of every organization (service accounts only: the scheduled pull)."""
        return links.all_links(db.session)


@integration_blp.route("/batches/<int:batch_id>/pending")
class PendingImages(MethodView):
    @user_required(FLOWS)
    @integration_blp.arguments(PendingArgsSchema, location="query")
    @integration_blp.response(200, PendingSchema)
    @integration_blp.doc(operationId="listPendingImages")
    def get(self, args: dict[str, Any], batch_id: int) -> Any:
        """The batch's next images without a task, with signed URLs (the push flow's work list)."""
        return push.pending_images(
            db.session,
            current_org().id,
            batch_id,
            base_url=instances.public_url(),
            limit=args["limit"],
        )


@integration_blp.route("/projects/<int:project_id>/connection")
class Connection(MethodView):
    @user_required(FLOWS)
    @integration_blp.response(200, ConnectionSchema)
    @integration_blp.alt_response(409, response="CONFLICT")
    @integration_blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @integration_blp.doc(operationId="getLabelStudioConnection")
    def get(self, project_id: int) -> Any:
        """The Label Studio a linked project lives in and the token for it (service accounts only: the
        sync flows; 409 when the organization may not use it)."""
        return links.connection(db.session, current_org().id, project_id)


@integration_blp.route("/projects/<int:project_id>/tasks")
class Tasks(MethodView):
    @user_required(FLOWS)
    @integration_blp.arguments(TasksRecordSchema)
    @integration_blp.response(200, TasksRecordedSchema)
    @integration_blp.doc(operationId="createLabelStudioTasks")
    def post(self, body: dict[str, Any], project_id: int) -> Any:
        """Record which Label Studio task shows which image, and until when its URL works."""
        return {"new": push.record_tasks(db.session, current_org().id, project_id, body["tasks"])}


@integration_blp.route("/projects/<int:project_id>/stale-tasks")
class StaleTasks(MethodView):
    @user_required(FLOWS)
    @integration_blp.arguments(PendingArgsSchema, location="query")
    @integration_blp.response(200, StaleTaskSchema(many=True))
    @integration_blp.doc(operationId="listStaleLabelStudioTasks")
    def get(self, args: dict[str, Any], project_id: int) -> Any:
        """Tasks whose image URL is past half its life, with fresh URLs to put in their data."""
        return push.stale_tasks(
            db.session,
            current_org().id,
            project_id,
            base_url=instances.public_url(),
            limit=args["limit"],
        )


@integration_blp.route("/projects/<int:project_id>/sync")
class Sync(MethodView):
    @user_required(FLOWS)
    @integration_blp.arguments(SyncSchema)
    @integration_blp.response(200, SyncResultSchema)
    @integration_blp.doc(operationId="syncLabelStudioProject")
    def post(self, body: dict[str, Any], project_id: int) -> Any:
        """Make these tasks' Label Studio annotations the images' label_studio annotations."""
        return sync.sync_tasks(db.session, current_org().id, project_id, body["tasks"])


@integration_blp.route("/projects/<int:project_id>/pull-queue/take")
class PullQueueTake(MethodView):
    @user_required(FLOWS)
    @integration_blp.arguments(PullQueueTakeSchema)
    @integration_blp.response(200, PullQueueSchema)
    @integration_blp.doc(operationId="takePullQueue")
    def post(self, body: dict[str, Any], project_id: int) -> Any:
        """The oldest tasks webhooks queued for a pull; the claim's holder renews it (else: owned false)."""
        return pull.take_pull_queue(db.session, current_org().id, project_id, **body)


@integration_blp.route("/projects/<int:project_id>/pull-queue/done")
class PullQueueDone(MethodView):
    @user_required(FLOWS)
    @integration_blp.arguments(PullQueueDoneSchema)
    @integration_blp.response(200, PullQueueDoneResultSchema)
    @integration_blp.doc(operationId="completePullQueue")
    def post(self, body: dict[str, Any], project_id: int) -> Any:
        """Drop synced queue entries; the claim's holder lets go when nothing is left (released)."""
        return pull.finish_pull_queue(db.session, current_org().id, project_id, **body)


@integration_blp.route("/projects/<int:project_id>/report")
class Report(MethodView):
    @user_required(FLOWS)
    @integration_blp.arguments(ReportSchema)
    @integration_blp.response(200, LinkSchema)
    @integration_blp.doc(operationId="reportLabelStudioSync")
    def post(self, body: dict[str, Any], project_id: int) -> Any:
        """A push or pull flow reports that it runs, succeeded or failed."""
        return links.report(db.session, current_org().id, project_id, **body)
