"""Nothing of ours lets Prefect report usage to its makers: not the API, the worker, nor the servers
`acusight up` starts (they inherit the settings)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# Settings of Prefect, no database: the PostgreSQL pass of scripts/test.sh skips it.
pytestmark = pytest.mark.database_independent

# Prefect turns its usage reports off by itself in CI: the check must run as on a user's machine.
CI_MARKERS = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL", "BUILDKITE", "CI_NAME", "TF_BUILD")

PROBE = """
import {module}
import prefect
from prefect._internal.analytics.enabled import is_telemetry_enabled
from prefect.settings import get_current_settings
print(is_telemetry_enabled(), get_current_settings().server.analytics_enabled)
"""


@pytest.mark.parametrize("module", ["acusight.cli", "webapp.orchestration", "flows.worker"])
def test_prefect_usage_reports_are_off(module: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in CI_MARKERS and not k.startswith("PREFECT_")}
    env.pop("DO_NOT_TRACK", None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["False", "False"]


def test_an_operators_own_choice_is_kept() -> None:
    env = {k: v for k, v in os.environ.items() if k not in CI_MARKERS}
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "true"
    code = "import webapp.orchestration, os; print(os.environ['PREFECT_SERVER_ANALYTICS_ENABLED'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "true", out.stderr[-2000:]
