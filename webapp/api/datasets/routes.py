"""Routes of the dataset versions API."""

import io
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from flask import Response, stream_with_context
from flask.views import MethodView

from webapp import storage
from webapp.api.datasets.schemas import (
    ArchiveRequestSchema,
    DatasetVersionCreateSchema,
    DatasetVersionQueryArgsSchema,
    DatasetVersionSchema,
    DatasetVersionUpdateSchema,
)
from webapp.api.envelope import Blueprint
from webapp.auth import ANY_ROLE, MANAGERS, SERVICE_ROLE, calling_user, current_org, user_required
from webapp.extensions import db
from webapp.services import datasets
from webapp.services.archive import tar_stream

blp = Blueprint(
    "datasets", __name__, url_prefix="/data/datasets", description="Dataset versions (DVC-versioned)"
)

READERS = (*ANY_ROLE, SERVICE_ROLE)


def _open_image(sha256: str) -> tuple[BinaryIO, int]:
    f = storage.open_image(sha256)
    size = f.seek(0, io.SEEK_END)
    f.seek(0)
    return f, size


@blp.route("")
class DatasetVersions(MethodView):
    @user_required(READERS)
    @blp.arguments(DatasetVersionQueryArgsSchema, location="query")
    @blp.response(200, DatasetVersionSchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listDatasetVersions")
    def get(self, args: dict[str, Any]) -> Any:
        """List dataset versions, newest first."""
        return datasets.list_(db.session, current_org().id, **args)

    @user_required(MANAGERS)
    @blp.arguments(DatasetVersionCreateSchema)
    @blp.response(201, DatasetVersionSchema)
    @blp.alt_response(404, response="NOT_FOUND", description="A referenced record does not exist")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(
        429,
        response="RATE_LIMITED",
        description="The organization's limit of these jobs is queued or running",
    )
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(operationId="createDatasetVersion")
    def post(self, body: dict[str, Any]) -> Any:
        """Cut a dataset version: freeze the selection now and start the flow that versions it."""
        return datasets.create(db.session, current_org().id, calling_user(), **body)


@blp.route("/<int:dataset_id>")
class DatasetVersionById(MethodView):
    @user_required(READERS)
    @blp.response(200, DatasetVersionSchema)
    @blp.doc(operationId="getDatasetVersion")
    def get(self, dataset_id: int) -> Any:
        """Get a dataset version, with how to check it out again."""
        return datasets.get(db.session, current_org().id, dataset_id)

    @user_required((*MANAGERS, SERVICE_ROLE))
    @blp.arguments(DatasetVersionUpdateSchema)
    @blp.response(200, DatasetVersionSchema)
    @blp.doc(operationId="updateDatasetVersion")
    def patch(self, changes: dict[str, Any], dataset_id: int) -> Any:
        """Rename a version; the dataset flow reports status, progress and results here."""
        return datasets.update(
            db.session, current_org().id, dataset_id, changes, by_service=calling_user() is None
        )


@blp.route("/<int:dataset_id>/manifest")
class DatasetManifest(MethodView):
    @user_required(READERS)
    @blp.response(200, content_type="application/x-ndjson")
    @blp.doc(operationId="getDatasetManifest")
    def get(self, dataset_id: int) -> Response:
        """The frozen selection as JSON lines: sha256, image_id, label or boxes (sha256 order)."""
        version = datasets.get(db.session, current_org().id, dataset_id)

        classification = version.task_type == "classification"

        def lines() -> Iterator[bytes]:
            for rows in datasets.item_chunks(db.session, version):  # one write per chunk, not per line
                yield "".join(
                    json.dumps(
                        {"sha256": sha256, "image_id": image_id, "label": label}
                        if classification
                        else {"sha256": sha256, "image_id": image_id, "boxes": boxes}
                    )
                    + "\n"
                    for sha256, image_id, label, boxes in rows
                ).encode()

        return Response(stream_with_context(lines()), mimetype="application/x-ndjson")


@blp.route("/<int:dataset_id>/archive")
class DatasetArchive(MethodView):
    @user_required((*MANAGERS, SERVICE_ROLE))
    @blp.arguments(ArchiveRequestSchema)
    @blp.response(200, content_type="application/x-tar")
    @blp.doc(operationId="createDatasetArchive")
    def post(self, body: dict[str, Any], dataset_id: int) -> Response:
        """Stream the version's original image files as one tar (members named by sha256)."""
        org = current_org()
        version = datasets.get(db.session, org.id, dataset_id)
        wanted = datasets.select_hashes(db.session, version, body["sha256"])
        stream = tar_stream(wanted, _open_image)
        return Response(stream_with_context(stream), mimetype="application/x-tar")
