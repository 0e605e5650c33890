"""The flows' retry condition and failure hooks, called directly: no Prefect server, no API."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
import requests
from prefect.states import Completed, Failed

import flows.tasks
from flows.client import ApiError
from flows.datasets import _report_failure as dataset_hook
from flows.export import _report_failure as export_hook
from flows.label_studio import _report_pull_failure, _report_push_failure, connection
from flows.pre_annotations import predict
from flows.tasks import DELAYS, retry_condition
from flows.training import _report_failure as training_hook
from flows.training import checkout_dataset


def api_error(status: int) -> ApiError:
    return ApiError(status, "CODE", "message", None)


def retried(exc: Exception) -> bool:
    return retry_condition(None, None, Failed(data=exc))


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 413, 422])
def test_a_refusal_is_not_retried(status: int) -> None:
    assert not retried(api_error(status))


@pytest.mark.parametrize(
    "exc",
    [
        api_error(500),
        api_error(503),
        api_error(408),
        api_error(429),
        requests.ConnectionError("reset"),
        RuntimeError("archive held 3 of 4 images"),
    ],
)
def test_what_may_pass_later_is_retried(exc: Exception) -> None:
    assert retried(exc)


def test_a_completed_state_is_not_refused() -> None:
    assert retry_condition(None, None, Completed(data=1))


def test_tasks_keep_their_retry_counts_and_delays() -> None:
    assert (connection.retries, connection.retry_delay_seconds) == (3, list(DELAYS))
    assert (checkout_dataset.retries, checkout_dataset.retry_delay_seconds) == (2, [5, 15])
    assert (predict.retries, predict.retry_delay_seconds) == (2, [2, 5])
    assert connection.retry_condition_fn is retry_condition


class FakeApi:
    def __init__(self, organization_id: int | None, fail: ApiError | None = None) -> None:
        self.organization_id = organization_id
        self.fail = fail
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        self.calls.append(("PATCH", path, body))
        if self.fail:
            raise self.fail
        return {}

    def post(self, path: str, body: dict[str, Any]) -> Any:
        self.calls.append(("POST", path, body))
        return {}


@pytest.fixture
def apis(monkeypatch: pytest.MonkeyPatch) -> list[FakeApi]:
    made: list[FakeApi] = []

    def connect(organization_id: int | None) -> FakeApi:
        made.append(FakeApi(organization_id))
        return made[-1]

    monkeypatch.setattr(flows.tasks, "connect", connect)
    return made


def run_hook(hook: Any, params: dict[str, Any], message: str | None) -> None:
    hook(None, SimpleNamespace(parameters=params), SimpleNamespace(message=message))


def test_dataset_hook_marks_the_version_failed(apis: list[FakeApi]) -> None:
    run_hook(dataset_hook, {"dataset_id": 7, "organization_id": 3}, "x" * 20_000)
    run_hook(dataset_hook, {"dataset_id": 8, "organization_id": 3}, None)
    assert [api.organization_id for api in apis] == [3, 3]
    assert apis[0].calls == [("PATCH", "/data/datasets/7", {"status": "failed", "error": "x" * 10_000})]
    assert apis[1].calls == [
        ("PATCH", "/data/datasets/8", {"status": "failed", "error": "the dataset flow failed"})
    ]


@pytest.mark.parametrize(
    ("hook", "path", "default"),
    [
        (export_hook, "/ml/export-jobs/5", "the export failed"),
        (training_hook, "/ml/training-jobs/5", "training failed"),
    ],
)
def test_job_hooks_mark_the_job_failed_unless_final(
    apis: list[FakeApi], monkeypatch: pytest.MonkeyPatch, hook: Any, path: str, default: str
) -> None:
    run_hook(hook, {"job_id": 5, "organization_id": 2}, None)
    assert apis[0].calls == [("PATCH", path, {"status": "failed", "error": default})]

    def failing(status: int) -> None:
        monkeypatch.setattr(flows.tasks, "connect", lambda org: FakeApi(org, api_error(status)))

    failing(409)
    run_hook(hook, {"job_id": 5, "organization_id": 2}, "boom")  # already final: nothing to mark
    failing(404)
    with pytest.raises(ApiError):
        run_hook(hook, {"job_id": 5, "organization_id": 2}, "boom")


def test_dataset_hook_raises_a_conflict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flows.tasks, "connect", lambda org: FakeApi(org, api_error(409)))
    with pytest.raises(ApiError):
        run_hook(dataset_hook, {"dataset_id": 7, "organization_id": 3}, "boom")


def test_push_hook_reports_on_the_link(apis: list[FakeApi]) -> None:
    run_hook(_report_push_failure, {"organization_id": 1, "project_id": 4, "batch_id": 9}, None)
    assert apis[0].calls == [
        (
            "POST",
            "/integrations/label-studio/projects/4/report",
            {"stage": "push", "state": "failed", "error": "the push flow failed"},
        )
    ]


def test_pull_hook_lets_go_of_a_claim_only(apis: list[FakeApi]) -> None:
    run_hook(_report_pull_failure, {"organization_id": None, "project_id": None, "claim": None}, "boom")
    assert apis == []
    run_hook(_report_pull_failure, {"organization_id": 1, "project_id": 4, "claim": "c-1"}, "boom")
    assert apis[0].calls == [
        (
            "POST",
            "/integrations/label-studio/projects/4/report",
            {"stage": "pull", "state": "failed", "error": "boom", "claim": "c-1"},
        )
    ]
