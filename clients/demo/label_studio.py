"""Simulated annotators at work in Label Studio, for the demo run through it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from clients.demo.api import DemoError

if TYPE_CHECKING:
    from label_studio_sdk import LabelStudio


class LabelStudioAnnotators:
    """Simulated annotators at work in Label Studio, through its API as its annotation screen calls it.

    They pick the correct digit: the demo's labels are the data set's own. They work under the
    account of the configured token.
    """

    # The names in the labeling config the platform makes (a Choices control on the image).
    FROM_NAME, TO_NAME = "label", "image"

    def __init__(self, url: str, token: str) -> None:
        # Imported here: the SDK is slow to load, and only a demo through Label Studio needs it.
        from label_studio_sdk import LabelStudio

        self.url = url.rstrip("/")
        self.client: LabelStudio = LabelStudio(base_url=self.url, api_key=token, timeout=60)

    @contextmanager
    def calling(self, what: str) -> Iterator[None]:
        import httpx
        from label_studio_sdk.core.api_error import ApiError

        try:
            yield
        except httpx.HTTPError as exc:
            raise DemoError(f"Label Studio at {self.url} is unreachable ({what}): {exc!r}") from exc
        except ApiError as exc:
            raise DemoError(
                f"Label Studio at {self.url} answered HTTP {exc.status_code} to {what}: {str(exc.body)[:300]}"
            ) from exc

    def check(self) -> str:
        """Who the annotators work as; a clear error if Label Studio can't be reached or refuses the token."""
        with self.calling("who am I"):
            return str(self.client.users.whoami().email)

    def has_project(self, ls_project_id: int) -> bool:
        from label_studio_sdk.core.api_error import ApiError

        try:
            with self.calling(f"reading project {ls_project_id}"):
                self.client.projects.get(id=ls_project_id)
        except DemoError as exc:
            if isinstance(exc.__cause__, ApiError) and exc.__cause__.status_code == 404:
                return False
            raise
        return True

    def tasks(self, ls_project_id: int) -> dict[int, tuple[int, bool]]:
        """Acusight image id -> (task id, whether the task has an annotation), for the project's tasks."""
        found: dict[int, tuple[int, bool]] = {}
        with self.calling(f"listing the tasks of project {ls_project_id}"):
            for task in self.client.tasks.list(project=ls_project_id, page_size=500):
                image_id = (task.data or {}).get("acusight_image_id")
                if isinstance(image_id, int) and task.id is not None and image_id not in found:
                    found[image_id] = (task.id, bool(task.total_annotations))
        return found

    def annotate(self, task_id: int, label: str) -> int:
        """Submit an annotation choosing ``label``; Label Studio calls the platform's webhook."""
        choice = {"from_name": self.FROM_NAME, "to_name": self.TO_NAME, "type": "choices"}
        with self.calling(f"annotating task {task_id}"):
            made = self.client.annotations.create(
                id=task_id,
                result=[{**choice, "value": {"choices": [label]}}],
                ground_truth=False,
                lead_time=1.5,
            )
        return int(made.id or 0)
