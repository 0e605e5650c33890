"""`acusight worker`: serve every deployment of the platform's flows from this machine."""

from __future__ import annotations

import os

# A run starts within ~2 s of being requested with a 1 s poll, instead of up to 10 s (STACK.md).
os.environ.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", "1")

from prefect import serve

from flows.datasets import build_dataset_version
from flows.training import train_model

DEPLOYMENT_NAME = "acusight"


def deployments() -> list:  # type: ignore[type-arg]
    """Every flow the API can start, as deployments named ``<flow>/acusight``."""
    return [flow.to_deployment(name=DEPLOYMENT_NAME) for flow in (build_dataset_version, train_model)]


def main() -> None:
    serve(*deployments())
