"""`acusight worker` serves every deployment the API starts, or the subset a machine is chosen for."""

import pytest

from flows.worker import DEPLOYMENT_NAME, deployments
from webapp.orchestration import DEPLOYMENTS


def test_every_deployment_the_api_starts_is_served() -> None:
    served = {f"{d.flow_name}/{d.name}" for d in deployments()}
    assert set(DEPLOYMENTS.values()) <= served
    assert all(d.name == DEPLOYMENT_NAME for d in deployments())


def test_a_gpu_machine_can_serve_training_alone() -> None:
    assert [d.flow_name for d in deployments({"train-model"})] == ["train-model"]
    with pytest.raises(SystemExit, match="no-such-flow"):
        deployments({"no-such-flow"})
