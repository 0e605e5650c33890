"""Label Studio flows: push a batch's images as tasks (with model pre-annotations), pull annotations back."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError as LabelStudioApiError
from prefect import flow, get_run_logger
from prefect.cache_policies import NO_CACHE

from flows.client import PlatformClient
from flows.config import FlowSettings
from flows.pre_annotations import device_suggestions, load_pre_annotator, predict
from flows.prefect_ui import RunName
from flows.tasks import failure_hook, retried_task

# What the labeling config and task data call things, and the config's hash: computed once, in pipelines
# (the API makes the config with it too).
from pipelines.label_config import IMAGE_ID_KEY, IMAGE_KEY, config_hash

# Images per Label Studio import, and tasks per report to the API.
PUSH_CHUNK = 200
SYNC_CHUNK = 200
URL_REFRESH_CHUNK = 500
# Queue entries (tasks webhooks named) a pull takes at a time.
QUEUE_CHUNK = 500
# Label Studio stamps a task when a request starts and commits it when it ends: an incremental pull
# re-reads this much before its cursor, so a slow commit is not skipped (re-reading changes nothing).
CURSOR_OVERLAP = timedelta(minutes=2)
LS_DATETIME = "%Y-%m-%dT%H:%M:%S.%fZ"
LS_TIMEOUT_S = 60


class LabelStudioUnavailable(RuntimeError):
    """Label Studio could not be reached, or answered with an error."""


class LabelStudioSession:
    """The Label Studio of one organization, with errors that say what failed.

    Its URL and token come from the platform, for the link being worked on (each organization has its
    own Label Studio, or the shared one if it is the one organization that holds it).
    """

    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self.token = token
        # Retries are the flow's (Prefect task retries), with delays a restart can fit in.
        self.client = LabelStudio(base_url=self.url, api_key=token, timeout=LS_TIMEOUT_S, max_retries=0)
        self._emails: dict[int, str] | None = None

    @classmethod
    def for_project(
        cls,
        api: PlatformClient,
        project_id: int,
        known: dict[tuple[str, str], LabelStudioSession] | None = None,
    ) -> LabelStudioSession:
        """The Label Studio of a linked project, as the platform gives it (``known``: sessions to reuse)."""
        found = connection(api, project_id)
        key = (found["url"], found["token"])
        if known is not None and key in known:
            return known[key]
        session = cls(*key)
        if known is not None:
            known[key] = session
        return session

    @contextmanager
    def _calling(self, what: str) -> Iterator[None]:
        try:
            yield
        except httpx.HTTPError as exc:
            message = f"Label Studio at {self.url} is unreachable ({what}): {exc!r}"
            raise LabelStudioUnavailable(message) from exc
        except LabelStudioApiError as exc:
            raise LabelStudioUnavailable(
                f"Label Studio at {self.url} answered HTTP {exc.status_code} to {what}: {str(exc.body)[:500]}"
            ) from exc

    def tasks_for_images(self, ls_project_id: int, image_ids: Sequence[int]) -> dict[int, int]:
        """image id → task id of the project's tasks that show these images (lowest task id wins)."""
        wanted = set(image_ids)
        # One range query: the ids come sorted, and tasks of other images in the range are ignored.
        query = _filters(
            {
                "filter": f"filter:tasks:data.{IMAGE_ID_KEY}",
                "operator": "in",
                "type": "Number",
                "value": {"min": min(wanted), "max": max(wanted)},
            }
        )
        found: dict[int, int] = {}
        with self._calling(f"listing the tasks of project {ls_project_id}"):
            for item in self.client.tasks.list(project=ls_project_id, query=query, page_size=500):
                image_id = (item.data or {}).get(IMAGE_ID_KEY)
                if image_id in wanted and item.id is not None:
                    found[image_id] = min(found.get(image_id, item.id), item.id)
        return found

    def import_tasks(self, ls_project_id: int, tasks: list[dict[str, Any]]) -> None:
        with self._calling(f"importing {len(tasks)} tasks into project {ls_project_id}"):
            self.client.projects.import_tasks(id=ls_project_id, request=tasks)  # type: ignore[arg-type]

    def task(self, task_id: int) -> dict[str, Any] | None:
        """A task with its annotations; None if it no longer exists."""
        try:
            with self._calling(f"reading task {task_id}"):
                return self.client.tasks.get(id=str(task_id)).model_dump(mode="json")
        except LabelStudioUnavailable as exc:
            if isinstance(exc.__cause__, LabelStudioApiError) and exc.__cause__.status_code == 404:
                return None
            raise

    def tasks_by_id(self, ls_project_id: int, task_ids: Sequence[int]) -> list[dict[str, Any]]:
        """These tasks with their annotations, those that still exist: listed by id range, a page of
        100 at a time, where the ids are dense; one by one where they are scattered."""
        wanted = set(task_ids)
        low, high = min(wanted), max(wanted)
        if high - low + 1 > 4 * len(wanted):
            return [t for t in (self.task(task_id) for task_id in sorted(wanted)) if t is not None]
        query = _filters(
            {
                "filter": "filter:tasks:id",
                "operator": "in",
                "type": "Number",
                "value": {"min": low, "max": high},
            }
        )
        with self._calling(f"listing tasks {low}..{high} of project {ls_project_id}"):
            return [
                item.model_dump(mode="json")
                for item in self.client.tasks.list(
                    project=ls_project_id, fields="all", query=query, page_size=100
                )
                if item.id in wanted
            ]

    def changed_tasks(self, ls_project_id: int, since: datetime | None) -> list[dict[str, Any]]:
        """The project's tasks (with annotations) updated after ``since`` (all of them when None)."""
        query = None
        if since is not None:
            query = _filters(
                {
                    "filter": "filter:tasks:updated_at",
                    "operator": "greater",
                    "type": "Datetime",
                    "value": since.strftime(LS_DATETIME),
                }
            )
        with self._calling(f"listing the changed tasks of project {ls_project_id}"):
            return [
                item.model_dump(mode="json")
                for item in self.client.tasks.list(
                    project=ls_project_id, fields="all", query=query, page_size=100
                )
            ]

    def set_task_data(self, task_id: int, data: dict[str, Any]) -> None:
        with self._calling(f"updating task {task_id}"):
            self.client.tasks.update(id=str(task_id), data=data)

    def set_label_config(self, ls_project_id: int, config: str) -> None:
        with self._calling(f"updating the labeling config of project {ls_project_id}"):
            self.client.projects.update(id=ls_project_id, label_config=config)

    def email(self, completed_by: Any) -> str | None:
        """The annotator's email: Label Studio gives a user object or only the user's id."""
        if isinstance(completed_by, dict):
            return completed_by.get("email")
        if not isinstance(completed_by, int):
            return None
        if self._emails is None or completed_by not in self._emails:
            with self._calling("listing users"):
                self._emails = {u.id: u.email for u in self.client.users.list() if u.id is not None}
        return self._emails.get(completed_by)


