"""docs/configuration.md is what `acusight config reference` generates from the settings models."""

from pathlib import Path

from acusight_settings import FlowSettings, Settings
from acusight_settings.reference import DOC_PATH, render

ROOT = Path(__file__).resolve().parent.parent


def test_committed_reference_is_the_generated_one() -> None:
    committed = (ROOT / DOC_PATH).read_text()
    assert committed == render(), (
        f"{DOC_PATH} is stale: run `acusight config reference --output {DOC_PATH}` and commit it"
    )


def test_every_setting_is_explained() -> None:
    for model in (Settings, FlowSettings):
        for name, info in model.model_fields.items():
            assert info.description, f"{model.__name__}.{name} has no description for the reference"
            assert f"`ACUSIGHT_{name.upper()}`" in render()
