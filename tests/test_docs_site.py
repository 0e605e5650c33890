"""The documentation site builds with `mkdocs build --strict`, and the README stays short and links into it.

A strict build fails on any warning: a broken link or anchor, a page missing from the nav (or a nav entry
with no page), a CLI reference that mkdocs-click cannot generate, an OpenAPI document the hook cannot
make. The tutorial's commands are run by tests/docs/test_tutorial.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
README_MAX_BYTES = 10_000  # "at most 10 KB": the rest belongs in docs/


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(ROOT / "mkdocs.yml"),
            "--site-dir",
            str(site),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]

    # Searchable: the search index holds the pages, the tutorial's included.
    index = json.loads((site / "search" / "search_index.json").read_text())
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert {"tutorial/", "tutorial/dataset/", "reference/cli/", "configuration/"} <= locations
    # The CLI reference is generated from the click commands: every top-level command has its section.
    from acusight.cli import main

    cli_page = (site / "reference" / "cli" / "index.html").read_text()
    for name, command in main.commands.items():
        if command.hidden:
            continue
        assert f'id="acusight-{name}"' in cli_page, f"`acusight {name}` is missing from the CLI reference"
    # The API reference links the OpenAPI document generated from the app.
    spec = json.loads((site / "reference" / "openapi.json").read_text())
    assert "/api/devices/provision" in spec["paths"]
    assert 'href="../openapi.json"' in (site / "reference" / "api" / "index.html").read_text()


def test_the_readme_is_at_most_10_kb() -> None:
    size = len(README.read_bytes())
    assert size <= README_MAX_BYTES, (
        f"README.md is {size} bytes; move the detail into docs/ (at most {README_MAX_BYTES})"
    )


def test_the_readme_keeps_the_two_commands_and_links_into_the_docs() -> None:
    readme = README.read_text()
    assert "scripts/run.sh     # install into .venv, then run the demo" in readme
    assert "scripts/test.sh    # install into .venv, then run the whole test suite" in readme
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme)
    local = [t for t in targets if not t.startswith(("http://", "https://"))]
    assert any(t.startswith("docs/tutorial/") for t in local)
    missing = [t for t in local if not (ROOT / t).exists()]
    assert not missing, f"README.md links to files that do not exist: {missing}"
