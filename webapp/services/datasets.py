"""Dataset versions: freeze a selection of annotated images, then let a flow version it with DVC."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Integer, Row, func, insert, literal, select
from sqlalchemy.orm import Session

from pipelines.device_contract import CLASSIFIER_RESIZE
from pipelines.device_contract import resize_spec as device_resize_spec
from webapp.errors import Conflict, Forbidden, ValidationError
from webapp.models import Annotation, Batch, DatasetItem, DatasetVersion, Image, Project, User
from webapp.services import jobs, quotas
from webapp.services.common import Page, get_in_org, paginate, where_equal

DEFAULT_SPLITS = {"train": 0.8, "val": 0.1, "test": 0.1}
DEFAULT_STATUSES = ("new", "accepted")
# How frames are resized to image_size when the request does not say (the device vocabulary).
DEFAULT_RESIZE = {
    "classification": dict(CLASSIFIER_RESIZE),
    "detection": {"mode": "letterbox", "placement": "center", "pad_value": [114, 114, 114]},
}
# Which status a flow may move a version to, from each status. failed -> running is a Prefect retry.
TRANSITIONS = {
    "queued": {"running", "failed"},
    "running": {"running", "ready", "failed"},
    "failed": {"running", "failed"},
    "ready": set(),
}
# Fields only the flow (a service account) reports; people may rename a version, nothing more.
REPORTED_FIELDS = {
    "status",
    "progress",
    "counts",
    "git_tag",
    "git_rev",
    "dvc_hash",
    "dvc_path",
    "bytes_stored",
    "error",
}


def create(
    session: Session,
    organization_id: int,
    user: User | None,
    *,
    project_id: int,
    name: str | None = None,
    splits: dict[str, float] | None = None,
    seed: int = 0,
    batch_ids: list[int] | None = None,
    image_statuses: list[str] | None = None,
    image_size: int = 64,
    resize: dict[str, Any] | None = None,
) -> DatasetVersion:
    """Freeze the selection now, record a queued version, and start its flow run.

    ``resize``: how frames are brought to image_size (center_crop, stretch or letterbox); default
    center_crop for classification, a centred letterbox for detection. The full spec is recorded in
    params, and the flow maps detection boxes through it.
    """
    project = get_in_org(session, Project, organization_id, project_id)
    try:
        resize_used = device_resize_spec(resize or DEFAULT_RESIZE[project.task_type])
    except ValueError as exc:
        raise ValidationError("Invalid resize", str(exc)) from None
    for batch_id in batch_ids or []:
        get_in_org(session, Batch, organization_id, batch_id)
    splits = splits or dict(DEFAULT_SPLITS)
    statuses = list(image_statuses or DEFAULT_STATUSES)
    # Held until the version is committed (in jobs.start_flow): no one else counts or numbers meanwhile.
    quotas.claim_job_slot(session, organization_id, "dataset_versions")
    number = (
        session.scalar(
            select(func.max(DatasetVersion.version)).where(DatasetVersion.project_id == project.id)
        )
        or 0
    ) + 1
    version = DatasetVersion(
        organization_id=organization_id,
        project_id=project.id,
        version=number,
        name=name or f"{project.name} v{number}",
        status="queued",
        task_type=project.task_type,
        labels=list(project.labels),
        params={
            "splits": splits,
            "seed": seed,
            "batch_ids": batch_ids,
            "image_statuses": statuses,
            "image_size": image_size,
            "resize": resize_used,
        },
        created_by_id=user.id if user else None,
    )
    session.add(version)
    session.flush()
    version.image_count = _freeze_selection(session, version, batch_ids, statuses)
    if version.image_count == 0:
        raise Conflict(
            "No annotated images match this selection",
            "annotate some images of the project (or widen batch_ids / image_statuses) first",
        )
    _check_targets(session, version)
    jobs.start_flow(
        session, version, "dataset", {"dataset_id": version.id, "organization_id": organization_id}
    )
    return version


def _freeze_selection(
    session: Session, version: DatasetVersion, batch_ids: list[int] | None, statuses: list[str]
) -> int:
    """Copy the selected images and their latest annotation into dataset_items, in one statement."""
    latest = (
        select(func.max(Annotation.id))
        .where(Annotation.image_id == Image.id)
        .correlate(Image)
        .scalar_subquery()
    )
    selection = (
        select(
            literal(version.id, Integer()).label("dataset_id"),
            Image.sha256,
            Image.id,
            Annotation.label,
            Annotation.boxes,
        )
        .join(Annotation, Annotation.id == latest)
        .where(
            Image.organization_id == version.organization_id,
            Image.project_id == version.project_id,
            Image.status.in_(statuses),
        )
    )
    if batch_ids:
        selection = selection.where(Image.batch_id.in_(batch_ids))
    session.execute(
        insert(DatasetItem).from_select(["dataset_id", "sha256", "image_id", "label", "boxes"], selection)
    )
    return session.scalar(select(func.count()).where(DatasetItem.dataset_id == version.id)) or 0


def _check_targets(session: Session, version: DatasetVersion) -> None:
    """Refuse (409) a selection the flow could not version: labels the project no longer has, or a
    detection version whose frames hold no box at all (nothing to learn from, only background)."""
    known = set(version.labels)
    if version.task_type == "classification":
        stray = set(
            session.scalars(
                select(DatasetItem.label)
                .where(DatasetItem.dataset_id == version.id, DatasetItem.label.not_in(known))
                .distinct()
            )
        )
        boxed = version.image_count
    else:
        stray = set()
        boxed = 0
        for rows in item_chunks(session, version):
            for row in rows:
                boxes = row.boxes or []
                boxed += bool(boxes)
                stray.update(str(box.get("label")) for box in boxes if box.get("label") not in known)
    if stray:
        raise Conflict(
            "Some annotations use labels that are not the project's",
            f"labels {sorted(stray)[:20]} are not in the project's labels {sorted(known)}: add them to the "
            "project, or re-annotate those images, then request the version again",
        )
    if boxed == 0:
        raise Conflict(
            "No image of this selection has a box",
            f"all {version.image_count} selected images are annotated with no objects; a detection "
            "version needs at least one boxed image (draw boxes, or widen batch_ids / image_statuses)",
        )


def list_(
    session: Session,
    organization_id: int,
    page: int,
    per_page: int,
    project_id: int | None = None,
    status: str | None = None,
) -> Page[Any]:
    stmt = where_equal(
        select(DatasetVersion).where(DatasetVersion.organization_id == organization_id),
        {DatasetVersion.project_id: project_id, DatasetVersion.status: status},
    )
    return paginate(session, stmt.order_by(DatasetVersion.id.desc()), page, per_page)


def get(session: Session, organization_id: int, dataset_id: int) -> DatasetVersion:
    return get_in_org(session, DatasetVersion, organization_id, dataset_id)


def update(
    session: Session, organization_id: int, dataset_id: int, changes: dict[str, Any], *, by_service: bool
) -> DatasetVersion:
    """Rename (people) or report progress and results (the flow, as a service account)."""
    version = get(session, organization_id, dataset_id)
    reported = REPORTED_FIELDS & changes.keys()
    if reported and not by_service:
        raise Forbidden("Only the dataset flow reports these fields", ", ".join(sorted(reported)))
    jobs.move(version, changes.pop("status", None), TRANSITIONS, ("ready", "failed"), "dataset version")
    for key, value in changes.items():
        setattr(version, key, value)
    session.flush()
    return version


def item_chunks(session: Session, version: DatasetVersion, chunk: int = 5000) -> Iterator[Sequence[Row[Any]]]:
    """The frozen selection in sha256 order as (sha256, image_id, label, boxes) rows, a chunk at a time.

    Keyset pages of plain column rows, never all at once and never as ORM objects (a 100,000-image
    version streams in about a second).
    """
    after = ""
    columns = (DatasetItem.sha256, DatasetItem.image_id, DatasetItem.label, DatasetItem.boxes)
    while True:
        rows = session.execute(
            select(*columns)
            .where(DatasetItem.dataset_id == version.id, DatasetItem.sha256 > after)
            .order_by(DatasetItem.sha256)
            .limit(chunk)
        ).all()
        if not rows:
            return
        yield rows
        after = rows[-1].sha256


def checkout_help(version: DatasetVersion) -> dict[str, Any] | None:
    """How a person gets this exact version back: the git tag and the DVC commands."""
    if not version.git_tag or not version.dvc_path:
        return None
    return {
        "git_tag": version.git_tag,
        "git_rev": version.git_rev,
        "path": version.dvc_path,
        "commands": [
            f"git checkout {version.git_tag} -- {version.dvc_path}.dvc",
            f"dvc checkout {version.dvc_path}.dvc  # or: dvc pull {version.dvc_path}.dvc",
        ],
    }


def select_hashes(session: Session, version: DatasetVersion, wanted: list[str] | None) -> list[str]:
    """The version's image hashes, or the subset of ``wanted`` that belongs to it."""
    if wanted is None:
        return [row.sha256 for rows in item_chunks(session, version) for row in rows]
    known: set[str] = set()
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        known.update(
            session.scalars(
                select(DatasetItem.sha256).where(
                    DatasetItem.dataset_id == version.id, DatasetItem.sha256.in_(chunk)
                )
            )
        )
    missing = [h for h in wanted if h not in known]
    if missing:
        raise ValidationError("Some images are not in this dataset version", ", ".join(missing[:5]))
    return sorted(known)
