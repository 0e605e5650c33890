"""A project's labeling config in Label Studio (made by ``pipelines.label_config``, which the flows share)."""

from __future__ import annotations

from pipelines import label_config as configs
from webapp.errors import Conflict
from webapp.models import Project

config_hash = configs.config_hash


def label_config(project: Project) -> str:
    """The labeling config of a project: Choices for classification, RectangleLabels for detection."""
    if not project.labels:
        raise Conflict(
            "The project has no labels",
            f"add labels to project {project.id} (PATCH /api/data/projects/{project.id}) first",
        )
    return configs.label_config(project.task_type, project.labels)
