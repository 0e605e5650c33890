"""params.yaml is the one source of the pipeline's parameters: the dataclasses' defaults are its values."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from pipelines.common import from_params, load_params, params_section
from pipelines.detection.train import DetectParams
from pipelines.evaluate import EvaluateParams
from pipelines.train import TrainParams

PARAMS = Path(__file__).resolve().parents[2] / "params.yaml"


@pytest.mark.parametrize(
    ("section", "cls"), [("train", TrainParams), ("evaluate", EvaluateParams), ("detect", DetectParams)]
)
def test_defaults_are_params_yaml(section: str, cls: Any) -> None:
    from_file = from_params(cls, params_section(load_params(PARAMS), section))
    defaults = cls()
    assert dataclasses.asdict(defaults) == dataclasses.asdict(from_file), (
        f"{cls.__name__}'s defaults differ from params.yaml's {section}: section; change both together"
    )
    # Every parameter is in the file: none is set only by a default that the file does not show.
    assert set(params_section(load_params(PARAMS), section)) == {f.name for f in dataclasses.fields(cls)}
