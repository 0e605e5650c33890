"""Routes of the batches API."""

from typing import Any

from flask.views import MethodView

from webapp.api.batches.schemas import BatchQueryArgsSchema, BatchSchema, BatchUpdateSchema
from webapp.api.envelope import Blueprint
from webapp.auth import ANY_ROLE, MANAGERS, SERVICE_ROLE, calling_user, current_org, user_required
from webapp.extensions import db
from webapp.services import batches

blp = Blueprint("batches", __name__, url_prefix="/data/batches", description="Batches of images")

READERS = (*ANY_ROLE, SERVICE_ROLE)


@blp.route("")
class Batches(MethodView):
    @user_required(READERS)
    @blp.arguments(BatchQueryArgsSchema, location="query")
    @blp.response(200, BatchSchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listBatches")
    def get(self, args: dict[str, Any]) -> Any:
        """List batches, newest first."""
        return batches.list_(db.session, current_org().id, **args)


@blp.route("/<int:batch_id>")
class BatchById(MethodView):
    @user_required(READERS)
    @blp.response(200, BatchSchema)
    @blp.doc(operationId="getBatch")
    def get(self, batch_id: int) -> Any:
        """Get a batch with its image and annotated counts."""
        return batches.get(db.session, current_org().id, batch_id)

    @user_required((*MANAGERS, SERVICE_ROLE))
    @blp.arguments(BatchUpdateSchema)
    @blp.response(200, BatchSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="updateBatch")
    def patch(self, changes: dict[str, Any], batch_id: int) -> Any:
        """Rename, add notes, move to a project, or change status (only along next_statuses)."""
        user = calling_user()
        return batches.update(db.session, current_org().id, batch_id, changes, user.id if user else None)
