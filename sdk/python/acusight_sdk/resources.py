"""Resource namespaces of :class:`~acusight_sdk.client.Acusight`: ``client.devices``, ``client.projects``,
``client.datasets``, ... — the calls people make most, with plain keyword arguments.

They answer the API's JSON as dicts (the API reference documents each field); every other operation
is one ``client.call(...)`` or ``client.ops.<tag>.<operation>(...)`` away with generated models.
Lists come one page at a time (``list``) or as an iterator over every page (``iter``).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from acusight_sdk import jobs
from acusight_sdk.files import Destination, Source, download, file_part
from acusight_sdk.http import MAX_PER_PAGE, Http

JSON = dict[str, Any]


class Resource:
    """A collection at ``path``: ``list`` (one page), ``iter`` (every item), ``get``."""

    path = ""

    def __init__(self, http: Http) -> None:
        self._http = http

    def list(self, *, page: int = 1, per_page: int = 50, **filters: Any) -> builtins.list[JSON]:
        """One page of the collection (``page`` from 1), filtered as the API reference lists."""
        result: list[JSON] = self._http.get(self.path, page=page, per_page=per_page, **filters)
        return result

    def iter(self, *, per_page: int = MAX_PER_PAGE, **filters: Any) -> Iterator[JSON]:
        """Every item, fetching page after page as the iteration goes."""
        return self._http.pages(self.path, per_page=per_page, **filters)

    def get(self, id: int) -> JSON:
        result: JSON = self._http.get(f"{self.path}/{id}")
        return result

    def _patch(self, id: int, changes: Mapping[str, Any]) -> JSON:
        result: JSON = self._http.patch(f"{self.path}/{id}", dict(changes))
        return result


class Devices(Resource):
    """The fleet (``/devices``)."""

    path = "/devices"

    def update(self, device_id: int, **changes: Any) -> JSON:
        """``name``, ``project_id``, ``disabled``, ``deployed_export_id``."""
        return self._patch(device_id, changes)

    def deploy(self, device_id: int, export_id: int | None) -> JSON:
        """Have the device run a succeeded export (``None``: run nothing); it fetches it at check-in."""
        return self._patch(device_id, {"deployed_export_id": export_id})

    def delete(self, device_id: int) -> None:
        self._http.delete(f"{self.path}/{device_id}")

    def checkins(self, device_id: int, **filters: Any) -> Iterator[JSON]:
        """Every check-in the device made, newest first."""
        return self._http.pages(f"{self.path}/{device_id}/checkins", **filters)


class Projects(Resource):
    """Projects and their labels (``/data/projects``)."""

    path = "/data/projects"

    def create(
        self, name: str, *, task_type: str = "classification", labels: Sequence[str] = (), **extra: Any
    ) -> JSON:
        result: JSON = self._http.post(
            self.path, {"name": name, "task_type": task_type, "labels": list(labels), **extra}
        )
        return result

    def update(self, project_id: int, **changes: Any) -> JSON:
        return self._patch(project_id, changes)

    def delete(self, project_id: int) -> None:
        self._http.delete(f"{self.path}/{project_id}")

    def import_labels(
        self,
        project_id: int,
        file: Source,
        *,
        format: str,
        dry_run: bool = False,
        source: str | None = None,
        filename: str | None = None,
    ) -> JSON:
        """Upload a label file (a path, bytes or a binary file) in one of the API's formats; answers
        the import report (records, matched, created, ...). ``dry_run`` validates and writes nothing."""
        form = {"format": format, "dry_run": "true" if dry_run else "false"}
        if source is not None:
            form["source"] = source
        result: JSON = self._http.request(
            "POST",
            f"{self.path}/{project_id}/import",
            data=form,
            files={"file": file_part(file, filename)},
        )
        return result

    def export_labels(self, project_id: int, dest: Destination, *, format: str) -> str:
        """Write the project's labels in ``format`` to ``dest``; answers the file's sha256."""
        return download(self._http, f"{self.path}/{project_id}/export", dest, params={"format": format})


class Images(Resource):
    """Images and their curation (``/data/images``)."""

    path = "/data/images"

    def update(self, image_id: int, **changes: Any) -> JSON:
        return self._patch(image_id, changes)

    def download(self, image_id: int, dest: Destination, *, verify: bool = True) -> str:
        """The original file, checked against the image's sha256 (one more GET) unless ``verify``
        is false; answers the sha256."""
        expected = self.get(image_id)["sha256"] if verify else None
        return download(self._http, f"{self.path}/{image_id}/file", dest, sha256=expected)

    def thumbnail(self, image_id: int, dest: Destination) -> str:
        """A JPEG at most 256 px on its longer side."""
        return download(self._http, f"{self.path}/{image_id}/thumbnail", dest)


class Datasets(Resource):
    """Dataset versions (``/data/datasets``): cut by a flow, so ``create`` answers a queued one."""

    path = "/data/datasets"

    def create(self, project_id: int, **params: Any) -> JSON:
        """``name``, ``splits`` ({train, val, test}), ``seed``, ``batch_ids``, ``image_statuses``,
        ``image_size``, ``resize``; then :meth:`wait` for it."""
        result: JSON = self._http.post(self.path, {"project_id": project_id, **params})
        return result

    def update(self, dataset_id: int, **changes: Any) -> JSON:
        return self._patch(dataset_id, changes)

    def wait(
        self,
        dataset_id: int,
        *,
        timeout: float | None = None,
        interval: float = 2.0,
        on_progress: jobs.ProgressCallback | None = None,
    ) -> JSON:
        """Until the version is ``ready`` (answered) or ``failed`` (:class:`~acusight_sdk.jobs.JobFailed`)."""
        return jobs.wait_for(
            lambda: self.get(dataset_id),
            jobs.DATASET,
            timeout=timeout,
            interval=interval,
            on_progress=on_progress,
        )

    def manifest(self, dataset_id: int) -> Iterator[JSON]:
        """The frozen selection, one record per image: sha256, image_id, label or boxes."""
        import json

        for line in self._http.lines(f"{self.path}/{dataset_id}/manifest"):
            yield json.loads(line)

    def download(self, dataset_id: int, dest: Destination, *, sha256: Sequence[str] | None = None) -> str:
        """The version's original images as one tar (members named by their sha256), or only the
        images whose sha256 are listed; answers the tar's sha256."""
        body = {"sha256": list(sha256)} if sha256 is not None else {}
        return download(self._http, f"{self.path}/{dataset_id}/archive", dest, method="POST", json=body)


