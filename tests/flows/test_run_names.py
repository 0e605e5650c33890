"""Flow run names and tags (the API's, for the runs it starts; the flows', for the runs Prefect starts), and
the artifacts' helpers. No server: tests/flows/test_training_flow.py and the others check the real runs."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from flows import prefect_ui
from flows.datasets import build_dataset_version
from flows.drift import drift_check
from flows.export import export_model, publish_figures
from flows.label_studio import pull_from_label_studio, push_to_label_studio
from flows.prefect_ui import RunName, artifact_key, deployment_tags, epoch_table, markdown_figures
from flows.rollouts import evaluate_rollouts
from flows.schedules import scheduled_training
from flows.training import publish_artifacts, train_model
from flows.worker import deployments
from webapp.orchestration import DEPLOYMENTS, RUN_KINDS, run_label

# Each kind the API starts, and the flow that runs it.
FLOWS = {
    "dataset": build_dataset_version,
    "training": train_model,
    "scheduled-training": scheduled_training,
    "export": export_model,
    "label_studio_push": push_to_label_studio,
    "label_studio_pull": pull_from_label_studio,
    "drift_check": drift_check,
    "rollout_evaluation": evaluate_rollouts,
}


@pytest.mark.parametrize(
    ("kind", "parameters", "record", "name", "tags"),
    [
        (
            "training",
            {"job_id": 12, "organization_id": 1},
            SimpleNamespace(project_id=3, organization_id=1),
            "train · project 3 · job 12",
            ["acusight", "kind:train", "project:3", "job:12", "org:1"],
        ),
        (
            "export",
            {"job_id": 7, "organization_id": 1},
            SimpleNamespace(project_id=3),
            "export · project 3 · job 7",
            ["acusight", "kind:export", "project:3", "job:7", "org:1"],
        ),
        (
            "dataset",
            {"dataset_id": 40, "organization_id": 1},
            SimpleNamespace(project_id=3, version=5),
            "dataset · project 3 · version 5",
            ["acusight", "kind:dataset", "project:3", "dataset:40", "org:1"],
        ),
        (
            "scheduled-training",
            {"schedule_id": 4, "organization_id": 2},
            SimpleNamespace(project_id=3),
            "scheduled training · project 3 · schedule 4",
            ["acusight", "kind:scheduled-training", "project:3", "schedule:4", "org:2"],
        ),
        (
            "label_studio_push",
            {"organization_id": 1, "project_id": 3, "batch_id": 9},
            None,
            "label-studio push · project 3 · batch 9",
            ["acusight", "kind:label-studio-push", "project:3", "batch:9", "org:1"],
        ),
        (
            "label_studio_pull",
            {"organization_id": 1, "project_id": 3, "claim": "x"},
            None,
            "label-studio pull · project 3",
            ["acusight", "kind:label-studio-pull", "project:3", "org:1"],
        ),
        (
            "label_studio_pull",
            {},
            None,
            "label-studio pull · every linked project",
            ["acusight", "kind:label-studio-pull"],
        ),
        (
            "drift_check",
            {"export_id": 7},
            SimpleNamespace(project_id=3, organization_id=1),
            "drift check · project 3 · export 7",
            ["acusight", "kind:drift-check", "project:3", "export:7", "org:1"],
        ),
        ("drift_check", {}, None, "drift check · every deployed export", ["acusight", "kind:drift-check"]),
        (
            "rollout_evaluation",
            {"rollout_id": 4},
            SimpleNamespace(project_id=3, organization_id=1),
            "rollout evaluation · project 3 · rollout 4",
            ["acusight", "kind:rollout-evaluation", "project:3", "rollout:4", "org:1"],
        ),
        # The record could not be read: the run is still named for what its parameters say.
        ("training", {"job_id": 12}, None, "train · job 12", ["acusight", "kind:train", "job:12"]),
    ],
)
def test_the_api_names_and_tags_each_run_for_what_it_serves(
    kind: str, parameters: dict[str, Any], record: Any, name: str, tags: list[str]
) -> None:
    label = run_label(kind, parameters, record)
    assert (label.name, label.tags) == (name, tags)


def test_flows_name_their_runs_in_the_api_s_words() -> None:
    assert set(FLOWS) == set(DEPLOYMENTS) == set(RUN_KINDS)
    for kind, flow in FLOWS.items():
        run_name = flow.flow_run_name
        assert isinstance(run_name, RunName) and run_name.kind == RUN_KINDS[kind], kind
        assert run_name.tags == run_label(kind, {}).tags[:2], kind
    # Every deployment the worker serves carries its kind's tags: Prefect puts them on each run.
    by_name = {flow.name: flow for flow in FLOWS.values()}
    for deployment in deployments():
        assert deployment.tags == deployment_tags(by_name[deployment.flow_name])
        assert "acusight" in deployment.tags and any(t.startswith("kind:") for t in deployment.tags)


def test_a_run_prefect_starts_is_named_from_its_parameters_and_the_api_s_name_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from prefect.runtime import flow_run

    run_name = scheduled_training.flow_run_name
    assert isinstance(run_name, RunName)
    monkeypatch.setattr(flow_run, "get_parameters", lambda: {"schedule_id": 4, "organization_id": 1})
    monkeypatch.setattr(flow_run, "get_name", lambda: "crimson-lizard")  # Prefect's own name for it
    assert run_name() == "scheduled training · schedule 4"
    monkeypatch.setattr(flow_run, "get_name", lambda: "scheduled training · project 3 · schedule 4")
    assert run_name() == "scheduled training · project 3 · schedule 4"
    assert drift_check.flow_run_name.name({"export_id": None}) == "drift check · every deployed export"  # type: ignore[union-attr]
    assert (
        push_to_label_studio.flow_run_name.name(  # type: ignore[union-attr]
            {"organization_id": 1, "project_id": 3, "batch_id": 9}
        )
        == run_label("label_studio_push", {"organization_id": 1, "project_id": 3, "batch_id": 9}).name
    )


def test_artifact_keys_and_figures() -> None:
    assert artifact_key("training-job", 12) == "training-job-12"
    assert artifact_key("Export job", 7) == "export-job-7"
    rows = epoch_table([{"epoch": 1, "epochs": 2, "val_accuracy": 0.123456, "train_loss": 2.0}])
    assert rows == [{"epoch": 1, "train_loss": 2.0, "val_accuracy": 0.1235}]
    markdown = markdown_figures(
        "Export job 7",
        [("Latency (ms)", {"cpu": {"b1": 0.5, "b32": None}}), ("Empty", {}), ("Lists", {"matrix": [[1]]})],
    )
    assert "## Latency (ms)" in markdown and "| cpu.b1 | 0.5 |" in markdown and "| cpu.b32 | — |" in markdown
    assert "## Empty" not in markdown and "## Lists" not in markdown


def test_failing_to_publish_an_artifact_never_fails_the_run(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import prefect.artifacts

    def refuse(**_: Any) -> None:
        raise RuntimeError("the Prefect server is gone")

    monkeypatch.setattr(prefect.artifacts, "create_table_artifact", refuse)
    monkeypatch.setattr(prefect.artifacts, "create_markdown_artifact", refuse)
    job = {"id": 12, "project_id": 3}
    dataset = {"id": 40, "version": 5, "task_type": "classification"}
    history = [{"epoch": 1, "epochs": 1, "train_loss": 1.0}]
    publish_artifacts(job, dataset, {"id": 8}, history, {"val_accuracy": 0.5, "test": {"accuracy": 0.5}})
    export_job = {"id": 7, "project_id": 3, "model_id": 8, "opset": 18, "precision": "fp32"}
    publish_figures(export_job, {"parity": {"max_abs_diff": 0.0}}, "passed")
    # Figures of a shape nobody expected: still only a warning.
    publish_artifacts(job, {}, {"id": 8}, history, {})
    warned = [r.getMessage() for r in caplog.records if "could not publish" in r.getMessage()]
    assert len(warned) == 4, warned
    assert prefect_ui.RUN_TAG == "acusight"
