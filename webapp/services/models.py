"""Model versions: the registry of trained models and their checkpoint artifacts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.errors import ValidationError
from webapp.models import ModelVersion
from webapp.services import training
from webapp.services.common import Page, get_in_org, loads_json, paginate, where_equal
from webapp.storage import BlobStore, StagedFile


def artifact_key(sha256: str) -> str:
    """Where model artifacts live in the blob store (apart from images, which fsck walks)."""
    return f"artifacts/{sha256[:2]}/{sha256}"


def list_(
    session: Session,
    organization_id: int,
    page: int,
    per_page: int,
    project_id: int | None = None,
    dataset_id: int | None = None,
) -> Page[Any]:
    stmt = select(ModelVersion).where(ModelVersion.organization_id == organization_id)
    stmt = where_equal(stmt, {ModelVersion.project_id: project_id, ModelVersion.dataset_id: dataset_id})
    return paginate(session, stmt.order_by(ModelVersion.id.desc()), page, per_page)


def get(session: Session, organization_id: int, model_id: int) -> ModelVersion:
    return get_in_org(session, ModelVersion, organization_id, model_id)


def _json_object(raw: str, name: str) -> dict[str, Any]:
    try:
        value = loads_json(raw)
    except ValueError as exc:
        raise ValidationError(f"{name} is not valid JSON", str(exc)) from exc
    if not isinstance(value, dict):
        raise ValidationError(f"{name} must be a JSON object")
    return value


def register_upload(
    session: Session,
    store: BlobStore,
    organization_id: int,
    job_id: int,
    staged: StagedFile,
    fields: dict[str, str],
) -> ModelVersion:
    """Store a running job's uploaded checkpoint (content-addressed) and register its model version."""
    metrics = _json_object(fields.get("metrics", "{}"), "metrics")
    params = _json_object(fields.get("params", "{}"), "params")
    preprocessing = _json_object(fields.get("preprocessing", "{}"), "preprocessing")
    if staged.size == 0:
        raise ValidationError("The checkpoint file is empty")
    training.check_can_register(session, organization_id, job_id)
    staged.flush()
    key = artifact_key(staged.sha256)
    if not store.exists(key):
        store.put_file(key, staged.path)
    return training.register_model(
        session,
        organization_id,
        job_id,
        metrics=metrics,
        params=params,
        preprocessing=preprocessing,
        artifact_sha256=staged.sha256,
        artifact_size=staged.size,
    )
