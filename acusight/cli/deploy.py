"""`acusight deploy`: which model export a device, or every device of a project, runs.

The same service calls as the API's PATCH /devices/{id} and PATCH /data/projects/{id} with
``deployed_export_id``: only a succeeded export of the organization (of the project's own models, for a
project); a device's own assignment wins over its project's (webapp/services/delivery.py).
"""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy.orm import Session

from acusight.cli._accounts import accounts_session
from acusight.cli._datadir import DataDir, data_dir_option
from acusight.cli._output import find_org, json_option, org_option, print_json
from webapp.models import Device, ExportJob, ModelVersion


def _export_text(session: Session, export_id: int | None) -> str:
    if export_id is None:
        return "nothing"
    job = session.get(ExportJob, export_id)
    if job is None:
        return f"export {export_id}"
    model = session.get(ModelVersion, job.model_id)
    name = f"model {model.name!r} v{model.version}" if model is not None else f"model {job.model_id}"
    return f"export {job.id} ({name}, {job.format} {job.precision})"


def _device_runs(session: Session, device: Device) -> tuple[int | None, str | None]:
    from webapp.services import delivery

    found = delivery.assigned(session, device)
    return (found[0].id, found[1]) if found else (None, None)


@click.command()
@click.argument("export_id", type=int, required=False)
@click.option("--device", "device_id", type=int, default=None, help="Assign it to this device (its own)")
@click.option(
    "--project", "project_id", type=int, default=None, help="Assign it to every device of this project"
)
@click.option(
    "--clear",
    is_flag=True,
    help="Remove the assignment instead (a device then runs its project's export, if any)",
)
@org_option
@json_option
@data_dir_option
def deploy(
    export_id: int | None,
    device_id: int | None,
    project_id: int | None,
    clear: bool,
    org_ref: str | None,
    as_json: bool,
    data_dir: DataDir,
) -> None:
    """Assign the model export EXPORT_ID to a device (--device) or to a project's devices (--project).

    Devices fetch it at their next check for a model (GET /api/device/model). Only a succeeded export
    can be assigned; a project takes exports of its own models. `acusight jobs list --kind export` lists
    them.
    """
    from webapp.services import devices as devices_service
    from webapp.services import projects as projects_service

    if (device_id is None) == (project_id is None):
        raise click.UsageError("give one of --device ID or --project ID")
    if clear == (export_id is not None):
        raise click.UsageError("give EXPORT_ID, or --clear to remove the assignment")
    with accounts_session(data_dir) as session:
        org = find_org(session, org_ref)
        result: dict[str, Any]
        if device_id is not None:
            device = devices_service.get(session, org.id, device_id)
            before = device.deployed_export_id
            device = devices_service.update(session, org.id, device_id, {"deployed_export_id": export_id})
            runs, source = _device_runs(session, device)
            result = {"device_id": device.id, "deployed_export_id": export_id, "before": before}
            result |= {"runs_export": runs, "source": source}
            target = f"device {device.id} {device.name!r}"
            why = {"device": " (its own assignment)", "project": " (its project's)"}.get(source or "", "")
            outcome = f"now runs {_export_text(session, runs)}{why}"
        else:
            assert project_id is not None
            project = projects_service.get(session, org.id, project_id)
            before = project.deployed_export_id
            project = projects_service.update(session, org.id, project_id, {"deployed_export_id": export_id})
            result = {"project_id": project.id, "deployed_export_id": export_id, "before": before}
            target = f"project {project.id} {project.name!r}"
            outcome = f"devices now run {_export_text(session, export_id)} unless they have their own"
        message = f"{target} of {org.name}: {outcome} (was {_export_text(session, before)})"
    if as_json:
        print_json(result)
    else:
        click.echo(message)
