#!/usr/bin/env bash
# Create or refresh the project's virtual environment in .venv; quick when nothing changed.
# `--tests` also installs what only the test suite starts: an OpenID provider, Caddy and Label Studio.
set -euo pipefail
cd "$(dirname "$0")/.."
TEST_TOOLS=false
BACKGROUND=()  # installs running beside the main one; each must succeed
[ "${1:-}" = "--tests" ] && TEST_TOOLS=true

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
VENV=.venv
STAMP=$VENV/.stamp-install
# The environment is rebuilt when what it is installed from changes.
WANT=$(cat pyproject.toml sdk/python/pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)

# --- The test OpenID Connect provider (tests/oidc, used by tests/webapp/test_oidc.py) ----------
# `npm ci` (oidc-provider, pinned by tests/oidc/package-lock.json) runs only when node_modules is
# missing or the lock file changed; the stamp inside node_modules holds the lock file's hash.
if $TEST_TOOLS; then
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
# The TypeScript SDK's toolchain (tests/sdk/test_typescript_and_go.py builds it): the same, for sdk/typescript.
TS_STAMP=sdk/typescript/node_modules/.stamp-lock
TS_WANT=$(sha256sum sdk/typescript/package-lock.json | cut -c1-16)
if [ "$(cat "$TS_STAMP" 2>/dev/null)" != "$TS_WANT" ] && command -v npm >/dev/null; then
  npm ci --prefix sdk/typescript --no-audit --no-fund --loglevel=error
  echo "$TS_WANT" > "$TS_STAMP"
fi

# --- Debian packages the tests run: Caddy 2.6 (tests/deploy/test_caddy.py runs deploy/Caddyfile),
# Go 1.19 (the Go client's smoke test, tests/sdk/test_typescript_and_go.py), Java 17 (sdk/generate.py
# --check runs openapi-generator for the Go client) and Chromium (the console's browser tests,
# tests/console, drive it with Playwright). Installed only when missing from the PATH.
PACKAGES=()
command -v caddy >/dev/null || PACKAGES+=(caddy)
command -v go >/dev/null || PACKAGES+=(golang-go)
command -v java >/dev/null || PACKAGES+=(default-jre-headless)
command -v chromium >/dev/null || PACKAGES+=(chromium)
if [ ${#PACKAGES[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
  else
    echo "warning: ${PACKAGES[*]} not found; some tests need them (see scripts/setup.sh)" >&2
  fi
fi

# --- Label Studio for the integration tests (tests/flows/test_label_studio.py) -----------------
# In its own virtual environment, never in .venv: label-studio pins redis and python-json-logger
# versions that would force prefect down. Installed once (~65 s, ~1 GB); afterwards the
# stamp makes this a file read. The version is read by importing the package: `label-studio
# --version` would start a server.
LS_VENV=.venv-label-studio
LS_VERSION=1.23.2
LS_STAMP=$LS_VENV/.stamp-version
install_label_studio() {
  local have
  have=$("$LS_VENV/bin/python" -c 'import label_studio; print(label_studio.__version__)' 2>/dev/null || true)
  if [ "$have" != "$LS_VERSION" ]; then
    [ -x "$LS_VENV/bin/python" ] || "$PYTHON" -m venv "$LS_VENV"
    "$LS_VENV/bin/python" -m pip install -q "label-studio==$LS_VERSION"
  fi
  echo "$LS_VERSION" > "$LS_STAMP"
}
if [ "$(cat "$LS_STAMP" 2>/dev/null)" != "$LS_VERSION" ]; then
  # Beside .venv's install below (they share nothing): on a fresh clone this saves about a minute.
  install_label_studio &
  BACKGROUND+=($!)
fi
fi

if ! [ -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  # torch first and alone, pinned: a looser range would pull a multi-GB CUDA build.
  "$VENV/bin/python" -m pip install -q "torch==2.13.0"
  # The SDK before the project that depends on it; without its [agent] extra, whose onnxruntime
  # would sit beside the project's onnxruntime-gpu (one import name, two packages).
  "$VENV/bin/python" -m pip install -q -e ./sdk/python
  "$VENV/bin/python" -m pip install -q -e ".[dev]"
  echo "$WANT" > "$STAMP"
  echo "environment ready in $VENV"
fi
for pid in "${BACKGROUND[@]}"; do
  wait "$pid" || { echo "error: installing Label Studio into $LS_VENV failed (see above)" >&2; exit 1; }
done
