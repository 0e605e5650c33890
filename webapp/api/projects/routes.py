"""Routes of the projects API."""

from typing import Any

from flask import Response, stream_with_context
from flask.views import MethodView

from webapp.api.envelope import Blueprint
from webapp.api.projects.schemas import (
    ExportArgsSchema,
    ImportFileSchema,
    ImportFormSchema,
    ImportReportSchema,
    ImportSchema,
    ProjectCreateSchema,
    ProjectQueryArgsSchema,
    ProjectSchema,
    ProjectUpdateSchema,
)
from webapp.auth import ANY_ROLE, MANAGERS, SERVICE_ROLE, calling_user, current_org, user_required
from webapp.extensions import db
from webapp.services import label_formats, projects

blp = Blueprint("projects", __name__, url_prefix="/data/projects", description="Projects and their labels")

READERS = (*ANY_ROLE, SERVICE_ROLE)


@blp.route("")
class Projects(MethodView):
    @user_required(READERS)
    @blp.arguments(ProjectQueryArgsSchema, location="query")
    @blp.response(200, ProjectSchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listProjects")
    def get(self, args: dict[str, Any]) -> Any:
        """List projects by name."""
        return projects.list_(db.session, current_org().id, **args)

    @user_required(MANAGERS)
    @blp.arguments(ProjectCreateSchema)
    @blp.response(201, ProjectSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="createProject")
    def post(self, body: dict[str, Any]) -> Any:
        """Create a project; its name is unique in the organization."""
        return projects.create(db.session, current_org().id, **body)


@blp.route("/<int:project_id>")
class ProjectById(MethodView):
    @user_required(READERS)
    @blp.response(200, ProjectSchema)
    @blp.doc(operationId="getProject")
    def get(self, project_id: int) -> Any:
        """Get a project with its image counts."""
        return projects.get(db.session, current_org().id, project_id)

    @user_required(MANAGERS)
    @blp.arguments(ProjectUpdateSchema)
    @blp.response(200, ProjectSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="updateProject")
    def patch(self, changes: dict[str, Any], project_id: int) -> Any:
        """Update a project or assign its devices a model export; removing a label in use is a conflict."""
        return projects.update(db.session, current_org().id, project_id, changes)

    @user_required(MANAGERS)
    @blp.response(204)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="deleteProject")
    def delete(self, project_id: int) -> None:
        """Delete a project (one with images must be archived first); its annotations go with it."""
        projects.delete(db.session, current_org().id, project_id)


BINARY = {"type": "string", "format": "binary"}


@blp.route("/<int:project_id>/export")
class ProjectExport(MethodView):
    @user_required(READERS)
    @blp.arguments(ExportArgsSchema, location="query")
    @blp.doc(
        responses={
            "200": {
                "description": "The labels file: text/csv, application/json (COCO) or application/zip (YOLO)",
                "content": {
                    # COCO is a JSON document (not the envelope); the others are files.
                    kind: {"schema": {"type": "object"} if kind == "application/json" else BINARY}
                    for kind in (
                        content_type.split(";")[0] for content_type in label_formats.CONTENT_TYPES.values()
                    )
                },
            }
        }
    )
    @blp.doc(operationId="exportProject")
    def get(self, args: dict[str, Any], project_id: int) -> Response:
        """Download the current labels of the project's annotated images as a file."""
        export = label_formats.export(db.session, current_org().id, project_id, args["format"])
        return Response(
            stream_with_context(export.chunks),
            content_type=export.content_type,
            headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
        )


@blp.route("/<int:project_id>/import")
class ProjectImport(MethodView):
    @user_required(MANAGERS)
    @blp.multipart(ImportFormSchema, ImportSchema)
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(200, ImportReportSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="importProject")
    def post(self, form: dict[str, Any], files: dict[str, Any], project_id: int) -> Any:
        """Import labels from a file (multipart: file, format); all or nothing, with a match report."""
        return label_formats.import_labels(
            db.session,
            current_org().id,
            project_id,
            fmt=form["format"],
            data=files["file"].read(),
            annotator=calling_user(),
            source=form["source"],
            dry_run=form["dry_run"],
        )
