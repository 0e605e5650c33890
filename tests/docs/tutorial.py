"""The tutorial's pages (docs/tutorial/, in mkdocs.yml's nav order) and the shell blocks they run."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# A ```bash block right after this comment is shown but not run by tests/docs/test_tutorial.py; the
# comment says why.
SKIP_MARKER = re.compile(r"^<!--\s*not run by the tutorial test:\s*(?P<reason>.*\S)\s*-->$")
FENCE = re.compile(r"^```(?P<lang>[\w-]*)\s*$")


@dataclass(frozen=True)
class Block:
    page: str
    line: int
    code: str
    skip_reason: str | None


class _NavLoader(yaml.SafeLoader):
    """mkdocs.yml may hold tags (!!python/name:…, !ENV) that only MkDocs resolves: read them as None."""


_NavLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _pages(entries: list[Any]) -> list[str]:
    pages: list[str] = []
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, list):
            pages += _pages(value)
        elif isinstance(value, str) and value.endswith(".md"):
            pages.append(value)
    return pages


def tutorial_pages() -> list[str]:
    """The tutorial's pages in the order the site shows them (the "Tutorial" section of the nav)."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=_NavLoader)
    for section in config["nav"]:
        if isinstance(section, dict) and "Tutorial" in section:
            return _pages(section["Tutorial"])
    raise AssertionError("mkdocs.yml has no Tutorial section in its nav")


def bash_blocks(page: str) -> list[Block]:
    """Every ```bash block of a page, with the reason it is not run when a marker precedes it."""
    lines = (DOCS / page).read_text().splitlines()
    blocks: list[Block] = []
    previous = ""  # the last non-blank line before the current one
    i = 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if not fence:
            if lines[i].strip():
                previous = lines[i].strip()
            i += 1
            continue
        end = i + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        assert end < len(lines), f"{page}:{i + 1}: a code block that never ends"
        if fence["lang"] == "bash":
            marker = SKIP_MARKER.match(previous)
            code = "\n".join(lines[i + 1 : end])
            blocks.append(Block(page, i + 1, code, marker["reason"] if marker else None))
        previous = lines[end]
        i = end + 1
    return blocks


def tutorial_script(api_port: int) -> str:
    """The tutorial's commands as one bash script, in order, with the blocks not run left out.

    Two changes to the commands as written: the API's port (8080) becomes ``api_port``, and `curl`
    fails on an HTTP error status (--fail-with-body) unless the command prints the status itself
    (-w '%{http_code}'), so a step that goes wrong stops the script where it went wrong.
    """
    parts = [
        "set -euo pipefail",
        'curl() { case "$*" in *"%{http_code}"*) command curl "$@" ;; '
        '*) command curl --fail-with-body "$@" ;; esac; }',
    ]
    for page in tutorial_pages():
        for block in bash_blocks(page):
            if block.skip_reason is None:
                parts.append(f"# --- {block.page}:{block.line}\necho '>>> {block.page}:{block.line}'")
                parts.append(block.code.replace("127.0.0.1:8080", f"127.0.0.1:{api_port}"))
    return "\n".join(parts) + "\n"
