"""`acusight demo`: the platform end to end through its API (clients/demo/runner.py tells the story)."""

from clients.demo.api import DemoError, connect
from clients.demo.base import DemoOptions, Summary
from clients.demo.label_studio import LabelStudioAnnotators
from clients.demo.runner import Demo
from clients.demo.summary import count_by, flow_runs, summary_table

__all__ = [
    "Demo",
    "DemoError",
    "DemoOptions",
    "LabelStudioAnnotators",
    "Summary",
    "connect",
    "count_by",
    "flow_runs",
    "summary_table",
]