def _filters(*items: dict[str, Any]) -> str:
    return json.dumps({"filters": {"conjunction": "and", "items": list(items)}})


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@retried_task(cache_policy=NO_CACHE)
def connection(api: PlatformClient, project_id: int) -> dict[str, Any]:
    """Where a linked project lives in Label Studio and the token for it (the platform refuses, 409,
    an organization the shared Label Studio does not serve)."""
    return api.get(f"/integrations/label-studio/projects/{project_id}/connection")


def _report(api: PlatformClient, project_id: int, stage: str, state: str, **fields: Any) -> None:
    api.post(
        f"/integrations/label-studio/projects/{project_id}/report", {"stage": stage, "state": state, **fields}
    )


# --- Push ----------------------------------------------------------------------------------------------


@retried_task(cache_policy=NO_CACHE)
def next_images(api: PlatformClient, batch_id: int) -> dict[str, Any]:
    """The batch's next images without a task, with signed URLs."""
    return api.get(f"/integrations/label-studio/batches/{batch_id}/pending", limit=PUSH_CHUNK)


@retried_task(cache_policy=NO_CACHE)
def import_images(
    ls: LabelStudioSession,
    ls_project_id: int,
    images: list[dict[str, Any]],
    predictions: dict[int, dict[str, Any]],
) -> dict[int, int]:
    """Create tasks for the images that have none in Label Studio; returns image id → task id.

    Tasks an interrupted push created (but never reported) are found by their image id and reused,
    so no image gets two tasks however often this runs.
    """
    ids = [image["image_id"] for image in images]
    found = ls.tasks_for_images(ls_project_id, ids)
    missing = [image for image in images if image["image_id"] not in found]
    if missing:
        tasks = []
        for image in missing:
            item: dict[str, Any] = {"data": {IMAGE_KEY: image["url"], IMAGE_ID_KEY: image["image_id"]}}
            if image["image_id"] in predictions:
                item["predictions"] = [predictions[image["image_id"]]]
            tasks.append(item)
        ls.import_tasks(ls_project_id, tasks)
        found = ls.tasks_for_images(ls_project_id, ids)
    if lost := sorted(set(ids) - set(found)):
        raise LabelStudioUnavailable(f"Label Studio did not create tasks for images {lost[:20]}")
    return found


