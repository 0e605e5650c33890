"""Routes of the images API."""

from typing import Any

from flask.views import MethodView

from webapp.api.envelope import Blueprint
from webapp.api.images.schemas import (
    FieldPredictionSchema,
    ImageQueryArgsSchema,
    ImageSchema,
    ImageUpdateSchema,
)
from webapp.auth import ANY_ROLE, MANAGERS, SERVICE_ROLE, current_org, user_required
from webapp.extensions import db
from webapp.services import images, inferences

blp = Blueprint("images", __name__, url_prefix="/data/images", description="Images and their curation")

READERS = (*ANY_ROLE, SERVICE_ROLE)


@blp.route("")
class Images(MethodView):
    @user_required(READERS)
    @blp.arguments(ImageQueryArgsSchema, location="query")
    @blp.response(200, ImageSchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listImages")
    def get(self, args: dict[str, Any]) -> Any:
        """List images, newest first (sort by created or captured time); filters combine."""
        return images.list_(db.session, current_org().id, **args)


@blp.route("/<int:image_id>")
class ImageById(MethodView):
    @user_required(READERS)
    @blp.response(200, ImageSchema)
    @blp.doc(operationId="getImage")
    def get(self, image_id: int) -> Any:
        """Get an image with its current annotation and the URLs of its file and thumbnail."""
        return images.get(db.session, current_org().id, image_id)

    @user_required(MANAGERS)
    @blp.arguments(ImageUpdateSchema)
    @blp.response(200, ImageSchema)
    @blp.doc(operationId="updateImage")
    def patch(self, changes: dict[str, Any], image_id: int) -> Any:
        """Accept or reject an image, tag it, or add notes."""
        return images.update(db.session, current_org().id, image_id, changes)


@blp.route("/<int:image_id>/field-predictions")
class ImageFieldPredictions(MethodView):
    @user_required(READERS)
    @blp.response(200, FieldPredictionSchema(many=True))
    @blp.doc(operationId="listImageFieldPredictions")
    def get(self, image_id: int) -> Any:
        """What devices' models predicted on this frame, as they reported it (newest first, at most 50)."""
        return inferences.of_image(db.session, current_org().id, image_id)
