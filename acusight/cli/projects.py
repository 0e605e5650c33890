"""`acusight projects`: an organization's projects, their data and the model their devices run."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from acusight.cli._accounts import accounts_session
from acusight.cli._datadir import DataDir, data_dir_option
from acusight.cli._output import (
    find_org,
    json_option,
    limit_option,
    more,
    org_option,
    print_json,
    print_table,
)
from webapp.models import Device, Project


@click.group()
def projects() -> None:
    """The projects of an organization."""


def describe(project: Project, devices: int) -> dict[str, Any]:
    return {
        "id": project.id,
        "name": project.name,
        "task_type": project.task_type,
        "labels": list(project.labels),
        "image_count": project.image_count,
        "annotated_count": project.annotated_count,
        "devices": devices,
        "deployed_export_id": project.deployed_export_id,
        "archived": project.archived,
        "created_at": project.created_at,
    }


def _device_counts(session: Session, project_ids: list[int]) -> dict[int, int]:
    if not project_ids:
        return {}
    rows = session.execute(
        select(Device.project_id, func.count())
        .where(Device.project_id.in_(project_ids))
        .group_by(Device.project_id)
    )
    return {project_id: count for project_id, count in rows}


def _row(r: dict[str, Any]) -> list[Any]:
    deployed = f"export {r['deployed_export_id']}" if r["deployed_export_id"] else None
    counts = (r["image_count"], r["annotated_count"], r["devices"])
    return [r["id"], r["name"], r["task_type"], len(r["labels"]), *counts, deployed, r["archived"]]


@projects.command("list")
@org_option
@click.option("--archived/--active", "archived", default=None, help="Only archived (or only active) projects")
@limit_option(100)
@json_option
@data_dir_option
def projects_list(
    org_ref: str | None, archived: bool | None, limit: int, as_json: bool, data_dir: DataDir
) -> None:
    """List the projects: task, labels, images (annotated), devices, the export their devices run."""
    from webapp.services import projects as projects_service

    with accounts_session(data_dir, writes=False) as session:
        org = find_org(session, org_ref)
        page = projects_service.list_(session, org.id, 1, limit, archived=archived)
        counts = _device_counts(session, [p.id for p in page])
        rows = [describe(p, counts.get(p.id, 0)) for p in page]
    if as_json:
        print_json(rows)
        return
    print_table(
        ["ID", "NAME", "TASK", "LABELS", "IMAGES", "ANNOTATED", "DEVICES", "DEPLOYED", "ARCHIVED"],
        [_row(r) for r in rows],
        empty=f"no projects in {org.name}",
        footer=more(len(rows), page.total, "projects"),
    )