def _task_record(image: dict[str, Any], task_id: int) -> dict[str, Any]:
    return {"image_id": image["image_id"], "task_id": task_id, "url_expires_at": image["url_expires_at"]}


@retried_task(cache_policy=NO_CACHE)
def record_tasks(api: PlatformClient, project_id: int, tasks: list[dict[str, Any]]) -> int:
    """Tell the platform which task shows which image; returns how many were new to it."""
    return int(api.post(f"/integrations/label-studio/projects/{project_id}/tasks", {"tasks": tasks})["new"])


# A failed or crashed push leaves its error on the link, through the API.
_report_push_failure = failure_hook(
    lambda api, params, error: _report(api, params["project_id"], "push", "failed", error=error),
    "the push flow failed",
)


@flow(
    name="push-to-label-studio",
    flow_run_name=RunName("label-studio push", (("project", "project_id"), ("batch", "batch_id"))),
    on_failure=[_report_push_failure],
    on_crashed=[_report_push_failure],
)
def push_to_label_studio(organization_id: int, project_id: int, batch_id: int) -> dict[str, int]:
    """Import a batch's images as Label Studio tasks, each once, with pre-annotations when a model exists."""
    log = get_run_logger()
    settings = FlowSettings.from_env()
    api = PlatformClient(settings, organization_id)
    _report(api, project_id, "push", "running")
    ls = LabelStudioSession.for_project(api, project_id)
    counts: Counter[str] = Counter()
    plan = next_images(api, batch_id)
    with tempfile.TemporaryDirectory(prefix="acusight-ls-") as scratch:
        # The model is fetched only when there is something to push.
        annotator = load_pre_annotator(api, project_id, Path(scratch)) if plan["images"] else None
        while images := plan["images"]:
            predictions = predict(annotator, images) if annotator else {}
            # A frame a camera sampled shows the camera's own prediction instead.
            predictions |= device_suggestions(images, plan.get("labels") or [])
            tasks = import_images(ls, plan["label_studio_project_id"], images, predictions)
            reported = [_task_record(image, tasks[image["image_id"]]) for image in images]
            counts["tasks"] += record_tasks(api, project_id, reported)
            counts["predictions"] += len(predictions)
            plan = next_images(api, batch_id)
    _report(api, project_id, "push", "succeeded")
    log.info("batch %s: %d new tasks, %d predictions", batch_id, counts["tasks"], counts["predictions"])
    return dict(counts)


# --- Pull ----------------------------------------------------------------------------------------------


def _sync_item(ls: LabelStudioSession, task: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": task["id"],
        "annotations": [
            {
                "id": a["id"],
                "result": a.get("result") or [],
                "was_cancelled": bool(a.get("was_cancelled")),
                "completed_by_email": ls.email(a.get("completed_by")),
            }
            for a in task.get("annotations") or []
        ],
    }


def _parse_time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


