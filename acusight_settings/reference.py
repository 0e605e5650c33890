"""The configuration reference (docs/configuration.md), generated from the settings models."""

from __future__ import annotations

from typing import Any

from pydantic.fields import FieldInfo

from acusight_settings import CommonSettings, FlowSettings, Settings, env_name

DOC_PATH = "docs/configuration.md"

INTRO = """\
# Configuration

<!-- Generated from acusight_settings/__init__.py by `acusight config reference --output \
docs/configuration.md`; edit the models, not this file (tests/test_configuration_reference.py \
compares them). -->

Everything is set with environment variables; nothing needs a file. An empty variable counts as unset.
The API (`acusight serve`, `acusight up` and the other commands) reads the variables marked *API*;
workers (`acusight worker`, the flows) read those marked *worker*. A value that cannot be used stops
the process at start with a message naming the variable and what is wrong (never a secret's value).
"""

# Read by other software in our processes; listed for completeness, not settings of our own.
OTHER_VARIABLES = (
    (
        "`PREFECT_API_URL`",
        "API, worker",
        "set by `acusight up`",
        "the Prefect server. The API never starts one itself: without it, requests that start or cancel "
        'jobs answer 503 "not configured"',
    ),
    (
        "`PREFECT_API_AUTH_STRING`",
        "API, worker",
        "the local server's, in `<data dir>/prefect_auth`",
        "`user:password` of the Prefect API; a placeholder from an example file is refused at start",
    ),
    (
        "`DO_NOT_TRACK`, `PREFECT_SERVER_ANALYTICS_ENABLED`",
        "API, worker",
        "`1`, `false`",
        "set by our processes unless you set them, so Prefect sends no usage data anywhere",
    ),
    (
        "`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, …",
        "API, worker",
        "none",
        "credentials of the S3-compatible store (boto3) and of an `s3://` DVC remote; a placeholder "
        "secret is refused at start",
    ),
)


def _default(info: FieldInfo) -> str:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    shown = extra.get("shown_default")
    if shown is not None:
        return str(shown)
    value: Any = info.default
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if value == "" or value is None:
        return "empty"
    return f"`{value}`"


def _row(*cells: str) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


HEADER = ["| variable | read by | default | meaning |", "|---|---|---|---|"]


def render() -> str:
    """The reference, as Markdown: the shared variables first, then the API's, then the workers'."""
    both = f"{Settings.readers}, {FlowSettings.readers}"
    rows = [(name, both, info) for name, info in CommonSettings.model_fields.items()]
    for model in (Settings, FlowSettings):
        own = model.model_fields.keys() - CommonSettings.model_fields.keys()
        rows += [(name, model.readers, info) for name, info in model.model_fields.items() if name in own]
    lines = [INTRO, "## Variables", "", *HEADER]
    lines += [
        _row(f"`{env_name(name)}`", readers, _default(info), info.description or "")
        for name, readers, info in rows
    ]
    lines += ["", "## Other variables", "", *HEADER]
    lines += [_row(*variable) for variable in OTHER_VARIABLES]
    return "\n".join(lines) + "\n"
