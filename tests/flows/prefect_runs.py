"""What the Prefect server holds of a flow run: its name and tags, and the artifacts it published."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.client.schemas.objects import FlowRun


def read_flow_run(flow_run_id: str) -> FlowRun:
    with get_client(sync_client=True) as client:
        return client.read_flow_run(UUID(flow_run_id))


def run_artifacts(flow_run_id: str) -> dict[str, dict[str, Any]]:
    """The run's artifacts by key: {key: {"type": ..., "data": ..., "description": ...}} (a table's data
    as its rows)."""
    found: dict[str, dict[str, Any]] = {}
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[UUID(flow_run_id)]))
        )
    for artifact in artifacts:
        data = artifact.data
        if artifact.type == "table" and isinstance(data, str):
            data = json.loads(data)
        found[str(artifact.key)] = {"type": artifact.type, "data": data, "description": artifact.description}
    return found