@retried_task(cache_policy=NO_CACHE)
def fetch_tasks(
    ls: LabelStudioSession, ls_project_id: int, task_ids: list[int] | None, cursor: datetime | None
) -> list[dict[str, Any]]:
    """The named tasks, or every task updated since the cursor (less the overlap), with annotations."""
    if task_ids:
        return ls.tasks_by_id(ls_project_id, task_ids)
    return ls.changed_tasks(ls_project_id, cursor - CURSOR_OVERLAP if cursor else None)


@retried_task(cache_policy=NO_CACHE)
def sync_annotations(
    api: PlatformClient, ls: LabelStudioSession, project_id: int, tasks: list[dict[str, Any]]
) -> Counter[str]:
    """Hand the tasks' annotations to the platform, which creates, replaces or removes its copies."""
    totals: Counter[str] = Counter()
    for chunk in _chunks(tasks, SYNC_CHUNK):
        body = {"tasks": [_sync_item(ls, task) for task in chunk]}
        result = api.post(f"/integrations/label-studio/projects/{project_id}/sync", body)
        for key in ("created", "updated", "deleted", "unchanged", "unknown_tasks"):
            totals[key] += result[key]
        totals["errors"] += len(result["errors"])
        totals["batches_completed"] += len(result["batches_completed"])
    return totals


@retried_task(cache_policy=NO_CACHE)
def renew_urls(api: PlatformClient, ls: LabelStudioSession, project_id: int) -> int:
    """Put fresh signed URLs into tasks whose URL is past half its life; returns how many."""
    stale = api.get(f"/integrations/label-studio/projects/{project_id}/stale-tasks", limit=URL_REFRESH_CHUNK)
    for item in stale:
        ls.set_task_data(item["task_id"], {IMAGE_KEY: item["url"], IMAGE_ID_KEY: item["image_id"]})
    if stale:
        renewed = [_task_record(item, item["task_id"]) for item in stale]
        api.post(f"/integrations/label-studio/projects/{project_id}/tasks", {"tasks": renewed})
    return len(stale)


@retried_task(cache_policy=NO_CACHE)
def take_queue(api: PlatformClient, project_id: int, claim: str | None) -> dict[str, Any]:
    """The oldest tasks webhooks queued (and, for the claim's holder, the claim renewed)."""
    body = {"claim": claim, "limit": QUEUE_CHUNK}
    return api.post(f"/integrations/label-studio/projects/{project_id}/pull-queue/take", body)


@retried_task(cache_policy=NO_CACHE)
def finish_queue(
    api: PlatformClient, project_id: int, claim: str | None, entry_ids: list[int]
) -> dict[str, Any]:
    """Drop the synced entries; the claim is let go only if nothing was queued meanwhile."""
    body = {"claim": claim, "entry_ids": entry_ids}
    return api.post(f"/integrations/label-studio/projects/{project_id}/pull-queue/done", body)


def drain_queue(
    api: PlatformClient, ls: LabelStudioSession, project_id: int, ls_project_id: int, claim: str | None
) -> Counter[str]:
    """Pull the tasks webhooks queued.

    With the claim (the run a webhook started): round after round, until a round ends with nothing
    queued and the claim is let go; tasks queued while a round ran make the next round. Without it
    (the scheduled or an asked-for pull): what is queued now, which is what a failed run left.
    """
    log = get_run_logger()
    totals: Counter[str] = Counter()
    while True:
        queue = take_queue(api, project_id, claim)
        if claim is not None and not queue["owned"]:
            log.warning("project %s: another pull run has taken over the queue", project_id)
            return totals
        entries = queue["entries"]
        task_ids = sorted({entry["task_id"] for entry in entries})
        if task_ids:
            tasks = fetch_tasks(ls, ls_project_id, task_ids, None)
            totals.update(sync_annotations(api, ls, project_id, tasks))
            totals["tasks"] += len(tasks)
            totals["rounds"] += 1
        done = finish_queue(api, project_id, claim, [entry["id"] for entry in entries])
        if claim is None and len(entries) < QUEUE_CHUNK:
            return totals
        if claim is not None and (done["released"] or not done["owned"]):
            return totals


