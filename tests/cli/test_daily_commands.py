"""The operator's daily commands: devices, projects, jobs (followed live), deploy; tables and --json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, update

from acusight.cli import jobs as jobs_cli
from tests.cli.conftest import Cli, Fleet, epoch
from webapp.extensions import db
from webapp.models import Device, Project, TrainingJob


def _ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return str(result.output)


def _refused(result: Any, message: str, code: int = 1) -> None:
    """A clear one-line error, no traceback."""
    assert result.exit_code == code, result.output
    assert message in result.output, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert len(result.output.strip().splitlines()) == 1, result.output


# --- devices ---------------------------------------------------------------------------------------------


def test_devices_list_shows_the_organizations_fleet_only(cli: Cli, fleet: Fleet) -> None:
    out = _ok(cli("devices", "list", "--org", "acme"))
    header, *rows = [line for line in out.splitlines() if line.strip() and not set(line) <= {"─", " "}]
    assert header.split() == ["ID", "NAME", "SERIAL", "STATUS", "PROJECT", "LAST", "SEEN", "FIRMWARE", "RUNS"]
    assert [row.split()[1] for row in rows] == ["cam-1", "cam-2", "spare"]
    assert "online" in rows[0] and "1 min ago" in rows[0] and "1.2" in rows[0]
    assert "never_seen" in rows[1] and "disabled" in rows[2]
    assert "g-1" not in out  # another tenant's device

    listed = json.loads(_ok(cli("devices", "list", "--org", "Acme", "--json")))
    assert [d["name"] for d in listed] == ["cam-1", "cam-2", "spare"]
    assert listed[0]["status"] == "online" and listed[0]["project"] == "cameras"
    assert listed[0]["runs_export"] is None and listed[0]["last_seen_at"].endswith("+00:00")

    only = json.loads(
        _ok(cli("devices", "list", "--org", "acme", "--project", str(fleet.cameras.id), "--json"))
    )
    assert [d["name"] for d in only] == ["cam-1", "cam-2"]
    disabled = json.loads(_ok(cli("devices", "list", "--org", "acme", "--disabled", "--json")))
    assert [d["name"] for d in disabled] == ["spare"]
    cut = _ok(cli("devices", "list", "--org", "acme", "--limit", "1"))
    assert "1 of 3 devices shown" in cut


def test_devices_show_and_tenant_boundaries(cli: Cli, fleet: Fleet) -> None:
    out = _ok(cli("devices", "show", str(fleet.cam1.id), "--org", "acme"))
    assert f"{fleet.cam1.id} 'cam-1' in Acme" in out and "battery_pct 81.0" in out
    shown = json.loads(_ok(cli("devices", "show", str(fleet.cam1.id), "--org", "acme", "--json")))
    assert shown["serial_number"] == "SN-cam-1" and shown["latest_checkin"]["temperature_c"] == 35.5

    _refused(cli("devices", "show", "999999", "--org", "acme"), "Device 999999 not found")
    # Globex's device does not exist as far as Acme is concerned.
    _refused(cli("devices", "show", str(fleet.globex_device.id), "--org", "acme"), "not found")
    _refused(cli("devices", "list", "--org", "Initech"), "No organization is named 'Initech'")
    _refused(cli("devices", "list"), "give --org: there are 2 organizations (acme, globex)")


def test_disable_and_enable_a_device(cli: Cli, fleet: Fleet) -> None:
    out = _ok(cli("devices", "disable", str(fleet.cam2.id), "--org", "acme"))
    assert "is disabled" in out
    assert db.session.get(Device, fleet.cam2.id).disabled
    assert (
        json.loads(_ok(cli("devices", "show", str(fleet.cam2.id), "--org", "acme", "--json")))["status"]
        == "disabled"
    )
    _ok(cli("devices", "enable", str(fleet.cam2.id), "--org", "acme"))
    assert not db.session.get(Device, fleet.cam2.id).disabled
    _refused(cli("devices", "disable", str(fleet.globex_device.id), "--org", "acme"), "not found")
    assert not db.session.get(Device, fleet.globex_device.id).disabled


# --- projects --------------------------------------------------------------------------------------------


def test_projects_list(cli: Cli, fleet: Fleet) -> None:
    out = _ok(cli("projects", "list", "--org", "acme"))
    assert "cameras" in out and "doors" in out and "cams" not in out
    listed = json.loads(_ok(cli("projects", "list", "--org", "acme", "--json")))
    assert [(p["name"], p["devices"], p["labels"]) for p in listed] == [
        ("cameras", 2, ["cat", "dog"]),
        ("doors", 0, ["open", "closed"]),
    ]
    assert _ok(cli("projects", "list", "--org", "acme", "--archived")).strip() == "no projects in Acme"


def test_the_only_organization_needs_no_org_option(cli: Cli, app: Any) -> None:
    from webapp.services import organizations

    organizations.create(db.session, "Solo")
    assert _ok(cli("projects", "list")).strip() == "no projects in Solo"
    assert json.loads(_ok(cli("devices", "list", "--json"))) == []


def test_no_organization_yet(cli: Cli, app: Any) -> None:
    _refused(cli("devices", "list"), "there is no organization yet: `acusight orgs create NAME`")


# --- jobs ------------------------------------------------------------------------------------------------


def test_jobs_list_both_kinds_newest_first(cli: Cli, fleet: Fleet) -> None:
    listed = json.loads(_ok(cli("jobs", "list", "--org", "acme", "--json")))
    assert {(j["kind"], j["id"]) for j in listed} == {
        ("training", fleet.trained.id),
        ("training", fleet.running.id),
        ("export", fleet.exported.id),
        ("export", fleet.failed_export.id),
    }
    assert [j["created_at"] for j in listed] == sorted((j["created_at"] for j in listed), reverse=True)
    exports = json.loads(_ok(cli("jobs", "list", "--org", "acme", "--kind", "export", "--json")))
    assert {j["status"] for j in exports} == {"succeeded", "failed"}
    running = json.loads(_ok(cli("jobs", "list", "--org", "acme", "--status", "running", "--json")))
    assert [(j["kind"], j["id"]) for j in running] == [("training", fleet.running.id)]
    table = _ok(cli("jobs", "list", "--org", "acme"))
    assert "epoch 1/10" in table and f"model {fleet.model.id}" in table
    assert _ok(
        cli("jobs", "list", "--org", "globex", "--kind", "training", "--status", "failed")
    ).strip() == ("no jobs in Globex")


def test_jobs_show(cli: Cli, fleet: Fleet) -> None:
    out = _ok(cli("jobs", "show", str(fleet.trained.id), "--org", "acme"))
    assert "succeeded" in out and "val_accuracy" in out
    assert [line.split()[1] for line in out.splitlines() if line.startswith("epoch ")] == [
        "1/3",
        "2/3",
        "3/3",
    ]
    export = _ok(cli("jobs", "show", str(fleet.failed_export.id), "--kind", "export", "--org", "acme"))
    assert "ParityError: outputs differ" in export and "Traceback" not in export
    shown = json.loads(
        _ok(cli("jobs", "show", str(fleet.exported.id), "--kind", "export", "--org", "acme", "--json"))
    )
    assert shown["artifact_size"] == 999 and shown["kind"] == "export"
    _refused(cli("jobs", "show", "424242", "--org", "acme"), "Training job 424242 not found")
    _refused(
        cli("jobs", "show", str(fleet.globex_export.id), "--kind", "export", "--org", "acme"), "not found"
    )


@pytest.fixture
def worker_reports(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """What a worker reports while `jobs show --follow` waits: each of the follower's sleeps applies the
    next report to the training job, through a connection of its own (as the API would)."""
    reports: list[dict[str, Any]] = []
    engine = create_engine(database_url)

    def next_report(_seconds: float) -> None:
        assert reports, "the follower went on after the job ended"
        job_id, values = reports.pop(0)
        with engine.begin() as conn:
            conn.execute(update(TrainingJob).where(TrainingJob.id == job_id).values(**values))

    monkeypatch.setattr(jobs_cli, "sleep", next_report)
    yield reports
    engine.dispose()


def test_follow_prints_each_epoch_once_as_it_arrives(
    cli: Cli, fleet: Fleet, worker_reports: list[Any]
) -> None:
    job = fleet.running.id
    # The latest epoch alone (a worker without history), then a history that repeats what was shown
    # and brings two epochs at once, then the same again (nothing new), then the end.
    worker_reports += [
        (job, {"progress": epoch(2, of=4)}),
        (job, {"progress": {**epoch(4, of=4), "history": [epoch(n, of=4) for n in (1, 2, 3, 4)]}}),
        (job, {"progress": {**epoch(4, of=4), "history": [epoch(n, of=4) for n in (1, 2, 3, 4)]}}),
        (job, {"status": "succeeded", "metrics": {"val_accuracy": 0.9}}),
    ]
    out = _ok(cli("jobs", "show", str(job), "--org", "acme", "--follow", "--interval", "0.1"))
    lines = out.splitlines()
    assert lines[0] == f"training job {job} running"
    assert [line.split()[1] for line in lines if line.startswith("epoch ")] == ["1/10", "2/4", "3/4", "4/4"]
    assert lines[-1] == f"training job {job} succeeded"
    assert not worker_reports  # every report was read


def test_follow_a_failed_job_exits_1_and_json_lines(
    cli: Cli, fleet: Fleet, worker_reports: list[Any]
) -> None:
    job = fleet.running.id
    worker_reports += [
        (job, {"progress": {**epoch(2, of=10), "history": [epoch(1, of=10), epoch(2, of=10)]}}),
        (job, {"status": "failed", "error": "Traceback (most recent call last):\nRuntimeError: CUDA OOM"}),
    ]
    result = cli("jobs", "show", str(job), "--org", "acme", "--follow", "--json")
    assert result.exit_code == 1, result.output
    events = [json.loads(line) for line in result.output.splitlines()]
    assert [e["event"] for e in events] == ["status", "epoch", "epoch", "done"]
    assert [e["epoch"] for e in events if e["event"] == "epoch"] == [1, 2]
    assert events[-1]["job"]["status"] == "failed"


def test_follow_a_finished_job_prints_its_epochs_and_ends(cli: Cli, fleet: Fleet) -> None:
    out = _ok(cli("jobs", "show", str(fleet.trained.id), "--org", "acme", "--follow"))
    assert out.splitlines() == [
        "epoch 1/3  train_loss 1  val_accuracy 0.6  lr 0.001",
        "epoch 2/3  train_loss 0.5  val_accuracy 0.7  lr 0.001",
        "epoch 3/3  train_loss 0.3333  val_accuracy 0.8  lr 0.001",
        f"training job {fleet.trained.id} succeeded: model {fleet.model.id} registered",
    ]


# --- deploy ----------------------------------------------------------------------------------------------


def test_deploy_to_a_device_and_to_a_project(cli: Cli, fleet: Fleet) -> None:
    export = str(fleet.exported.id)
    out = _ok(cli("deploy", export, "--device", str(fleet.cam1.id), "--org", "acme"))
    assert f"now runs export {export} (model 'cameras-classifier' v1, onnx fp32) (its own assignment)" in out
    assert "(was nothing)" in out
    assert db.session.get(Device, fleet.cam1.id).deployed_export_id == fleet.exported.id

    done = json.loads(
        _ok(cli("deploy", export, "--project", str(fleet.cameras.id), "--org", "acme", "--json"))
    )
    assert done == {"project_id": fleet.cameras.id, "deployed_export_id": fleet.exported.id, "before": None}
    assert db.session.get(Project, fleet.cameras.id).deployed_export_id == fleet.exported.id
    listed = json.loads(_ok(cli("devices", "list", "--org", "acme", "--json")))
    assert [d["runs_export"] for d in listed][:2] == [
        {"export_id": fleet.exported.id, "source": "device"},
        {"export_id": fleet.exported.id, "source": "project"},
    ]

    cleared = _ok(cli("deploy", "--clear", "--device", str(fleet.cam1.id), "--org", "acme"))
    assert "(its project's)" in cleared and f"(was export {export}" in cleared
    assert db.session.get(Device, fleet.cam1.id).deployed_export_id is None


def test_deploy_refusals(cli: Cli, fleet: Fleet) -> None:
    cam1 = str(fleet.cam1.id)
    _refused(
        cli("deploy", str(fleet.failed_export.id), "--device", cam1, "--org", "acme"),
        f"Export {fleet.failed_export.id} is failed: only a succeeded export can be deployed",
    )
    _refused(cli("deploy", str(fleet.globex_export.id), "--device", cam1, "--org", "acme"), "not found")
    _refused(
        cli("deploy", str(fleet.exported.id), "--project", str(fleet.doors.id), "--org", "acme"),
        "is of another project's model",
    )
    _refused(cli("deploy", str(fleet.exported.id), "--device", "999999", "--org", "acme"), "not found")
    assert cli("deploy", str(fleet.exported.id), "--org", "acme").exit_code == 2
    assert cli("deploy", "--device", cam1, "--org", "acme").exit_code == 2
    assert db.session.get(Device, fleet.cam1.id).deployed_export_id is None


# --- the command line itself -----------------------------------------------------------------------------


def test_version_help_and_completion() -> None:
    from importlib.metadata import version

    from click.testing import CliRunner

    from acusight.cli import main

    runner = CliRunner()
    assert runner.invoke(main, ["--version"]).output == f"acusight {version('acusight')}\n"
    helped = runner.invoke(main, ["--help"]).output
    assert "_ACUSIGHT_COMPLETE=bash_source acusight" in helped and "--json" in helped
    script = runner.invoke(main, [], prog_name="acusight", env={"_ACUSIGHT_COMPLETE": "bash_source"})
    assert script.exit_code == 0 and "_acusight_completion" in script.output
    words = runner.invoke(
        main,
        [],
        prog_name="acusight",
        env={"_ACUSIGHT_COMPLETE": "bash_complete", "COMP_WORDS": "acusight jobs sh", "COMP_CWORD": "2"},
    )
    assert "plain,show" in words.output
