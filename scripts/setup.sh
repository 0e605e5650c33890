#!/usr/bin/env bash
# Create or refresh the project's virtual environment in .venv; quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
VENV=.venv
STAMP=$VENV/.stamp-install
# The environment is rebuilt when what it is installed from changes.
WANT=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)

# --- The test OpenID Connect provider (tests/oidc, used by tests/webapp/test_oidc.py) ----------
# `npm ci` (oidc-provider, pinned by tests/oidc/package-lock.json) runs only when node_modules is
# missing or the lock file changed; the stamp inside node_modules holds the lock file's hash.
OIDC_DIR=tests/oidc
OIDC_STAMP=$OIDC_DIR/node_modules/.stamp-lock
OIDC_WANT=$(sha256sum "$OIDC_DIR/package-lock.json" | cut -c1-16)
if [ ! -f "$OIDC_STAMP" ] || [ "$(cat "$OIDC_STAMP")" != "$OIDC_WANT" ]; then
  if command -v npm >/dev/null; then
    npm ci --prefix "$OIDC_DIR" --no-audit --no-fund --loglevel=error
    echo "$OIDC_WANT" > "$OIDC_STAMP"
  else
    echo "warning: npm not found; the sign-in tests need Node.js 20+ and npm" >&2
  fi
fi

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
  exit 0
fi

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
# torch first and alone, pinned: a looser range would pull a multi-GB CUDA build (see STACK.md).
"$VENV/bin/python" -m pip install -q "torch==2.13.0"
"$VENV/bin/python" -m pip install -q -e ".[dev]"
echo "$WANT" > "$STAMP"
echo "environment ready in $VENV"
