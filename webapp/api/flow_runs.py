"""The link from a flow-backed record (dataset version, training job, export) to its run in the Prefect UI."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from webapp import orchestration


class FlowRunUrl(ma.fields.String):
    """Read-only: the Prefect UI's page of the record's flow run (``flow_run_id``), or null when the
    record has no run or no Prefect UI is known (ACUSIGHT_PREFECT_UI_URL, PREFECT_API_URL)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            attribute="flow_run_id",
            dump_only=True,
            allow_none=True,
            metadata={
                "format": "uri",
                "description": "The flow run in the Prefect UI; null without a run or a known Prefect UI",
            },
            **kwargs,
        )

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return orchestration.flow_run_url(value)
