"""Routes of the model versions API."""

from typing import Any

from flask import Response
from flask.views import MethodView

from webapp.api.binary import binary_doc, blob_download
from webapp.api.envelope import Blueprint
from webapp.api.models.schemas import (
    ModelVersionDetailSchema,
    ModelVersionQueryArgsSchema,
    ModelVersionSchema,
)
from webapp.auth import ANY_ROLE, SERVICE_ROLE, current_org, user_required
from webapp.extensions import db
from webapp.services import models
from webapp.storage import get_store

blp = Blueprint("models", __name__, url_prefix="/ml/models", description="Model versions")

READERS = (*ANY_ROLE, SERVICE_ROLE)


@blp.route("")
class ModelVersions(MethodView):
    @user_required(READERS)
    @blp.arguments(ModelVersionQueryArgsSchema, location="query")
    @blp.response(200, ModelVersionSchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listModelVersions")
    def get(self, args: dict[str, Any]) -> Any:
        """List model versions, newest first."""
        return models.list_(db.session, current_org().id, **args)


@blp.route("/<int:model_id>")
class ModelVersionById(MethodView):
    @user_required(READERS)
    @blp.response(200, ModelVersionDetailSchema)
    @blp.doc(operationId="getModelVersion")
    def get(self, model_id: int) -> Any:
        """Get a model version: metrics, params, dataset version, training job, artifact, exports."""
        return models.get(db.session, current_org().id, model_id)


@blp.route("/<int:model_id>/download")
class ModelVersionDownload(MethodView):
    @user_required(READERS)
    @blp.doc(**binary_doc("application/octet-stream", "The PyTorch checkpoint"))
    @blp.doc(operationId="downloadModelVersion")
    def get(self, model_id: int) -> Response:
        """Download the model's PyTorch checkpoint (ETag = its sha256)."""
        model = models.get(db.session, current_org().id, model_id)
        return blob_download(
            get_store(),
            models.artifact_key(model.artifact_sha256),
            "application/octet-stream",
            model.artifact_sha256,
            f"model-{model.id}-v{model.version}.pt",
        )