def pull_project(
    settings: FlowSettings,
    organization_id: int,
    project_id: int,
    claim: str | None = None,
    sessions: dict[tuple[str, str], LabelStudioSession] | None = None,
) -> dict[str, int]:
    """Pull one project: the labeling config in step, then, for a webhook's run (holding the claim),
    the tasks webhooks queued; otherwise every task changed since the cursor, the queue, and URLs
    renewed. Reported on the link."""
    log = get_run_logger()
    api = PlatformClient(settings, organization_id)
    link = api.get(f"/data/projects/{project_id}/label-studio")
    _report(api, project_id, "pull", "running")
    try:
        ls = LabelStudioSession.for_project(api, project_id, sessions)
        fields: dict[str, Any] = {}
        config = link["label_config"]
        ls_project_id = link["label_studio_project_id"]
        if config and not link["label_config_in_sync"]:
            ls.set_label_config(ls_project_id, config)
            fields["label_config_hash"] = config_hash(config)
        totals: Counter[str] = Counter()
        if claim is None:
            tasks = fetch_tasks(ls, ls_project_id, None, _parse_time(link["pull_cursor"]))
            totals.update(sync_annotations(api, ls, project_id, tasks))
            totals["tasks"] += len(tasks)
            # Label Studio's clock, not ours: the newest update this pull saw.
            seen = [t for t in (_parse_time(task.get("updated_at")) for task in tasks) if t is not None]
            if seen:
                fields["pull_cursor"] = max(seen).isoformat()
        totals.update(drain_queue(api, ls, project_id, ls_project_id, claim))
        if claim is None:
            totals["urls_renewed"] = renew_urls(api, ls, project_id)
    except Exception as exc:  # reported on the link, then raised: the flow run fails visibly
        _report(api, project_id, "pull", "failed", error=str(exc)[:10_000], claim=claim)
        raise
    _report(api, project_id, "pull", "succeeded", **fields)
    log.info("project %s: pulled %s", project_id, dict(totals))
    return dict(totals)


@retried_task(cache_policy=NO_CACHE)
def linked_projects(settings: FlowSettings) -> list[dict[str, int]]:
    """Every linked project of every organization (the service account spans them)."""
    return list(PlatformClient(settings, None).get("/integrations/label-studio/links"))


# A webhook's run that failed or crashed lets go of its claim, so the next webhook starts a pull at
# once (the tasks stay queued). Other runs are not reported here: a project's failure is on its link
# already (pull_project reports it).
_report_pull_failure = failure_hook(
    lambda api, params, error: _report(
        api, params["project_id"], "pull", "failed", error=error, claim=params["claim"]
    ),
    "the pull flow failed",
    when=lambda params: params.get("claim") is not None,
)


@flow(
    name="pull-from-label-studio",
    flow_run_name=RunName(
        "label-studio pull", (("project", "project_id"),), otherwise="every linked project"
    ),
    on_failure=[_report_pull_failure],
    on_crashed=[_report_pull_failure],
)
def pull_from_label_studio(
    organization_id: int | None = None, project_id: int | None = None, claim: str | None = None
) -> dict[str, Any]:
    """Pull annotations from Label Studio: the tasks webhooks queued (a webhook's run, holding the
    project's claim), one project (asked for), or, on the schedule (no parameters), every linked
    project, incrementally."""
    settings = FlowSettings.from_env()
    if organization_id is not None and project_id is not None:
        return pull_project(settings, organization_id, project_id, claim)
    links = linked_projects(settings)
    # One session per Label Studio and token: the annotators' emails it looks up are kept for the next.
    sessions: dict[tuple[str, str], LabelStudioSession] = {}
    results: dict[str, Any] = {}
    failed = []
    for link in links:
        key = f"{link['organization_id']}/{link['project_id']}"
        try:
            results[key] = pull_project(
                settings, link["organization_id"], link["project_id"], sessions=sessions
            )
        except Exception as exc:  # already on that project's link; the other projects still get pulled
            failed.append(f"project {key}: {exc}")
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(links)} pulls failed: " + "; ".join(failed))
    return results
