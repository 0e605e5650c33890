#!/usr/bin/env bash
# The documentation site (mkdocs.yml, docs/): serve it at http://127.0.0.1:8000, rebuilt on every change.
# `scripts/docs.sh build` writes the static site to build/site/ instead, with the same --strict check as the
# tests (tests/test_docs_site.py). Other arguments go to `mkdocs serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ "${1:-}" = "build" ]; then
  shift
  exec .venv/bin/mkdocs build --strict --site-dir build/site "$@"
fi
exec .venv/bin/mkdocs serve "$@"
