"""Routes of the annotations API."""

from typing import Any

from flask.views import MethodView

from webapp.api.annotations.schemas import (
    AnnotationCreateSchema,
    AnnotationQueryArgsSchema,
    AnnotationSchema,
)
from webapp.api.envelope import Blueprint
from webapp.auth import ANNOTATORS, ANY_ROLE, SERVICE_ROLE, calling_user, current_org, user_required
from webapp.extensions import db
from webapp.services import annotations

blp = Blueprint(
    "annotations", __name__, url_prefix="/data/annotations", description="Labels of images, with history"
)

READERS = (*ANY_ROLE, SERVICE_ROLE)
WRITERS = (*ANNOTATORS, SERVICE_ROLE)


@blp.route("")
class Annotations(MethodView):
    @user_required(READERS)
    @blp.arguments(AnnotationQueryArgsSchema, location="query")
    @blp.response(200, AnnotationSchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listAnnotations")
    def get(self, args: dict[str, Any]) -> Any:
        """List annotations newest first; with image_id, the image's history (the first is its label)."""
        return annotations.list_(db.session, current_org().id, **args)

    @user_required(WRITERS)
    @blp.arguments(AnnotationCreateSchema)
    @blp.response(201, AnnotationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="createAnnotation")
    def post(self, body: dict[str, Any]) -> Any:
        """Annotate an image: a label (classification) or boxes (detection); it becomes the image's label.

        People annotate under their own name (manual); only service accounts give another source, an
        external_id or an annotator_email (403 for people).
        """
        return annotations.create(db.session, current_org().id, annotator=calling_user(), **body)


@blp.route("/<int:annotation_id>")
class AnnotationById(MethodView):
    @user_required(READERS)
    @blp.response(200, AnnotationSchema)
    @blp.doc(operationId="getAnnotation")
    def get(self, annotation_id: int) -> Any:
        """Get one annotation."""
        return annotations.get(db.session, current_org().id, annotation_id)

    @user_required(WRITERS)
    @blp.response(204)
    @blp.doc(operationId="deleteAnnotation")
    def delete(self, annotation_id: int) -> None:
        """Delete an annotation (annotators: their own); the one before it becomes the image's label."""
        annotations.delete(db.session, current_org().id, annotation_id, calling_user())