class TrainingJobs(Resource):
    """Training jobs (``/ml/training-jobs``), run by a flow."""

    path = "/ml/training-jobs"

    def create(
        self, dataset_id: int, *, params: Mapping[str, Any] | None = None, device: str = "auto"
    ) -> JSON:
        """Train on a ready dataset version; ``params`` override params.yaml (epochs, lr, ...)."""
        result: JSON = self._http.post(
            self.path, {"dataset_id": dataset_id, "params": dict(params or {}), "device": device}
        )
        return result

    def cancel(self, job_id: int) -> JSON:
        result: JSON = self._http.post(f"{self.path}/{job_id}/cancel")
        return result

    def wait(
        self,
        job_id: int,
        *,
        timeout: float | None = None,
        interval: float = 2.0,
        on_progress: jobs.ProgressCallback | None = None,
    ) -> JSON:
        """Until ``succeeded`` (answered; ``model_id`` names the model version) or ``failed`` /
        ``cancelled`` (:class:`~acusight_sdk.jobs.JobFailed`). ``on_progress`` sees each epoch."""
        return jobs.wait_for(
            lambda: self.get(job_id),
            jobs.TRAINING,
            timeout=timeout,
            interval=interval,
            on_progress=on_progress,
        )


class ModelVersions(Resource):
    """Model versions (``/ml/models``), registered by training."""

    path = "/ml/models"

    def download(self, model_id: int, dest: Destination) -> str:
        """The model's artifact, checked against its ``artifact_sha256``."""
        expected = self.get(model_id).get("artifact_sha256")
        return download(self._http, f"{self.path}/{model_id}/download", dest, sha256=expected)


class ExportJobs(Resource):
    """Exports of a model version for devices (``/ml/export-jobs``), run by a flow."""

    path = "/ml/export-jobs"

    def create(self, model_id: int, **params: Any) -> JSON:
        """``format`` (onnx), ``opset``, ``precision`` (fp32, fp16, int8), ...; then :meth:`wait`."""
        result: JSON = self._http.post(self.path, {"model_id": model_id, **params})
        return result

    def wait(
        self,
        job_id: int,
        *,
        timeout: float | None = None,
        interval: float = 2.0,
        on_progress: jobs.ProgressCallback | None = None,
    ) -> JSON:
        """Until ``succeeded`` (answered) or ``failed`` (:class:`~acusight_sdk.jobs.JobFailed`)."""
        return jobs.wait_for(
            lambda: self.get(job_id), jobs.EXPORT, timeout=timeout, interval=interval, on_progress=on_progress
        )

    def download(self, job_id: int, dest: Destination) -> str:
        """The exported artifact, checked against its ``artifact_sha256``."""
        expected = self.get(job_id).get("artifact_sha256")
        return download(self._http, f"{self.path}/{job_id}/download", dest, sha256=expected)


class Rollouts(Resource):
    """Staged rollouts of an export to a project's devices (``/ml/rollouts``), judged by a flow."""

    path = "/ml/rollouts"

    def create(self, export_id: int, **params: Any) -> JSON:
        """``stages`` ([{percent, min_duration_s, min_devices}] rising to 100), ``guardrails``, ``tags``,
        ``promotion`` (auto, manual); its first stage's devices get the export at their next check-in."""
        result: JSON = self._http.post(self.path, {"export_id": export_id, **params})
        return result

    def _act(self, rollout_id: int, action: str, reason: str | None) -> JSON:
        body = {"reason": reason} if reason else {}
        result: JSON = self._http.post(f"{self.path}/{rollout_id}/{action}", body)
        return result

    def promote(self, rollout_id: int, reason: str | None = None) -> JSON:
        """To the next stage now, or complete after the last, whatever the figures say."""
        return self._act(rollout_id, "promote", reason)

    def pause(self, rollout_id: int, reason: str | None = None) -> JSON:
        return self._act(rollout_id, "pause", reason)

    def resume(self, rollout_id: int, reason: str | None = None) -> JSON:
        return self._act(rollout_id, "resume", reason)

    def rollback(self, rollout_id: int, reason: str | None = None) -> JSON:
        """Its devices go back to their previous export at their next check-in."""
        return self._act(rollout_id, "rollback", reason)

    def evaluate(self, rollout_id: int) -> JSON:
        """Start the rollout-evaluation flow on it now; its decision follows in ``get(...)['decisions']``."""
        result: JSON = self._http.post("/ml/rollout-checks", {"rollout_id": rollout_id})
        return result


__all__ = [
    "Datasets",
    "Devices",
    "ExportJobs",
    "Images",
    "ModelVersions",
    "Projects",
    "Resource",
    "Rollouts",
    "TrainingJobs",
]
