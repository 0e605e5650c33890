"""Every import arrow between the top-level packages points down.

acusight (the command line, local supervision)
    -> webapp (the API), flows (the workers), clients (the demo: HTTP only)
    -> pipelines (ML), acusight_settings (the ACUSIGHT_* variables), acusight_sdk (the API's client and
       the device agent, its own distribution in sdk/python): they import none of the others.

webapp never imports flows nor clients (it starts flows through Prefect); flows reach the platform over
REST through the SDK, never through webapp; the demo talks HTTP through the SDK; pipelines, the ML
library anyone may use, run on their own (DVC stages, a training process) and import none of the
others; the SDK is installed on devices and laptops without the platform, so it imports none of it.
Imports inside functions count as much as those at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("acusight", "acusight_settings", "webapp", "flows", "clients", "pipelines", "acusight_sdk")
# Where each package's source lives, from the repository's root.
SOURCES = {package: Path(package) for package in PACKAGES} | {"acusight_sdk": Path("sdk/python/acusight_sdk")}

# What each package may import among PACKAGES (besides itself).
ALLOWED: dict[str, set[str]] = {
    "acusight": {"acusight_settings", "webapp", "flows", "clients", "pipelines", "acusight_sdk"},
    "webapp": {"acusight_settings", "pipelines"},
    "flows": {"acusight_settings", "pipelines", "acusight_sdk"},
    "clients": {"pipelines", "acusight_sdk"},
    "pipelines": set(),
    "acusight_settings": set(),
    "acusight_sdk": set(),
}


def imported_packages(path: Path) -> dict[str, int]:
    """The top-level modules ``path`` imports (absolute imports), each with the first line doing so."""
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        for name in names:
            found.setdefault(name.split(".")[0], node.lineno)
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_point_down(package: str) -> None:
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {imported}"
        for path in sorted((ROOT / SOURCES[package]).rglob("*.py"))
        for imported, line in imported_packages(path).items()
        if imported in PACKAGES and imported != package and imported not in ALLOWED[package]
    ]
    assert not wrong, "imports against the layering:\n" + "\n".join(wrong)


def test_the_settings_module_needs_no_web_code() -> None:
    """acusight_settings is the bottom layer: no Flask, no Prefect, no click."""
    for path in sorted((ROOT / "acusight_settings").rglob("*.py")):
        assert not imported_packages(path).keys() & {"flask", "prefect", "click"}, path
